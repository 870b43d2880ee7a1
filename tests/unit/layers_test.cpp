// Every layer and the loss, forward and backward, against a slow double reference on
// random inputs, and against central finite differences.
#include <gtest/gtest.h>

#include "mlp/activation.hpp"
#include "mlp/dense.hpp"
#include "mlp/error.hpp"
#include "mlp/softmax_cross_entropy.hpp"
#include "test_context.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

const ActivationKind kAll[] = {ActivationKind::identity, ActivationKind::sigmoid, ActivationKind::improved_sigmoid,
                               ActivationKind::tanh,     ActivationKind::relu,    ActivationKind::leaky_relu};

TEST(Activation, ForwardAndBackwardMatchReference) {
    const int B = 16, H = 37;
    for (ActivationKind kind : kAll) {
        Activation f{kind, 0.05};
        auto z = test::cast<float>(test::random_values(B * H, 11, 3.0));
        const auto da = test::cast<float>(test::random_values(B * H, 12));
        std::vector<float> a(B * H), dz(B * H);
        activation_forward<float>(f, MatrixView<const float>(z.data(), B, H), MatrixView<float>(a.data(), B, H));
        activation_backward<float>(f, MatrixView<const float>(z.data(), B, H), MatrixView<const float>(a.data(), B, H),
                                   MatrixView<const float>(da.data(), B, H), MatrixView<float>(dz.data(), B, H));
        std::vector<double> a_ref(B * H), dz_ref(B * H);
        for (int i = 0; i < B * H; ++i) {
            a_ref[i] = activation_reference(f, z[i]);
            dz_ref[i] = da[i] * activation_derivative_reference(f, z[i]);
        }
        EXPECT_LE(test::relative_error(a.data(), a_ref.data(), a.size()), 1e-6) << activation_name(kind);
        EXPECT_LE(test::relative_error(dz.data(), dz_ref.data(), dz.size()), 1e-6) << activation_name(kind);
    }
}

TEST(Activation, DerivativeMatchesFiniteDifferences) {
    const double h = 1e-6;
    for (ActivationKind kind : kAll) {
        Activation f{kind, 0.05};
        for (double z : {-3.1, -0.7, -0.01, 0.02, 0.9, 2.5}) {
            const double numeric = (activation_reference(f, z + h) - activation_reference(f, z - h)) / (2 * h);
            EXPECT_NEAR(activation_derivative_reference(f, z), numeric, 1e-8) << activation_name(kind) << " z=" << z;
        }
    }
}

TEST(Activation, ImprovedSigmoidIsLeCunsFunction) {
    Activation f{ActivationKind::improved_sigmoid};
    EXPECT_NEAR(activation_reference(f, 1.0), 1.0, 1e-4);  // f(±1) = ±1 by design
    EXPECT_NEAR(activation_reference(f, -1.0), -1.0, 1e-4);
}

TEST(Activation, UnknownNameListsTheValidOnes) {
    try {
        parse_activation("swish");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("leaky_relu"), std::string::npos);
    }
}

TEST(Dense, ForwardAndBackwardMatchReference) {
    const int B = 13, D = 29, H = 17;
    for (bool with_bias : {true, false}) {
        const auto x = test::random_values(B * D, 21), w = test::random_values(D * H, 22);
        const auto b = test::random_values(H, 23), dy = test::random_values(B * H, 24);
        const auto xf = test::cast<float>(x), wf = test::cast<float>(w), bf = test::cast<float>(b);
        const auto dyf = test::cast<float>(dy);
        std::vector<float> y(B * H), dw(D * H), db(H), dx(B * D);
        dense_forward<float>(test::test_context(), {xf.data(), B, D}, {wf.data(), D, H}, with_bias ? bf.data() : nullptr, {y.data(), B, H});
        dense_backward<float>(test::test_context(), {xf.data(), B, D}, {wf.data(), D, H}, {dyf.data(), B, H}, {dw.data(), D, H},
                              with_bias ? db.data() : nullptr, {dx.data(), B, D});
        std::vector<double> y_ref(B * H), dw_ref(D * H), db_ref(H), dx_ref(B * D);
        std::vector<double> xd(xf.begin(), xf.end()), wd(wf.begin(), wf.end()), bd(bf.begin(), bf.end());
        std::vector<double> dyd(dyf.begin(), dyf.end());
        dense_forward_reference({xd.data(), B, D}, {wd.data(), D, H}, with_bias ? bd.data() : nullptr,
                                {y_ref.data(), B, H});
        dense_backward_reference({xd.data(), B, D}, {wd.data(), D, H}, {dyd.data(), B, H}, {dw_ref.data(), D, H},
                                 db_ref.data(), {dx_ref.data(), B, D});
        EXPECT_LE(test::relative_error(y.data(), y_ref.data(), y.size()), 1e-5);
        EXPECT_LE(test::relative_error(dw.data(), dw_ref.data(), dw.size()), 1e-5);
        EXPECT_LE(test::relative_error(dx.data(), dx_ref.data(), dx.size()), 1e-5);
        if (with_bias) {
            EXPECT_LE(test::relative_error(db.data(), db_ref.data(), db.size()), 1e-5);
        }
    }
}

