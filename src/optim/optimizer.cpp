// SGD, momentum, Nesterov and Adam over flat buffers.
#include "mlp/optimizer.hpp"

#include <cmath>

#include "mlp/error.hpp"

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

void Optimizer::step(Buffer<float>& params, const Buffer<float>& grads, double lr_d) {
    ++steps;
    const std::size_t n = params.size();
    float* w = params.data();
    const float* g = grads.data();
    const float lr = static_cast<float>(lr_d);
    const float mu = static_cast<float>(settings_.momentum);
    switch (settings_.kind) {
        case OptimizerKind::sgd:
            for (std::size_t i = 0; i < n; ++i) w[i] -= lr * g[i];
            return;
        case OptimizerKind::momentum: {
            float* v = first.data();
            for (std::size_t i = 0; i < n; ++i) {
                v[i] = mu * v[i] + lr * g[i];
                w[i] -= v[i];
            }
            return;
        }
        case OptimizerKind::nesterov: {
            float* v = first.data();
            for (std::size_t i = 0; i < n; ++i) {
                v[i] = mu * v[i] + lr * g[i];
                w[i] -= mu * v[i] + lr * g[i];
            }
            return;
        }
        case OptimizerKind::adam: {
            float* m = first.data();
            float* s = second.data();
            // 1 − β computed in double: 1.0f − 0.999f is off by 1e-5 relative.
            const float b1 = static_cast<float>(settings_.beta1), b2 = static_cast<float>(settings_.beta2);
            const float a1 = static_cast<float>(1.0 - settings_.beta1), a2 = static_cast<float>(1.0 - settings_.beta2);
            const double t = static_cast<double>(steps);
            const float c1 = static_cast<float>(1.0 / (1.0 - std::pow(settings_.beta1, t)));
            const float c2 = static_cast<float>(1.0 / (1.0 - std::pow(settings_.beta2, t)));
            const float eps = static_cast<float>(settings_.epsilon);
            for (std::size_t i = 0; i < n; ++i) {
                m[i] = b1 * m[i] + a1 * g[i];
                s[i] = b2 * s[i] + a2 * g[i] * g[i];
                w[i] -= lr * (m[i] * c1) / (std::sqrt(s[i] * c2) + eps);
            }
            return;
        }
    }
}

}  // namespace mlp
