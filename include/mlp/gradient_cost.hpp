// What back-propagation saves: the time of one full gradient by backprop against the naive
// per-weight derivative (a central finite difference for every weight), as depth and width grow.
#pragma once
#include <cstdint>
#include <string>

#include "mlp/architecture.hpp"

namespace mlp {

struct GradientCostSettings {
    int batch = 1;            // examples in the objective
    int naive_weights = 100000;        // at most this many weights are perturbed, at least 16,
    double naive_budget_seconds = 0.5;  // stopping once this much time is spent; the time is scaled to all P
    int repeats = 21;         // backprop time is the median of this many gradients
    double step = 1e-2;       // h of (f(w+h) − f(w−h)) / 2h, in float
    std::uint64_t seed = 1;
};

struct GradientCost {
    long parameters = 0;
    double backprop_seconds = 0;  // one full gradient
    double naive_seconds = 0;     // one full gradient, = measured time × P / naive_measured
    int naive_measured = 0;       // weights whose derivative was actually computed
    double max_relative_difference = 0;  // max |naive − backprop| / max |backprop| over them
};

// One measurement of a sweep: sweep is "depth" or "width", whichever varies.
struct GradientCostRow {
    std::string sweep;
    int depth = 0, width = 0;
    GradientCost cost;
};

// Random inputs, labels and He-initialised weights; times both ways of getting ∂loss/∂w.
GradientCost measure_gradient_cost(const Architecture& arch, const GradientCostSettings& settings);

}  // namespace mlp
