// Optimisers as one flat loop over Params, Grads and State buffers of the same layout.
// Does not compute gradients or decide the learning rate; the Trainer passes lr per step.
#pragma once
#include <cstdint>
#include <string>

#include "mlp/buffer.hpp"

namespace mlp {

enum class OptimizerKind { sgd, momentum, nesterov, adam };

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
// t counts calls to step(), i.e. optimisation steps, never tensors.
class Optimizer {
public:
    Optimizer(const OptimizerSettings& settings, std::size_t size);
    void step(Buffer<float>& params, const Buffer<float>& grads, double lr);
    const OptimizerSettings& settings() const { return settings_; }

    // State, in the layout of Params: velocity (momentum, nesterov) or m (adam); s (adam).
    Buffer<float> first;
    Buffer<float> second;
    std::int64_t steps = 0;

private:
    OptimizerSettings settings_;
};

}  // namespace mlp
