// Dropout: the mask stream (rates, slices, steps, layers), its forward and backward
// against a double reference and finite differences, evaluation without it, and
// training with it the same on any team size.
#include <gtest/gtest.h>

#include <cmath>

#include "mlp/dropout.hpp"
#include "mlp/init.hpp"
#include "mlp/network.hpp"
#include "mlp/train_step.hpp"
#include "test_context.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

std::vector<float> mask(DropoutStream s, int layer, double rate, int rows, int col0, int cols) {
    std::vector<float> m(std::size_t(rows) * cols);
    dropout_mask<float>(s, layer, rate, col0, MatrixView<float>(m.data(), rows, cols));
    return m;
}

double kept_fraction(const std::vector<float>& m) {
    double kept = 0;
    for (float v : m) kept += v != 0.0f;
    return kept / m.size();
}

TEST(Dropout, KeepsEachUnitWithProbabilityOneMinusTheRateAndScalesByItsInverse) {
    const DropoutStream s = DropoutStream::of_seed(5, 1);
    for (double rate : {0.1, 0.5, 0.8}) {
        const auto m = mask(s, 1, rate, 200, 0, 500);
        EXPECT_NEAR(kept_fraction(m), 1.0 - rate, 0.01) << rate;  // 10⁵ draws: σ ≈ 0.0016
        for (float v : m) ASSERT_TRUE(v == 0.0f || v == float(1.0 / (1.0 - rate)));
    }
    EXPECT_EQ(kept_fraction(mask(s, 1, 0.0, 50, 0, 50)), 1.0);
}

TEST(Dropout, ASliceOfAMaskIsTheSameSliceOfTheWholeMask) {
    const DropoutStream s = DropoutStream::of_seed(9, 17);
    const auto whole = mask(s, 2, 0.5, 8, 0, 100);
    const auto slice = mask(s, 2, 0.5, 8, 48, 37);
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 37; ++j) ASSERT_EQ(slice[i * 37 + j], whole[i * 100 + 48 + j]) << i << "," << j;
}

TEST(Dropout, StepsLayersAndSeedsDrawDifferentMasks) {
    auto differing = [](const std::vector<float>& a, const std::vector<float>& b) {
        int n = 0;
        for (std::size_t i = 0; i < a.size(); ++i) n += a[i] != b[i];
        return double(n) / a.size();
    };
    const auto base = mask(DropoutStream::of_seed(1, 1), 1, 0.5, 64, 0, 64);
    // Independent masks at rate 0.5 differ in about half their entries.
    EXPECT_NEAR(differing(base, mask(DropoutStream::of_seed(1, 2), 1, 0.5, 64, 0, 64)), 0.5, 0.05);
    EXPECT_NEAR(differing(base, mask(DropoutStream::of_seed(1, 1), 2, 0.5, 64, 0, 64)), 0.5, 0.05);
    EXPECT_NEAR(differing(base, mask(DropoutStream::of_seed(2, 1), 1, 0.5, 64, 0, 64)), 0.5, 0.05);
    EXPECT_EQ(differing(base, mask(DropoutStream::of_seed(1, 1), 1, 0.5, 64, 0, 64)), 0.0);
}

TEST(Dropout, ForwardAndBackwardMatchTheReferenceAndFiniteDifferences) {
    const int B = 9, H = 21;
    const DropoutStream s = DropoutStream::of_seed(3, 4);
    const std::vector<double> a = test::random_values(B * H, 1);
    const std::vector<double> dd = test::random_values(B * H, 2);
    std::vector<double> m(B * H), d(B * H), da(dd);
    dropout_mask<double>(s, 1, 0.3, 0, MatrixView<double>(m.data(), B, H));
    dropout_forward<double>(ConstView<double>(a.data(), B, H), ConstView<double>(m.data(), B, H), MatrixView<double>(d.data(), B, H));
    dropout_backward<double>(ConstView<double>(m.data(), B, H), MatrixView<double>(da.data(), B, H));
    const double h = 1e-6;
    for (int i = 0; i < B; ++i)
        for (int j = 0; j < H; ++j) {
            const int k = i * H + j;
            const double factor = dropout_kept_reference(s, 1, 0.3, i, j) ? 1.0 / 0.7 : 0.0;
            EXPECT_DOUBLE_EQ(d[k], a[k] * factor);
            // L = Σ dd ⊙ D: dL/dA_k by central differences of the forward map.
            const double numeric = (dd[k] * (a[k] + h) * factor - dd[k] * (a[k] - h) * factor) / (2 * h);
            EXPECT_NEAR(da[k], numeric, 1e-8);
        }
}

