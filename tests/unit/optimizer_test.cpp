// Optimiser updates with values worked out by hand, over two tensors and several steps.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "mlp/error.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/regularization.hpp"

namespace mlp {
namespace {

// Two "tensors" in one flat buffer: [w0, w1 | w2]. Gradients are constant per step.
struct Fixture {
    Buffer<float> params{3}, grads{3};
    Fixture() {
        params[0] = 1.0f, params[1] = -2.0f, params[2] = 0.5f;
        grads[0] = 0.5f, grads[1] = -1.0f, grads[2] = 2.0f;
    }
};

// Max-norm: W (2 × 3), columns (3, 4) of norm 5, (0.6, 0.8) of norm 1, (0, 0) of norm 0;
// with c = 2 only the first is scaled, to (1.2, 1.6).
TEST(Regularization, MaxNormScalesOnlyTheColumnsLongerThanC) {
    float w[] = {3.0f, 0.6f, 0.0f,
                 4.0f, 0.8f, 0.0f};
    max_norm(MatrixView<float>(w, 2, 3), 2.0);
    const float want[] = {1.2f, 0.6f, 0.0f, 1.6f, 0.8f, 0.0f};
    for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(w[i], want[i]) << i;
    max_norm(MatrixView<float>(w, 2, 3), 0.0);  // off
    for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(w[i], want[i]) << i;
}

// Wider than one block of columns (512): every column against a plain double loop.
TEST(Regularization, MaxNormOverManyColumnsMatchesAPlainLoop) {
    const int rows = 5, cols = 1100;
    std::vector<float> w(rows * cols);
    for (int k = 0; k < rows * cols; ++k) w[k] = float(std::sin(0.37 * k) * (1 + k % 7));
    const std::vector<float> before = w;
    max_norm(MatrixView<float>(w.data(), rows, cols), 7.0);
    int clipped = 0;
    for (int j = 0; j < cols; ++j) {
        double norm = 0.0;
        for (int i = 0; i < rows; ++i) norm += double(before[i * cols + j]) * before[i * cols + j];
        norm = std::sqrt(norm);
        const double factor = norm > 7.0 ? 7.0 / norm : 1.0;
        clipped += norm > 7.0;
        for (int i = 0; i < rows; ++i) ASSERT_NEAR(w[i * cols + j], before[i * cols + j] * factor, 1e-6) << i << "," << j;
    }
    EXPECT_GT(clipped, 100);
    EXPECT_LT(clipped, cols - 100);
}

// L2 by hand: λ = 0.25 on w = (1, −2): penalty 0.25·5, gradient g + 0.5·w.
TEST(Regularization, L2PenaltyAndTheGradientTheUpdateUses) {
    const float w[] = {1.0f, -2.0f};
    EXPECT_DOUBLE_EQ(l2_penalty(w, 2, 0.25), 1.25);
    EXPECT_FLOAT_EQ(l2_decay(0.25), 0.5f);
    EXPECT_FLOAT_EQ(l2_gradient(0.1f, w[1], l2_decay(0.25)), 0.1f - 1.0f);
    // sgd with lr 1 steps by exactly that gradient.
    Buffer<float> params{2}, grads{2};
    params[0] = w[0], params[1] = w[1];
    grads[0] = grads[1] = 0.1f;
    Optimizer sgd(OptimizerSettings{}, 2);
    sgd.begin_step(1.0);
    sgd.update(params, grads, 0, 2, l2_decay(0.25));
    EXPECT_FLOAT_EQ(params[0], 1.0f - (0.1f + 0.5f));
    EXPECT_FLOAT_EQ(params[1], -2.0f - (0.1f - 1.0f));
}

TEST(Optimizer, SgdStepsAreLrTimesGradient) {
    Fixture f;
    Optimizer opt({OptimizerKind::sgd}, 3);
    opt.step(Context{}, f.params, f.grads, 0.1);
    opt.step(Context{}, f.params, f.grads, 0.1);
    EXPECT_FLOAT_EQ(f.params[0], 1.0f - 2 * 0.05f);
    EXPECT_FLOAT_EQ(f.params[1], -2.0f + 2 * 0.1f);
    EXPECT_FLOAT_EQ(f.params[2], 0.5f - 2 * 0.2f);
}

TEST(Optimizer, MomentumAccumulatesVelocity) {
    // v1 = lr·g, v2 = μ·v1 + lr·g = 1.5·lr·g, v3 = 1.75·lr·g (μ = 0.5): w3 = w0 − 4.25·lr·g.
    Fixture f;
    OptimizerSettings s;
    s.kind = OptimizerKind::momentum;
    s.momentum = 0.5;
    Optimizer opt(s, 3);
    for (int i = 0; i < 3; ++i) opt.step(Context{}, f.params, f.grads, 0.1);
    EXPECT_FLOAT_EQ(f.params[0], 1.0f - 4.25f * 0.1f * 0.5f);
    EXPECT_FLOAT_EQ(f.params[1], -2.0f + 4.25f * 0.1f);
    EXPECT_FLOAT_EQ(f.params[2], 0.5f - 4.25f * 0.1f * 2.0f);
}

TEST(Optimizer, NesterovLooksAhead) {
    // Step 1: v = lr·g, w −= μ·v + lr·g = 1.5·lr·g.  Step 2: v = 1.5·lr·g, w −= (0.75 + 1)·lr·g.
    Fixture f;
    OptimizerSettings s;
    s.kind = OptimizerKind::nesterov;
    s.momentum = 0.5;
    Optimizer opt(s, 3);
    opt.step(Context{}, f.params, f.grads, 0.1);
    EXPECT_FLOAT_EQ(f.params[0], 1.0f - 1.5f * 0.05f);
    opt.step(Context{}, f.params, f.grads, 0.1);
    EXPECT_FLOAT_EQ(f.params[0], 1.0f - 3.25f * 0.05f);
    EXPECT_FLOAT_EQ(f.params[2], 0.5f - 3.25f * 0.2f);
}

TEST(Optimizer, AdamFirstStepsMoveByLr) {
    // With a constant gradient, bias-corrected m̂ = g and ŝ = g², so every step moves
    // each weight by lr·g/(|g| + ε) ≈ lr·sign(g) — on every tensor, at every step. A step
    // counter bumped per tensor instead of per step would break the bias correction.
    Fixture f;
    OptimizerSettings s;
    s.kind = OptimizerKind::adam;
    Optimizer opt(s, 3);
    for (int step = 1; step <= 4; ++step) {
        opt.step(Context{}, f.params, f.grads, 0.01);
        EXPECT_EQ(opt.steps, step);
        EXPECT_NEAR(f.params[0], 1.0f - 0.01f * step, 1e-5);
        EXPECT_NEAR(f.params[1], -2.0f + 0.01f * step, 1e-5);
        EXPECT_NEAR(f.params[2], 0.5f - 0.01f * step, 1e-5);
    }
}

TEST(Optimizer, AdamMatchesTheFormulaWithChangingGradients) {
    Buffer<float> w(2), g(2);
    w[0] = 0.3f, w[1] = -0.7f;
    OptimizerSettings s;
    s.kind = OptimizerKind::adam;
    Optimizer opt(s, 2);
    double m[2] = {0, 0}, v[2] = {0, 0}, ref[2] = {0.3, -0.7};
    for (int t = 1; t <= 5; ++t) {
        g[0] = 0.1f * t, g[1] = -0.2f / t;
        opt.step(Context{}, w, g, 0.05);
        for (int i = 0; i < 2; ++i) {
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * double(g[i]) * g[i];
            const double mh = m[i] / (1 - std::pow(0.9, t)), vh = v[i] / (1 - std::pow(0.999, t));
            ref[i] -= 0.05 * mh / (std::sqrt(vh) + 1e-8);
            EXPECT_NEAR(w[i], ref[i], 1e-6) << "t=" << t;
        }
    }
}

TEST(Optimizer, UnknownNameIsAnError) { EXPECT_THROW(parse_optimizer("rmsprop"), Error); }

}  // namespace
}  // namespace mlp
