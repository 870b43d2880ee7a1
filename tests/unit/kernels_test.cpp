// The fast kernels against their double references: vector pointwise maps, the fused
// bias + activation GEMM epilogue on every backend, and results that do not depend on
// the thread count. Each test names its backend and team in the Context it passes;
// test::test_context() is the one MLP_TEST_GEMM names (ctest re-runs the layer, gradcheck
// and golden tests under MLP_TEST_GEMM=reference/own/onednn and MLP_ISA=scalar/avx2).
#include <gtest/gtest.h>

#include <cstdlib>
#include <array>
#include <cmath>
#include <cstring>

#include "mlp/activation.hpp"
#include "mlp/cpu.hpp"
#include "mlp/dense.hpp"
#include "mlp/error.hpp"
#include "mlp/gemm.hpp"
#include "mlp/pointwise.hpp"
#include "mlp/thread_team.hpp"
#include "test_context.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {


const Pointwise kMaps[] = {
    {PointwiseKind::identity}, {PointwiseKind::sigmoid},
    {PointwiseKind::tanh},     {PointwiseKind::tanh, 1.7159f, 2.0f / 3.0f},
    {PointwiseKind::relu},     {PointwiseKind::leaky_relu, 1.0f, 1.0f, 0.05f},
};

TEST(Pointwise, ForwardAndBackwardMatchReferenceOnEveryLength) {
    for (const Pointwise& f : kMaps)
        for (long n : {1L, 7L, 15L, 16L, 17L, 33L, 1000L}) {
            // Wide range, so the exp clamps and tanh's two branches are all exercised.
            auto x = test::cast<float>(test::random_values(n, 31 + n, 6.0));
            const auto d = test::cast<float>(test::random_values(n, 32 + n));
            x[0] = 0.6f;  // near tanh's branch point
            std::vector<float> y(n), out(n);
            pointwise_forward(f, x.data(), y.data(), n);
            pointwise_backward(f, x.data(), y.data(), d.data(), out.data(), n);
            for (long i = 0; i < n; ++i) {
                const double ref = pointwise_reference(f, x[i]);
                EXPECT_NEAR(y[i], ref, 4e-7 * (1.0 + std::abs(ref))) << int(f.kind) << " x=" << x[i];
                const double h = 1e-4;
                const double slope = (pointwise_reference(f, double(x[i]) + h) - pointwise_reference(f, double(x[i]) - h)) / (2 * h);
                if (std::abs(x[i]) > 1e-3) {
                    EXPECT_NEAR(out[i], d[i] * slope, 2e-5 * (1.0 + std::abs(d[i] * slope))) << int(f.kind);
                }
            }
        }
}

TEST(Pointwise, ExpShiftedAndNormalizeBytesMatchReference) {
    const long n = 45;
    const auto x = test::cast<float>(test::random_values(n, 41, 30.0));
    std::vector<float> y(n);
    exp_shifted(x.data(), 2.5f, y.data(), n);
    for (long i = 0; i < n; ++i) {
        const double ref = std::exp(double(x[i] - 2.5f));  // the shift is subtracted in float
        EXPECT_NEAR(y[i], ref, 4e-7 * ref) << x[i];
    }
    std::vector<std::uint8_t> bytes(n);
    std::vector<float> mean(n), scale(n), z(n);
    for (long i = 0; i < n; ++i) bytes[i] = std::uint8_t(i * 37 % 256), mean[i] = 0.1f * i, scale[i] = 1.0f / (1 + i);
    normalize_bytes(bytes.data(), mean.data(), scale.data(), z.data(), n);
    for (long i = 0; i < n; ++i) EXPECT_FLOAT_EQ(z[i], (float(bytes[i]) - mean[i]) * scale[i]);
}

// C = X·W + b and Y = f(C) on one backend, against the double reference.
void check_bias_act(const std::string& backend, int threads) {
    ThreadTeam team(threads);
    const Context ctx{&team, parse_gemm_backend(backend)};
    for (const Pointwise& f : kMaps)
        for (auto [M, N, K] : {std::array{1, 10, 7}, std::array{13, 37, 29}, std::array{128, 130, 300},
                               std::array{2, 400, 260}}) {
            const auto a = test::cast<float>(test::random_values(std::size_t(M) * K, 51));
            const auto b = test::cast<float>(test::random_values(std::size_t(K) * N, 52, 0.2));
            const auto bias = test::cast<float>(test::random_values(N, 53));
            std::vector<float> c(std::size_t(M) * N), y(c.size());
            gemm_bias_act(ctx, M, N, K, a.data(), K, b.data(), N, bias.data(), c.data(), N, &f, y.data(), N);
            std::vector<double> ad(a.begin(), a.end()), bd(b.begin(), b.end()), cd(c.size()), yd(c.size());
            gemm_reference<double>(false, false, M, N, K, 1.0, ad.data(), K, bd.data(), N, 0.0, cd.data(), N);
            for (int i = 0; i < M; ++i)
                for (int j = 0; j < N; ++j) {
                    double& v = cd[std::size_t(i) * N + j];
                    v += bias[j];
                    yd[std::size_t(i) * N + j] = pointwise_reference(f, v);
                }
            EXPECT_LE(test::relative_error(c.data(), cd.data(), c.size()), 1e-5) << backend << " " << M << "x" << N;
            EXPECT_LE(test::relative_error(y.data(), yd.data(), y.size()), 1e-5) << backend << " " << M << "x" << N;
        }
}

TEST(GemmBiasAct, EveryBackendMatchesReference) {
    for (const char* backend : {"auto", "onednn", "openblas", "reference"}) check_bias_act(backend, 1);
}