Architecture dropout_arch(double rate, double input_rate) {
    Architecture arch;
    arch.inputs = 300;
    arch.hidden = {96, 40};
    arch.classes = 7;
    arch.activation = Activation{ActivationKind::relu};
    arch.dropout = rate;
    arch.input_dropout = input_rate;
    return arch;
}

TEST(Dropout, EvaluationDropsNothing) {
    const int B = 16;
    Network<float> dropping(dropout_arch(0.5, 0.2)), plain(dropout_arch(0.0, 0.0));
    Rng rng(2);
    initialize(dropping, Init{InitScheme::fan_in}, rng);
    plain.params.copy_from(dropping.params);
    Workspace<float> ws1(dropping.layout(), B), ws2(plain.layout(), B);
    const auto x = test::cast<float>(test::random_values(std::size_t(B) * 300, 4));
    std::copy(x.begin(), x.end(), ws1.input.data);
    std::copy(x.begin(), x.end(), ws2.input.data);
    for (int i = 0; i < B; ++i) ws1.labels[i] = ws2.labels[i] = i % 7;
    const Context ctx = test::test_context();
    EXPECT_EQ(dropping.evaluate(ctx, ws1, B).loss, plain.evaluate(ctx, ws2, B).loss);
    // A training pass does drop: its loss differs.
    const DropoutStream s = DropoutStream::of_seed(0, 1);
    EXPECT_NE(dropping.forward_backward(ctx, ws1, B, 0, {}, &s).loss, plain.evaluate(ctx, ws2, B).loss);
}

// Steps of a dropout network at 1 and 2 threads: the same masks, so the same weights to
// float rounding (the shared sums run in rank order).
std::vector<float> train_with_dropout(int threads, int B) {
    ThreadTeam team(threads);
    Network<float> net(dropout_arch(0.5, 0.2));
    Rng rng(7);
    initialize(net, Init{InitScheme::fan_in}, rng);
    OptimizerSettings adam;
    adam.kind = OptimizerKind::adam;
    TrainStep step(test::test_context(&team), net, adam, {.l2 = 1e-4, .max_norm = 2.0, .seed = 11});
    if (threads == 2) {
        EXPECT_EQ(step.shared_layers(2, B), 2);
    }
    Workspace<float> ws(net.layout(), B);
    for (int s = 0; s < 5; ++s) {
        const auto x = test::cast<float>(test::random_values(std::size_t(B) * 300, 20 + s));
        std::copy(x.begin(), x.end(), ws.input.data);
        for (int i = 0; i < B; ++i) ws.labels[i] = (i + s) % 7;
        EXPECT_TRUE(step.run(ws, B, 0.01).finite);
    }
    const Buffer<float>& params = step.network().params;
    return std::vector<float>(params.begin(), params.end());
}

TEST(Dropout, TrainingOnTwoThreadsDrawsTheSameMasksAsOnOne) {
    const int B = 128;
    const std::vector<float> one = train_with_dropout(1, B), two = train_with_dropout(2, B);
    double worst = 0.0;
    for (std::size_t i = 0; i < one.size(); ++i) worst = std::max(worst, double(std::abs(one[i] - two[i])));
    EXPECT_LT(worst, 2e-5);
    EXPECT_EQ(train_with_dropout(2, B), two);  // and the same bits every run
}

}  // namespace
}  // namespace mlp
