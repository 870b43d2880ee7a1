// Optimisers as one flat loop over Params, Grads and State buffers of the same layout.
// Does not compute gradients or decide the learning rate; the Trainer passes lr per step.
#pragma once
#include <cstdint>
#include <string>

#include "mlp/buffer.hpp"
#include "mlp/context.hpp"
#include "mlp/names.hpp"

namespace mlp {

enum class OptimizerKind { sgd, momentum, nesterov, adam };
inline constexpr NamedValue<OptimizerKind> kOptimizerNames[] = {
    {"sgd", OptimizerKind::sgd},
    {"momentum", OptimizerKind::momentum},
    {"nesterov", OptimizerKind::nesterov},
    {"adam", OptimizerKind::adam},
};

OptimizerKind parse_optimizer(const std::string& name);
std::string optimizer_name(OptimizerKind kind);

struct OptimizerSettings {
    OptimizerKind kind = OptimizerKind::sgd;
    double momentum = 0.9;  // μ for momentum and nesterov
    double beta1 = 0.9;     // Adam (Kingma & Ba 2015)
    double beta2 = 0.999;
    double epsilon = 1e-8;
};

// Updates, with g the gradient and lr the step size:
//   sgd:       w ← w − lr·g
//   momentum:  v ← μ·v + lr·g;  w ← w − v                  (heavy ball, as in the course notes)
//   nesterov:  v ← μ·v + lr·g;  w ← w − (μ·v + lr·g)       (Sutskever 2013, look-ahead form)
//   adam:      m ← β1·m + (1−β1)·g;  s ← β2·s + (1−β2)·g²;  t ← t + 1
//              w ← w − lr · (m / (1−β1ᵗ)) / (sqrt(s / (1−β2ᵗ)) + ε)
// t counts optimisation steps, never tensors.
//
// A step is either one call to step() or begin_step() followed by update() on ranges that
// cover every parameter once; the ranges may run in any order on any thread, since the
// update is element by element.
class Optimizer {
public:
    Optimizer(const OptimizerSettings& settings, std::size_t size);
    // Buffers of state, each the size of Params: 0 (sgd), 1 (momentum, nesterov) or 2 (adam).
    static int state_buffers(OptimizerKind kind);
    // Returns false when an updated parameter is NaN or Inf. Large buffers split over ctx's team.
    bool step(const Context& ctx, Buffer<float>& params, const Buffer<float>& grads, double lr);
    void begin_step(double lr);
    // Updates params[offset, offset + n) with gradient g + decay·w (decay = 2λ for L2 on
    // weights, else 0); grads are left as they are. Returns false when an updated
    // parameter is NaN or Inf.
    bool update(Buffer<float>& params, const Buffer<float>& grads, std::size_t offset, long n, float decay = 0.0f);
    // The same on n parameters held elsewhere (a thread's own packed copy), with their
    // state m (momentum, nesterov, adam) and s (adam); the unused ones may be null.
    bool update(float* w, const float* g, float* m, float* s, long n, float decay = 0.0f);
    const OptimizerSettings& settings() const { return settings_; }

    // The constants of the step begun last, in float.
    struct Rule {
        OptimizerKind kind;
        float lr, mu, b1, b2, a1, a2, c1, c2, eps;  // a = 1 − β, computed in double
    };

    // State, in the layout of Params: velocity (momentum, nesterov) or m (adam); s (adam).
    Buffer<float> first;
    Buffer<float> second;
    std::int64_t steps = 0;

private:
    OptimizerSettings settings_;
    Rule rule_{};
};

}  // namespace mlp