TEST(GemmBiasAct, OwnKernelMatchesReference) {
    MLP_SKIP_WITHOUT_AVX512();
    check_bias_act("own", 1);
}

TEST(GemmBiasAct, TwoThreadsMatchReference) {
    {
        ThreadTeam team(2);
        ASSERT_TRUE(gemm_splits_k(Context{&team}, 2, 400, 260));  // the last shape above takes the split along K
    }
    check_bias_act("auto", 2);
    check_bias_act("onednn", 2);
}

TEST(GemmBiasAct, OwnKernelTwoThreadsMatchReference) {
    MLP_SKIP_WITHOUT_AVX512();
    check_bias_act("own", 2);
}

TEST(GemmBiasAct, OwnKernelNeedsAvx512) {
    if (avx512_supported()) EXPECT_NO_THROW(parse_gemm_backend("own"));
    else EXPECT_THROW(parse_gemm_backend("own"), Error);
}

// Our kernel sums each entry of C in k order whatever block a thread gets, so a product
// split over the team is bit-identical to the one-thread result.
TEST(GemmThreads, OwnKernelResultDoesNotDependOnThreadCount) {
    MLP_SKIP_WITHOUT_AVX512();
    ThreadTeam two_threads(2);
    const Context one{nullptr, GemmBackend::own}, two{&two_threads, GemmBackend::own};
    const int M = 300, N = 200, K = 150;
    const auto a = test::cast<float>(test::random_values(std::size_t(M) * K, 61));
    const auto b = test::cast<float>(test::random_values(std::size_t(K) * N, 62));
    for (bool ta : {false, true})
        for (bool tb : {false, true}) {
            const int lda = ta ? M : K, ldb = tb ? K : N;
            std::vector<float> c1(std::size_t(M) * N), c2(c1.size());
            gemm(one, ta, tb, M, N, K, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c1.data(), N);
            ASSERT_TRUE(gemm_splits(two, M, N, K));
            gemm(two, ta, tb, M, N, K, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c2.data(), N);
            EXPECT_EQ(0, std::memcmp(c1.data(), c2.data(), c1.size() * sizeof(float))) << ta << tb;
        }
}

// One or two rows against a large B split along K over the team: alpha, beta, both
// transposes and a C wider than N, on every backend, against the double reference.
void check_matrix_vector_split(const char* backend) {
    ThreadTeam team(2);
    const int N = 300, K = 517, ldc = N + 5;
    for (int M : {1, 2}) {
        const Context ctx{&team, parse_gemm_backend(backend)};
        ASSERT_TRUE(gemm_splits_k(ctx, M, N, K));
        const auto a = test::cast<float>(test::random_values(std::size_t(M) * K, 81));
        const auto b = test::cast<float>(test::random_values(std::size_t(K) * N, 82));
        const auto c0 = test::cast<float>(test::random_values(std::size_t(M) * ldc, 83));
        const std::vector<double> ad(a.begin(), a.end()), bd(b.begin(), b.end());
        for (bool ta : {false, true})
            for (bool tb : {false, true}) {
                const int lda = ta ? M : K, ldb = tb ? K : N;
                std::vector<float> c = c0;
                std::vector<double> cd(c0.begin(), c0.end());
                gemm(ctx, ta, tb, M, N, K, 0.5f, a.data(), lda, b.data(), ldb, 0.25f, c.data(), ldc);
                gemm_reference<double>(ta, tb, M, N, K, 0.5, ad.data(), lda, bd.data(), ldb, 0.25, cd.data(), ldc);
                EXPECT_LE(test::relative_error(c.data(), cd.data(), c.size()), 1e-5)
                    << backend << " M=" << M << " " << ta << tb;
            }
    }
}

TEST(GemmThreads, MatrixVectorSplitAlongKMatchesReference) {
    for (const char* backend : {"auto", "onednn", "openblas"}) check_matrix_vector_split(backend);
}

TEST(GemmThreads, OwnKernelMatrixVectorSplitAlongKMatchesReference) {
    MLP_SKIP_WITHOUT_AVX512();
    check_matrix_vector_split("own");
}

TEST(Dense, FusedActivationForwardMatchesUnfused) {
    const int B = 19, D = 33, H = 40;
    const auto x = test::cast<float>(test::random_values(B * D, 71));
    const auto w = test::cast<float>(test::random_values(D * H, 72, 0.3));
    const auto b = test::cast<float>(test::random_values(H, 73));
    for (ActivationKind kind : {ActivationKind::sigmoid, ActivationKind::improved_sigmoid, ActivationKind::relu}) {
        const Activation f{kind, 0.05};
        std::vector<float> z(B * H), a(B * H);
        dense_activation_forward<float>(test::test_context(), {x.data(), B, D}, {w.data(), D, H}, b.data(), {z.data(), B, H}, f,
                                        {a.data(), B, H});
        std::vector<double> xd(x.begin(), x.end()), wd(w.begin(), w.end()), bd(b.begin(), b.end());
        std::vector<double> zd(B * H), ad(B * H);
        dense_forward_reference({xd.data(), B, D}, {wd.data(), D, H}, bd.data(), {zd.data(), B, H});
        for (int i = 0; i < B * H; ++i) ad[i] = activation_reference(f, zd[i]);
        EXPECT_LE(test::relative_error(z.data(), zd.data(), z.size()), 1e-5) << activation_name(kind);
        EXPECT_LE(test::relative_error(a.data(), ad.data(), a.size()), 1e-5) << activation_name(kind);
    }
}

}  // namespace
}  // namespace mlp
