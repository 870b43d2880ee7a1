// Gradient checking: back-propagated gradients against central finite differences of the
// whole objective (mean cross-entropy + λ·Σ‖W‖², + λ·Σ‖b‖² with l2_biases), computed in double precision. A network
// with dropout is checked on one training pass's masks, frozen (drawn from `seed`, step 1).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "mlp/network.hpp"

namespace mlp {

struct GradcheckSettings {
    int samples_per_tensor = 64;  // entries checked per tensor (0 → all), drawn at random
    double step = 1e-6;           // h in (f(w+h) − f(w−h)) / 2h
    double l2 = 0.0;
    bool l2_biases = false;  // λ·Σ‖b‖² in the objective too
    double label_smoothing = 0.0;  // ε of the loss (softmax_cross_entropy.hpp)
    std::uint64_t seed = 0;
    double tolerance_double = 1e-6;  // the engine run in double precision
    double tolerance_float = 1e-4;   // the float engine used for training
    // Added to the first entry of every tensor's analytic gradient (both engines): a wrong
    // gradient on purpose, for testing the check itself. 0 in any real use.
    double analytic_error = 0.0;
};

struct GradcheckRow {
    std::string tensor;       // "W1", "b1", ...
    int checked = 0;
    int skipped = 0;          // entries whose ±h step crossed a ReLU kink
    double error_double = 0;  // max_i |analytic_i − numeric_i| / max_i |numeric_i|
    double error_float = 0;
    bool passed = false;
};

// Checks every tensor of net on the batch X (B, D) with labels; the float engine runs on ctx.
std::vector<GradcheckRow> gradcheck(const Context& ctx, const Network<float>& net, ConstView<float> X, const int* labels,
                                    const GradcheckSettings& settings);

}  // namespace mlp
