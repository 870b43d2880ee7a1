// The backprop-versus-naive sweep: the naive derivatives agree with backprop, and the
// parameter count is the network's.
#include <gtest/gtest.h>

#include "mlp/gradient_cost.hpp"

namespace mlp {
namespace {

TEST(GradientCost, NaiveDerivativesAgreeWithBackprop) {
    Architecture arch{20, {8, 8}, 4, Activation{ActivationKind::tanh, 0.01}, BiasMode::explicit_vectors};
    GradientCostSettings s;
    s.batch = 3;
    s.repeats = 3;
    s.naive_weights = 1000;  // more than P: every weight is perturbed
    s.naive_budget_seconds = 60;
    const GradientCost c = measure_gradient_cost(arch, s);
    EXPECT_EQ(c.parameters, 20 * 8 + 8 + 8 * 8 + 8 + 8 * 4 + 4);
    EXPECT_EQ(c.naive_measured, c.parameters);
    EXPECT_LT(c.max_relative_difference, 1e-2);
    EXPECT_GT(c.backprop_seconds, 0.0);
    EXPECT_GT(c.naive_seconds, 0.0);
}

}  // namespace
}  // namespace mlp