TEST(Dense, ReferenceBackwardMatchesFiniteDifferences) {
    // Scalar objective s = Σ Y ⊙ G for a fixed G: ds/dW = Xᵀ G, ds/dX = G Wᵀ, ds/db = Σ_rows G.
    const int B = 4, D = 5, H = 3;
    auto x = test::random_values(B * D, 31), w = test::random_values(D * H, 32), b = test::random_values(H, 33);
    const auto g = test::random_values(B * H, 34);
    auto objective = [&] {
        std::vector<double> y(B * H);
        dense_forward_reference({x.data(), B, D}, {w.data(), D, H}, b.data(), {y.data(), B, H});
        double s = 0;
        for (int i = 0; i < B * H; ++i) s += y[i] * g[i];
        return s;
    };
    std::vector<double> dw(D * H), db(H), dx(B * D);
    dense_backward_reference({x.data(), B, D}, {w.data(), D, H}, {g.data(), B, H}, {dw.data(), D, H}, db.data(),
                             {dx.data(), B, D});
    const double h = 1e-6;
    auto numeric = [&](double& p) {
        const double keep = p;
        p = keep + h;
        const double plus = objective();
        p = keep - h;
        const double minus = objective();
        p = keep;
        return (plus - minus) / (2 * h);
    };
    for (int i = 0; i < D * H; ++i) EXPECT_NEAR(dw[i], numeric(w[i]), 1e-7);
    for (int i = 0; i < H; ++i) EXPECT_NEAR(db[i], numeric(b[i]), 1e-7);
    for (int i = 0; i < B * D; ++i) EXPECT_NEAR(dx[i], numeric(x[i]), 1e-7);
}

TEST(SoftmaxCrossEntropy, MatchesReference) {
    const int B = 9, K = 10;
    const auto z = test::cast<float>(test::random_values(B * K, 41, 4.0));
    std::vector<int> labels(B);
    for (int i = 0; i < B; ++i) labels[i] = (i * 7) % K;
    std::vector<float> dz(B * K);
    const LossResult got = softmax_cross_entropy<float>({z.data(), B, K}, labels.data(), {dz.data(), B, K});
    std::vector<double> zd(z.begin(), z.end()), dz_ref(B * K);
    const LossResult want = softmax_cross_entropy_reference({zd.data(), B, K}, labels.data(), {dz_ref.data(), B, K});
    EXPECT_NEAR(got.loss, want.loss, 1e-6 * want.loss);
    EXPECT_EQ(got.correct, want.correct);
    EXPECT_LE(test::relative_error(dz.data(), dz_ref.data(), dz.size()), 1e-6);
}

TEST(SoftmaxCrossEntropy, GradientMatchesFiniteDifferences) {
    const int B = 3, K = 4;
    auto z = test::random_values(B * K, 42, 2.0);
    const int labels[] = {0, 3, 1};
    std::vector<double> dz(B * K);
    softmax_cross_entropy_reference({z.data(), B, K}, labels, {dz.data(), B, K});
    const double h = 1e-6;
    for (int i = 0; i < B * K; ++i) {
        const double keep = z[i];
        z[i] = keep + h;
        const double plus = softmax_cross_entropy<double>({z.data(), B, K}, labels, {}).loss;
        z[i] = keep - h;
        const double minus = softmax_cross_entropy<double>({z.data(), B, K}, labels, {}).loss;
        z[i] = keep;
        EXPECT_NEAR(dz[i], (plus - minus) / (2 * h), 1e-8);
    }
}

