// The loss over a plane of two weights of a trained network, every other weight fixed,
// and optimiser trajectories on that plane: the "loss contour" picture of momentum.
#pragma once
#include <vector>

#include "mlp/dataset.hpp"
#include "mlp/network.hpp"

namespace mlp {

// Two weights of one layer: W_layer(row, column_a) and W_layer(row, column_b).
struct WeightPair {
    int layer = 0;
    int row = 0;
    int column_a = 0, column_b = 1;
};

struct LandscapeSettings {
    WeightPair pair;
    int examples = 1000;      // the loss is the SUM of cross-entropy over the subset's first rows
    int grid = 61;            // grid × grid evaluations
    double half_width = 0.0;  // grid spans trained ± half_width in each weight; 0 → fitted to the trajectories
    double lr = 6e-3;
    int steps = 30;
    std::vector<double> momenta{0.0, 0.25, 0.8};
    double start_offset_a = -1.0, start_offset_b = 1.0;  // trajectories start at trained + offset
};

struct TrajectoryPoint {
    double a = 0, b = 0, loss = 0;
};

struct Trajectory {
    double momentum = 0;
    std::vector<TrajectoryPoint> points;  // steps + 1 points, the start first
};

struct Landscape {
    double trained_a = 0, trained_b = 0;
    std::vector<double> a_values, b_values;  // grid coordinates
    std::vector<double> loss;                // grid × grid, row = index into b_values
    std::vector<Trajectory> trajectories;
};

// Gradient descent with heavy-ball momentum (v ← μv + lr·g; w ← w − v) on the two weights
// only, then the loss on a grid covering the trained point and every trajectory.
// net's parameters are restored before returning.
Landscape loss_landscape(Network<float>& net, const Subset& data, const Normalizer& norm,
                         const LandscapeSettings& settings);

}  // namespace mlp
