// gemm(): every backend and transpose combination against the double reference loop.
#include <gtest/gtest.h>

#include "mlp/cpu.hpp"
#include "mlp/error.hpp"
#include "mlp/gemm.hpp"
#include "test_context.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

struct Shape {
    int M, N, K;
};

void check_backend(const std::string& backend, int threads = 1) {
    ThreadTeam team(threads);
    const Context ctx{&team, parse_gemm_backend(backend)};
    for (const Shape s : {Shape{1, 1, 1}, Shape{32, 64, 784}, Shape{7, 10, 64}, Shape{33, 17, 5}, Shape{128, 3, 200}, Shape{70, 130, 45}, Shape{200, 150, 160}})
        for (bool ta : {false, true})
            for (bool tb : {false, true})
                for (float beta : {0.0f, 0.5f}) {
                    const auto a = test::cast<float>(test::random_values(std::size_t(s.M) * s.K, 1));
                    const auto b = test::cast<float>(test::random_values(std::size_t(s.K) * s.N, 2));
                    auto c = test::cast<float>(test::random_values(std::size_t(s.M) * s.N, 3));
                    std::vector<double> ad(a.begin(), a.end()), bd(b.begin(), b.end()), cd(c.begin(), c.end());
                    const int lda = ta ? s.M : s.K, ldb = tb ? s.K : s.N;
                    gemm(ctx, ta, tb, s.M, s.N, s.K, 1.5f, a.data(), lda, b.data(), ldb, beta, c.data(), s.N);
                    gemm_reference<double>(ta, tb, s.M, s.N, s.K, 1.5, ad.data(), lda, bd.data(), ldb, beta,
                                           cd.data(), s.N);
                    EXPECT_LE(test::relative_error(c.data(), cd.data(), c.size()), 1e-5)
                        << backend << " " << s.M << "x" << s.N << "x" << s.K << " ta=" << ta << " tb=" << tb;
                }
}

TEST(Gemm, OneDnnMatchesReference) { check_backend("onednn"); }
TEST(Gemm, OpenBlasMatchesReference) { check_backend("openblas"); }
TEST(Gemm, AutoMatchesReference) { check_backend("auto"); }
TEST(Gemm, ReferenceBackendMatchesReference) { check_backend("reference"); }
TEST(Gemm, OwnKernelMatchesReference) {
    MLP_SKIP_WITHOUT_AVX512();
    check_backend("own");
}
TEST(Gemm, SplitOverTwoThreadsMatchesReference) {
    check_backend("auto", 2);
    check_backend("onednn", 2);
}
TEST(Gemm, OwnKernelSplitOverTwoThreadsMatchesReference) {
    MLP_SKIP_WITHOUT_AVX512();
    check_backend("own", 2);
}
TEST(Gemm, DoubleMatchesReference) {
    const int M = 9, N = 11, K = 13;
    const auto a = test::random_values(M * K, 4), b = test::random_values(K * N, 5);
    std::vector<double> c(M * N), ref(M * N);
    gemm(Context{}, false, true, M, N, K, 1.0, a.data(), K, b.data(), K, 0.0, c.data(), N);
    gemm_reference<double>(false, true, M, N, K, 1.0, a.data(), K, b.data(), K, 0.0, ref.data(), N);
    EXPECT_LE(test::relative_error(c.data(), ref.data(), c.size()), 1e-13);
}

TEST(Gemm, UnknownBackendIsAnError) { EXPECT_THROW(parse_gemm_backend("mkl"), Error); }

}  // namespace
}  // namespace mlp
