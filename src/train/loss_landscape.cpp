// Loss contour over two weights with optimiser trajectories.
#include "mlp/loss_landscape.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mlp/error.hpp"

namespace mlp {
namespace {

// The two weights as references into the network's flat parameter buffer.
struct PairAccess {
    float* a;
    float* b;
    const float* grad_a;
    const float* grad_b;
};

PairAccess access(Network<float>& net, const WeightPair& p) {
    require(p.layer >= 0 && p.layer < net.layers(),
            "landscape layer " + std::to_string(p.layer) + " out of range [0, " + std::to_string(net.layers()) + ")");
    MatrixView<float> W = net.weight(net.params, p.layer);
    MatrixView<float> G = net.weight(net.grads, p.layer);
    const auto in_range = [](int v, int n) { return v >= 0 && v < n; };
    require(in_range(p.row, W.rows), "landscape row " + std::to_string(p.row) + " out of range [0, " +
                                         std::to_string(W.rows) + ")");
    require(in_range(p.column_a, W.cols) && in_range(p.column_b, W.cols) && p.column_a != p.column_b,
            "landscape columns must be two different outputs in [0, " + std::to_string(W.cols) + ")");
    return {&W(p.row, p.column_a), &W(p.row, p.column_b), &G(p.row, p.column_a), &G(p.row, p.column_b)};
}

// Sum of cross-entropy over the B rows already in ws. The landscape is a figure of a small
// net: every pass runs on the calling thread (Context{}).
double summed_loss(const Network<float>& net, Workspace<float>& ws, int B) {
    return net.evaluate(Context{}, ws, B).loss * B;
}

Trajectory descend(Network<float>& net, Workspace<float>& ws, int B, const PairAccess& w, double start_a,
                   double start_b, double momentum, const LandscapeSettings& s) {
    Trajectory t;
    t.momentum = momentum;
    double a = start_a, b = start_b, va = 0, vb = 0;
    for (int step = 0; step <= s.steps; ++step) {
        *w.a = float(a);
        *w.b = float(b);
        const double loss = net.forward_backward(Context{}, ws, B).loss * B;
        t.points.push_back({a, b, loss});
        if (step == s.steps || !std::isfinite(loss)) break;
        va = momentum * va + s.lr * double(*w.grad_a) * B;  // grads are of the mean loss
        vb = momentum * vb + s.lr * double(*w.grad_b) * B;
        a -= va;
        b -= vb;
    }
    return t;
}

std::vector<double> axis(double lo, double hi, int n) {
    std::vector<double> v(n);
    for (int i = 0; i < n; ++i) v[i] = lo + (hi - lo) * i / (n - 1);
    return v;
}

// Square-ish bounds that hold the trained point and every finite trajectory point, with a margin.
void fit_bounds(const Landscape& L, const LandscapeSettings& s, double bounds[4]) {
    double lo_a = L.trained_a, hi_a = L.trained_a, lo_b = L.trained_b, hi_b = L.trained_b;
    for (const auto& t : L.trajectories)
        for (const auto& p : t.points) {
            if (!std::isfinite(p.loss)) continue;
            lo_a = std::min(lo_a, p.a), hi_a = std::max(hi_a, p.a);
            lo_b = std::min(lo_b, p.b), hi_b = std::max(hi_b, p.b);
        }
    if (s.half_width > 0) {
        lo_a = L.trained_a - s.half_width, hi_a = L.trained_a + s.half_width;
        lo_b = L.trained_b - s.half_width, hi_b = L.trained_b + s.half_width;
    }
    const double margin = 0.15 * std::max({hi_a - lo_a, hi_b - lo_b, 1e-3});
    bounds[0] = lo_a - margin, bounds[1] = hi_a + margin, bounds[2] = lo_b - margin, bounds[3] = hi_b + margin;
}

}  // namespace

Landscape loss_landscape(Network<float>& net, const Subset& data, const Normalizer& norm,
                         const LandscapeSettings& s) {
    require(s.grid >= 2, "landscape grid must be at least 2 points per axis");
    require(s.steps >= 0 && s.lr > 0, "landscape needs steps >= 0 and lr > 0");
    const int B = std::min(s.examples, data.size());
    require(B > 0, "landscape needs at least one example");
    Workspace<float> ws(net.layout(), B);
    std::vector<int> order(B);
    std::iota(order.begin(), order.end(), 0);
    gather_batch(data, order.data(), B, norm, ws.input, ws.labels.data());

    const PairAccess w = access(net, s.pair);
    Landscape L;
    L.trained_a = *w.a, L.trained_b = *w.b;
    for (double m : s.momenta)
        L.trajectories.push_back(descend(net, ws, B, w, L.trained_a + s.start_offset_a,
                                         L.trained_b + s.start_offset_b, m, s));
    double bounds[4];
    fit_bounds(L, s, bounds);
    L.a_values = axis(bounds[0], bounds[1], s.grid);
    L.b_values = axis(bounds[2], bounds[3], s.grid);
    L.loss.resize(std::size_t(s.grid) * s.grid);
    for (int j = 0; j < s.grid; ++j)
        for (int i = 0; i < s.grid; ++i) {
            *w.a = float(L.a_values[i]);
            *w.b = float(L.b_values[j]);
            L.loss[std::size_t(j) * s.grid + i] = summed_loss(net, ws, B);
        }
    *w.a = float(L.trained_a);
    *w.b = float(L.trained_b);
    return L;
}

}  // namespace mlp
