// SGD, momentum, Nesterov and Adam over flat buffers, split over the thread team when large.
#include "mlp/optimizer.hpp"

#include <atomic>
#include <cmath>

#include "mlp/regularization.hpp"

namespace mlp {

OptimizerKind parse_optimizer(const std::string& name) { return parse_named(kOptimizerNames, name, "optimizer"); }

std::string optimizer_name(OptimizerKind kind) { return name_of(kOptimizerNames, kind); }

int Optimizer::state_buffers(OptimizerKind kind) {
    return kind == OptimizerKind::adam ? 2 : kind == OptimizerKind::sgd ? 0 : 1;
}

Optimizer::Optimizer(const OptimizerSettings& settings, std::size_t size) : settings_(settings) {
    const int states = state_buffers(settings.kind);
    if (states >= 1) first = Buffer<float>(size);
    if (states == 2) second = Buffer<float>(size);
}

namespace {

// The update of n elements, with gradient g + decay·w (regularization.hpp). Element-wise, so any split of a
// buffer over threads gives the same result. Returns false when a new w is NaN or Inf:
// a NaN or Inf gradient always makes one, so this one flag catches both. Adam's sqrt
// vectorises because the build passes -fno-math-errno.
template <OptimizerKind kind>
inline __attribute__((always_inline)) bool update_kind(const Optimizer::Rule& u, float decay, float* __restrict w,
                                                       const float* __restrict g, float* __restrict m,
                                                       float* __restrict s, long n) {
    const float lr = u.lr, mu = u.mu, b1 = u.b1, b2 = u.b2, a1 = u.a1, a2 = u.a2, c1 = u.c1, c2 = u.c2, eps = u.eps;
    int bad = 0;  // no early exit: the loops vectorise
    switch (kind) {
        case OptimizerKind::sgd:
            for (long i = 0; i < n; ++i) {
                w[i] -= lr * l2_gradient(g[i], w[i], decay);
                bad |= !__builtin_isfinite(w[i]);
            }
            break;
        case OptimizerKind::momentum:
            for (long i = 0; i < n; ++i) {
                m[i] = mu * m[i] + lr * l2_gradient(g[i], w[i], decay);
                w[i] -= m[i];
                bad |= !__builtin_isfinite(w[i]);
            }
            break;
        case OptimizerKind::nesterov:
            for (long i = 0; i < n; ++i) {
                const float gi = l2_gradient(g[i], w[i], decay);
                m[i] = mu * m[i] + lr * gi;
                w[i] -= mu * m[i] + lr * gi;
                bad |= !__builtin_isfinite(w[i]);
            }
            break;
        case OptimizerKind::adam:
            for (long i = 0; i < n; ++i) {
                const float gi = l2_gradient(g[i], w[i], decay);
                m[i] = b1 * m[i] + a1 * gi;
                s[i] = b2 * s[i] + a2 * gi * gi;
                w[i] -= lr * (m[i] * c1) / (__builtin_sqrtf(s[i] * c2) + eps);
                bad |= !__builtin_isfinite(w[i]);
            }
            break;
    }
    return bad == 0;
}

// Cloned for AVX-512, AVX2 and plain x86-64 (picked at load time); not a template,
// because clang cannot clone templates.
__attribute__((target_clones("avx512f", "avx2", "default")))
bool update_range(const Optimizer::Rule& u, float decay, float* w, const float* g, float* m, float* s, long n) {
    switch (u.kind) {
        case OptimizerKind::sgd: return update_kind<OptimizerKind::sgd>(u, decay, w, g, m, s, n);
        case OptimizerKind::momentum: return update_kind<OptimizerKind::momentum>(u, decay, w, g, m, s, n);
        case OptimizerKind::nesterov: return update_kind<OptimizerKind::nesterov>(u, decay, w, g, m, s, n);
        case OptimizerKind::adam: return update_kind<OptimizerKind::adam>(u, decay, w, g, m, s, n);
    }
    return false;
}

// Buffers shorter than this are updated by one thread: a million floats take about 0.3 ms,
// below that a hand-off risks more than it saves (bench/NOTES.md).
constexpr std::size_t kSplitUpdate = 1 << 20;

}  // namespace

void Optimizer::begin_step(double lr) {
    ++steps;
    rule_ = Rule{settings_.kind, static_cast<float>(lr), static_cast<float>(settings_.momentum), 0, 0, 0, 0, 0, 0, 0};
    if (settings_.kind != OptimizerKind::adam) return;
    const double t = static_cast<double>(steps);
    rule_.b1 = static_cast<float>(settings_.beta1);
    rule_.b2 = static_cast<float>(settings_.beta2);
    // 1 − β computed in double: 1.0f − 0.999f is off by 1e-5 relative.
    rule_.a1 = static_cast<float>(1.0 - settings_.beta1);
    rule_.a2 = static_cast<float>(1.0 - settings_.beta2);
    rule_.c1 = static_cast<float>(1.0 / (1.0 - std::pow(settings_.beta1, t)));
    rule_.c2 = static_cast<float>(1.0 / (1.0 - std::pow(settings_.beta2, t)));
    rule_.eps = static_cast<float>(settings_.epsilon);
}

bool Optimizer::update(Buffer<float>& params, const Buffer<float>& grads, std::size_t offset, long n, float decay) {
    float* m = first.size() ? first.data() + offset : nullptr;
    float* s = second.size() ? second.data() + offset : nullptr;
    return update_range(rule_, decay, params.data() + offset, grads.data() + offset, m, s, n);
}

bool Optimizer::update(float* w, const float* g, float* m, float* s, long n, float decay) {
    return update_range(rule_, decay, w, g, m, s, n);
}

bool Optimizer::step(const Context& ctx, Buffer<float>& params, const Buffer<float>& grads, double lr) {
    begin_step(lr);
    const std::size_t n = params.size();
    if (n < kSplitUpdate || ctx.threads() == 1) return update(params, grads, 0, long(n));
    std::atomic<bool> finite{true};
    ctx.run([&](int rank, int size) {
        const Range r = split_range(long(n), size, rank, 16);
        if (!update(params, grads, std::size_t(r.begin), r.end - r.begin))
            finite.store(false, std::memory_order_relaxed);
    });
    return finite.load();
}

}  // namespace mlp