// Label smoothing: the float loss and gradient against the double reference, which sums
// −t_k log p_k term by term, for several ε; the double loss's gradient against central
// differences; ε = 0 gives plain cross-entropy bit for bit.
TEST(SoftmaxCrossEntropy, LabelSmoothingMatchesReference) {
    const int B = 70, K = 10;  // more rows than the float path's block of 64
    const auto z = test::cast<float>(test::random_values(B * K, 43, 4.0));
    std::vector<int> labels(B);
    for (int i = 0; i < B; ++i) labels[i] = (i * 3) % K;
    const std::vector<double> zd(z.begin(), z.end());
    for (double eps : {0.05, 0.1, 0.5}) {
        std::vector<float> dz(B * K);
        std::vector<double> dz_ref(B * K);
        const LossResult got = softmax_cross_entropy<float>({z.data(), B, K}, labels.data(), {dz.data(), B, K}, 0, eps);
        const LossResult want =
            softmax_cross_entropy_reference({zd.data(), B, K}, labels.data(), {dz_ref.data(), B, K}, eps);
        EXPECT_NEAR(got.loss, want.loss, 1e-6 * want.loss) << eps;
        EXPECT_EQ(got.correct, want.correct);
        EXPECT_LE(test::relative_error(dz.data(), dz_ref.data(), dz.size()), 1e-6) << eps;
        const LossResult alone = softmax_cross_entropy<float>({z.data(), B, K}, labels.data(), {}, 0, eps);
        EXPECT_NEAR(alone.loss, want.loss, 1e-6 * want.loss) << eps;  // the loss without the gradient
        std::vector<double> dz_double(B * K);
        const LossResult twin = softmax_cross_entropy<double>({zd.data(), B, K}, labels.data(), {dz_double.data(), B, K}, 0, eps);
        EXPECT_NEAR(twin.loss, want.loss, 1e-12 * want.loss) << eps;
        EXPECT_LE(test::relative_error(dz_double.data(), dz_ref.data(), dz.size()), 1e-12) << eps;
        // Each row's gradient sums to 0: Σ_k p_k = Σ_k t_k = 1.
        for (int i = 0; i < B; ++i) {
            double sum = 0;
            for (int k = 0; k < K; ++k) sum += dz_ref[i * K + k];
            EXPECT_NEAR(sum, 0.0, 1e-15);
        }
    }
    std::vector<float> plain(B * K), zero(B * K);
    const LossResult a = softmax_cross_entropy<float>({z.data(), B, K}, labels.data(), {plain.data(), B, K});
    const LossResult b = softmax_cross_entropy<float>({z.data(), B, K}, labels.data(), {zero.data(), B, K}, 0, 0.0);
    EXPECT_EQ(a.loss, b.loss);
    EXPECT_EQ(plain, zero);
}

// The smoothed loss by hand: K = 2, z = (0, 0), label 0: p = (1/2, 1/2) whatever ε, so the
// loss is log 2 and the gradient (1/2 − (1 − ε + ε/2), 1/2 − ε/2) = (−(1 − ε)/2, (1 − ε)/2).
TEST(SoftmaxCrossEntropy, LabelSmoothingByHand) {
    const double z[] = {0.0, 0.0};
    const int label = 0;
    double dz[2];
    const LossResult r = softmax_cross_entropy<double>({z, 1, 2}, &label, {dz, 1, 2}, 0, 0.2);
    EXPECT_NEAR(r.loss, std::log(2.0), 1e-15);
    EXPECT_NEAR(dz[0], -0.4, 1e-15);
    EXPECT_NEAR(dz[1], 0.4, 1e-15);
}

TEST(SoftmaxCrossEntropy, LabelSmoothingGradientMatchesFiniteDifferences) {
    const int B = 3, K = 4;
    auto z = test::random_values(B * K, 44, 2.0);
    const int labels[] = {0, 3, 1};
    const double eps = 0.1;
    std::vector<double> dz(B * K);
    softmax_cross_entropy_reference({z.data(), B, K}, labels, {dz.data(), B, K}, eps);
    const double h = 1e-6;
    for (int i = 0; i < B * K; ++i) {
        const double keep = z[i];
        z[i] = keep + h;
        const double plus = softmax_cross_entropy<double>({z.data(), B, K}, labels, {}, 0, eps).loss;
        z[i] = keep - h;
        const double minus = softmax_cross_entropy<double>({z.data(), B, K}, labels, {}, 0, eps).loss;
        z[i] = keep;
        EXPECT_NEAR(dz[i], (plus - minus) / (2 * h), 1e-8);
    }
}

TEST(SoftmaxCrossEntropy, StableForHugeLogits) {
    const int K = 3;
    // Logits of ±1e4: exp would overflow without the max shift.
    const std::vector<float> z = {1e4f, -1e4f, 0.0f, -1e4f, 1e4f, 1e4f};
    const int labels[] = {0, 0};
    std::vector<float> dz(6);
    const LossResult r = softmax_cross_entropy<float>({z.data(), 2, K}, labels, {dz.data(), 2, K});
    EXPECT_TRUE(std::isfinite(r.loss));
    // Row 0 is certain and right (loss 0); row 1 splits between two wrong classes (loss 2e4 + log 2).
    EXPECT_NEAR(r.loss, (0.0 + 2e4 + std::log(2.0)) / 2, 1e-3);
    for (float d : dz) EXPECT_TRUE(std::isfinite(d));
    EXPECT_NEAR(dz[0], 0.0f, 1e-6);
    EXPECT_NEAR(dz[3], -0.5f, 1e-6);
    EXPECT_NEAR(dz[4] + dz[5], 0.5f, 1e-6);
}

}  // namespace
}  // namespace mlp
