// The loss contour: a grid that holds the trained point, paths that descend, momentum that
// moves further, and the network left as it was.
#include <gtest/gtest.h>

#include <algorithm>

#include "mlp/error.hpp"
#include "mlp/init.hpp"
#include "mlp/loss_landscape.hpp"
#include "mlp/rng.hpp"

namespace mlp {
namespace {

struct Fixture {
    Dataset data;
    Subset all;
    Normalizer norm;
    Network<float> net{Architecture{6, {}, 3, Activation{}, BiasMode::explicit_vectors}};

    Fixture() {
        Rng rng(7);
        data.rows = 300, data.features = 6, data.classes = 3;
        for (int i = 0; i < data.rows; ++i) {
            const int y = int(rng.below(3));
            data.labels.push_back(y);
            for (int j = 0; j < data.features; ++j) data.f32.push_back(float(rng.normal() + (j == y ? 1.5 : 0.0)));
            all.indices.push_back(i);
        }
        all.data = &data;
        norm = Normalizer::fit(NormalizeMode::none, all);
        Rng init_rng(3);
        initialize(net, Init{InitScheme::xavier_uniform, 0.0}, init_rng);
    }
};

LandscapeSettings settings() {
    LandscapeSettings s;
    s.pair = WeightPair{0, 2, 0, 1};
    s.examples = 300, s.grid = 5, s.lr = 2e-3, s.steps = 20;
    s.momenta = {0.0, 0.8};
    return s;
}

TEST(LossLandscape, PathsDescendAndTheNetworkIsRestored) {
    Fixture f;
    const Buffer<float> before = f.net.params;
    const Landscape L = loss_landscape(f.net, f.all, f.norm, settings());
    for (std::size_t i = 0; i < before.size(); ++i) ASSERT_EQ(f.net.params[i], before[i]) << i;
    ASSERT_EQ(L.trajectories.size(), 2u);
    for (const auto& t : L.trajectories) {
        ASSERT_EQ(t.points.size(), 21u);
        EXPECT_EQ(t.points.front().a, L.trained_a - 1.0);
        EXPECT_EQ(t.points.front().b, L.trained_b + 1.0);
        EXPECT_LT(t.points.back().loss, t.points.front().loss);
    }
    // Plain descent with a small lr never goes up; momentum gets further in the first steps.
    const auto& gd = L.trajectories[0].points;
    for (std::size_t i = 1; i < gd.size(); ++i) EXPECT_LE(gd[i].loss, gd[i - 1].loss + 1e-3) << i;
    EXPECT_LT(L.trajectories[1].points[5].loss, gd[5].loss);
}

TEST(LossLandscape, GridCoversThePathsAndMatchesTheirLosses) {
    Fixture f;
    LandscapeSettings s = settings();
    s.steps = 0;  // one point per path: its start
    s.grid = 3;
    const Landscape L = loss_landscape(f.net, f.all, f.norm, s);
    ASSERT_EQ(L.loss.size(), 9u);
    const auto [lo_a, hi_a] = std::minmax_element(L.a_values.begin(), L.a_values.end());
    EXPECT_LT(*lo_a, L.trained_a - 1.0);
    EXPECT_GT(*hi_a, L.trained_a);
    // The middle grid point and a path start are both plain evaluations of the summed loss.
    const TrajectoryPoint start = L.trajectories[0].points[0];
    LandscapeSettings at_start = s;
    at_start.half_width = 1e-9;
    at_start.start_offset_a = at_start.start_offset_b = 0;
    const Landscape centre = loss_landscape(f.net, f.all, f.norm, at_start);
    EXPECT_NEAR(centre.loss[4], centre.trajectories[0].points[0].loss, 1e-3);
    EXPECT_GT(start.loss, centre.loss[4]);
}

TEST(LossLandscape, RejectsWeightsOutsideTheLayer) {
    Fixture f;
    LandscapeSettings s = settings();
    s.pair.row = 6;
    EXPECT_THROW(loss_landscape(f.net, f.all, f.norm, s), Error);
    s = settings();
    s.pair.column_b = s.pair.column_a;
    EXPECT_THROW(loss_landscape(f.net, f.all, f.norm, s), Error);
}

}  // namespace
}  // namespace mlp
