// Whole-network gradient checks: every activation, both bias conventions, with and without L2.
#include <gtest/gtest.h>

#include "mlp/gradcheck.hpp"
#include "mlp/init.hpp"
#include "test_context.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

std::vector<GradcheckRow> check(ActivationKind kind, BiasMode bias, std::vector<int> hidden, double l2,
                                double dropout = 0.0, double input_dropout = 0.0, bool l2_biases = false,
                                double label_smoothing = 0.0) {
    Architecture arch;
    arch.dropout = dropout;
    arch.input_dropout = input_dropout;
    arch.inputs = 11;
    arch.hidden = std::move(hidden);
    arch.classes = 4;
    arch.activation = {kind, 0.1};
    arch.bias = bias;
    Network<float> net(arch);
    Rng rng(3);
    initialize(net, Init{InitScheme::xavier_normal, 0}, rng);
    const int B = 6;
    const auto x = test::cast<float>(test::random_values(B * arch.inputs, 5));
    const int labels[] = {0, 1, 2, 3, 1, 0};
    GradcheckSettings settings;
    settings.samples_per_tensor = 0;  // every entry
    settings.l2 = l2;
    settings.l2_biases = l2_biases;
    settings.label_smoothing = label_smoothing;
    return gradcheck(test::test_context(), net, MatrixView<const float>(x.data(), B, arch.inputs), labels, settings);
}

class EveryActivation : public ::testing::TestWithParam<ActivationKind> {};

TEST_P(EveryActivation, ExplicitBiasPasses) {
    for (const auto& row : check(GetParam(), BiasMode::explicit_vectors, {7, 5}, 0.0))
        EXPECT_TRUE(row.passed) << row.tensor << " double " << row.error_double << " float " << row.error_float;
}

TEST_P(EveryActivation, BiasTrickPasses) {
    const auto rows = check(GetParam(), BiasMode::trick, {7, 5}, 0.0);
    ASSERT_EQ(rows.size(), 4u);  // W1, b1 (the constant-1 column), W2, W3
    for (const auto& row : rows) EXPECT_TRUE(row.passed) << row.tensor;
}

TEST_P(EveryActivation, WithL2Passes) {
    for (const auto& row : check(GetParam(), BiasMode::explicit_vectors, {6}, 0.03)) EXPECT_TRUE(row.passed) << row.tensor;
}

// train.l2_biases: λ·Σ‖b‖² joins the objective, 2λ·b the biases' gradients.
TEST_P(EveryActivation, WithL2OnBiasesPasses) {
    const auto rows = check(GetParam(), BiasMode::explicit_vectors, {6}, 0.03, 0.0, 0.0, true);
    ASSERT_EQ(rows.size(), 4u);
    for (const auto& row : rows) EXPECT_TRUE(row.passed) << row.tensor;
}

// Label smoothing: the loss against (1 − ε)·onehot(y) + ε/K, its gradient (p − t)/B.
TEST_P(EveryActivation, WithLabelSmoothingPasses) {
    for (const auto& row : check(GetParam(), BiasMode::explicit_vectors, {7, 5}, 0.0, 0.0, 0.0, false, 0.1))
        EXPECT_TRUE(row.passed) << row.tensor << " double " << row.error_double << " float " << row.error_float;
}

// Dropout: the gradient of one training pass with its masks frozen (drawn from the seed).
TEST_P(EveryActivation, WithDropoutAndL2Passes) {
    for (const auto& row : check(GetParam(), BiasMode::explicit_vectors, {7, 5}, 0.03, 0.4, 0.2))
        EXPECT_TRUE(row.passed) << row.tensor << " double " << row.error_double << " float " << row.error_float;
}

INSTANTIATE_TEST_SUITE_P(Gradcheck, EveryActivation,
                         ::testing::Values(ActivationKind::sigmoid, ActivationKind::improved_sigmoid,
                                           ActivationKind::tanh, ActivationKind::relu, ActivationKind::leaky_relu,
                                           ActivationKind::identity),
                         [](const auto& info) { return activation_name(info.param); });

TEST(Gradcheck, SoftmaxRegressionPasses) {
    for (const auto& row : check(ActivationKind::sigmoid, BiasMode::explicit_vectors, {}, 0.01))
        EXPECT_TRUE(row.passed) << row.tensor;
}

TEST(Gradcheck, CatchesAWrongGradient) {
    // The same network passes as it is and fails once every tensor's analytic gradient is
    // off by 1e-3 in one entry: the check compares what backprop gives, not a tolerance.
    Architecture arch{5, {4}, 3, {ActivationKind::tanh}, BiasMode::explicit_vectors};
    Network<float> net(arch);
    Rng rng(1);
    initialize(net, Init{InitScheme::fan_in, 0}, rng);
    const auto x = test::cast<float>(test::random_values(4 * 5, 9));
    const int labels[] = {0, 1, 2, 0};
    GradcheckSettings settings;
    settings.samples_per_tensor = 0;
    for (const auto& row : gradcheck(test::test_context(), net, MatrixView<const float>(x.data(), 4, 5), labels, settings))
        EXPECT_TRUE(row.passed) << row.tensor;
    settings.analytic_error = 1e-3;
    for (const auto& row : gradcheck(test::test_context(), net, MatrixView<const float>(x.data(), 4, 5), labels, settings))
        EXPECT_FALSE(row.passed) << row.tensor << " double " << row.error_double << " float " << row.error_float;
}

}  // namespace
}  // namespace mlp
