// SGD, momentum, Nesterov and Adam over flat buffers, split over the thread team when large.
#include "mlp/optimizer.hpp"

#include <cmath>

#include "mlp/error.hpp"
#include "mlp/thread_team.hpp"

namespace mlp {

OptimizerKind parse_optimizer(const std::string& name) {
    if (name == "sgd") return OptimizerKind::sgd;
    if (name == "momentum") return OptimizerKind::momentum;
    if (name == "nesterov") return OptimizerKind::nesterov;
    if (name == "adam") return OptimizerKind::adam;
    throw Error("unknown optimizer '" + name + "' (expected sgd, momentum, nesterov or adam)");
}

std::string optimizer_name(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::sgd: return "sgd";
        case OptimizerKind::momentum: return "momentum";
        case OptimizerKind::nesterov: return "nesterov";
        case OptimizerKind::adam: return "adam";
    }
    return "?";
}

Optimizer::Optimizer(const OptimizerSettings& settings, std::size_t size) : settings_(settings) {
    if (settings.kind != OptimizerKind::sgd) first = Buffer<float>(size);
    if (settings.kind == OptimizerKind::adam) second = Buffer<float>(size);
}

namespace {

struct UpdateRule {
    OptimizerKind kind;
    float lr, mu, b1, b2, a1, a2, c1, c2, eps;  // a = 1 − β, computed in double
};

// The update of elements [begin, end): element-wise, so any split of the buffer over
// threads gives the same result. Cloned for AVX-512, AVX2 and plain x86-64 (picked at
// load time). Adam's sqrt vectorises because the build passes -fno-math-errno.
__attribute__((target_clones("avx512f", "avx2", "default")))
void update_range(const UpdateRule& u, float* __restrict w, const float* __restrict g, float* __restrict m,
                  float* __restrict s, std::size_t begin, std::size_t end) {
    const float lr = u.lr, mu = u.mu, b1 = u.b1, b2 = u.b2, a1 = u.a1, a2 = u.a2, c1 = u.c1, c2 = u.c2, eps = u.eps;
    switch (u.kind) {
        case OptimizerKind::sgd:
            for (std::size_t i = begin; i < end; ++i) w[i] -= lr * g[i];
            return;
        case OptimizerKind::momentum:
            for (std::size_t i = begin; i < end; ++i) {
                m[i] = mu * m[i] + lr * g[i];
                w[i] -= m[i];
            }
            return;
        case OptimizerKind::nesterov:
            for (std::size_t i = begin; i < end; ++i) {
                m[i] = mu * m[i] + lr * g[i];
                w[i] -= mu * m[i] + lr * g[i];
            }
            return;
        case OptimizerKind::adam:
            for (std::size_t i = begin; i < end; ++i) {
                m[i] = b1 * m[i] + a1 * g[i];
                s[i] = b2 * s[i] + a2 * g[i] * g[i];
                w[i] -= lr * (m[i] * c1) / (__builtin_sqrtf(s[i] * c2) + eps);
            }
            return;
    }
}

// Buffers shorter than this are updated by one thread: a million floats take about 0.3 ms,
// below that a hand-off risks more than it saves (bench/NOTES.md).
constexpr std::size_t kSplitUpdate = 1 << 20;

}  // namespace

void Optimizer::step(Buffer<float>& params, const Buffer<float>& grads, double lr_d) {
    ++steps;
    UpdateRule u{settings_.kind, static_cast<float>(lr_d), static_cast<float>(settings_.momentum), 0, 0, 0, 0, 0, 0, 0};
    if (settings_.kind == OptimizerKind::adam) {
        const double t = static_cast<double>(steps);
        u.b1 = static_cast<float>(settings_.beta1);
        u.b2 = static_cast<float>(settings_.beta2);
        // 1 − β computed in double: 1.0f − 0.999f is off by 1e-5 relative.
        u.a1 = static_cast<float>(1.0 - settings_.beta1);
        u.a2 = static_cast<float>(1.0 - settings_.beta2);
        u.c1 = static_cast<float>(1.0 / (1.0 - std::pow(settings_.beta1, t)));
        u.c2 = static_cast<float>(1.0 / (1.0 - std::pow(settings_.beta2, t)));
        u.eps = static_cast<float>(settings_.epsilon);
    }
    const std::size_t n = params.size();
    float* w = params.data();
    const float* g = grads.data();
    float* m = first.data();
    float* s = second.data();
    if (n < kSplitUpdate || team_size() == 1) {
        update_range(u, w, g, m, s, 0, n);
        return;
    }
    team_run([&](int rank, int size) {
        const Range r = split_range(long(n), size, rank, 16);
        update_range(u, w, g, m, s, std::size_t(r.begin), std::size_t(r.end));
    });
}

}  // namespace mlp
