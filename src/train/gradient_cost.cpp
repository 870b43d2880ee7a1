// Timing backprop against naive finite-difference gradients.
#include "mlp/gradient_cost.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "mlp/init.hpp"
#include "mlp/network.hpp"
#include "mlp/rng.hpp"

namespace mlp {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void random_batch(Workspace<float>& ws, int B, int classes, Rng& rng) {
    for (int i = 0; i < B; ++i) {
        for (int j = 0; j < ws.input.cols; ++j) ws.input(i, j) = float(rng.normal());
        ws.labels[i] = int(rng.below(std::uint64_t(classes)));
    }
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Flat-buffer offsets of every real parameter (the buffer pads each tensor to 64 bytes).
std::vector<std::size_t> parameter_offsets(const ParamLayout& layout) {
    std::vector<std::size_t> offsets;
    offsets.reserve(layout.parameters);
    for (const auto& layer : layout.layers) {
        for (std::size_t i = 0; i < std::size_t(layer.in) * layer.out; ++i) offsets.push_back(layer.w_offset + i);
        if (layer.has_bias)
            for (int i = 0; i < layer.out; ++i) offsets.push_back(layer.b_offset + i);
    }
    return offsets;
}

}  // namespace

GradientCost measure_gradient_cost(const Architecture& arch, const GradientCostSettings& s) {
    const Context serial;  // both costs are measured on one thread, the course's setting
    Network<float> net(arch);
    Rng rng = Rng::for_purpose(s.seed, "gradient-cost");
    initialize(net, Init{InitScheme::he, 0.0}, rng);
    Workspace<float> ws(net.layout(), s.batch);
    random_batch(ws, s.batch, arch.classes, rng);

    GradientCost cost;
    cost.parameters = long(net.layout().parameters);
    std::vector<double> times;
    for (int r = 0; r < std::max(1, s.repeats); ++r) {
        const auto start = std::chrono::steady_clock::now();
        net.forward_backward(serial, ws, s.batch);
        times.push_back(seconds_since(start));
    }
    cost.backprop_seconds = median(times);

    const std::vector<std::size_t> offsets = parameter_offsets(net.layout());
    double max_grad = 0, max_diff = 0, measured = 0;
    int done = 0;
    const auto start = std::chrono::steady_clock::now();
    // Perturb random weights until enough time has passed for a steady rate (or all are done).
    while (done < std::min<long>(s.naive_weights, cost.parameters) &&
           (done < 16 || (measured = seconds_since(start)) < s.naive_budget_seconds)) {
        const std::size_t k = offsets[rng.below(offsets.size())];
        const float w = net.params[k];
        net.params[k] = w + float(s.step);
        const double up = net.evaluate(serial, ws, s.batch).loss;
        net.params[k] = w - float(s.step);
        const double down = net.evaluate(serial, ws, s.batch).loss;
        net.params[k] = w;
        const double numeric = (up - down) / (2 * s.step);
        max_diff = std::max(max_diff, std::abs(numeric - double(net.grads[k])));
        max_grad = std::max(max_grad, std::abs(double(net.grads[k])));
        ++done;
    }
    measured = seconds_since(start);
    cost.naive_measured = done;
    cost.naive_seconds = done == 0 ? 0.0 : measured * double(cost.parameters) / double(done);
    cost.max_relative_difference = max_grad > 0 ? max_diff / max_grad : max_diff;
    return cost;
}

}  // namespace mlp
