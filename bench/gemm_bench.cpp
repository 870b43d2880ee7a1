// gemm_bench: every SGEMM available here (oneDNN, OpenBLAS, our AVX-512 kernel, libxsmm,
// BLIS) on the products an MLP step makes, each checked against the double reference
// first, then timed (median of 5 runs). BLIS is opened with dlopen(RTLD_DEEPBIND): it
// exports the same CBLAS symbols as OpenBLAS and cannot be linked beside it.
//
// Usage: gemm_bench [--quick] [--threads N]
#include <dlfcn.h>
#include <dnnl.h>
#include <libxsmm.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "mlp/gemm.hpp"
#include "mlp/gemm_kernels.hpp"

namespace {

struct Shape {
    int M, N, K;
    bool ta, tb;
    const char* what;
};

using GemmFn = std::function<bool(const Shape&, const float*, const float*, float*)>;  // false: not available

// BLIS through dlopen; bli_sgemm takes row and column strides, so row-major needs no flags.
struct Blis {
    using Sgemm = void (*)(int, int, long, long, long, const float*, const float*, long, long, const float*, long,
                           long, const float*, float*, long, long);
    using Version = const char* (*)();
    Sgemm sgemm = nullptr;
    std::string version = "not found";
    Blis() {
        void* h = dlopen("libblis.so.4", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
        if (!h) return;
        sgemm = reinterpret_cast<Sgemm>(dlsym(h, "bli_sgemm"));
        auto v = reinterpret_cast<Version>(dlsym(h, "bli_info_get_version_str"));
        if (v) version = v();
    }
};

// op(A) is M×K: A stored M×K (ld K), or K×M (ld M) when ta. Likewise op(B) K×N.
int lda_of(const Shape& s) { return s.ta ? s.M : s.K; }
int ldb_of(const Shape& s) { return s.tb ? s.K : s.N; }

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    int threads = 1;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--quick")) quick = true;
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    }
    mlp::ThreadTeam team(threads);
    libxsmm_init();
    Blis blis;
    bench::print_machine();
    std::printf("libraries: %s | %s | libxsmm %s (target %s) | BLIS %s\n", bench::dnnl_version().c_str(),
                bench::openblas_version().c_str(), LIBXSMM_CONFIG_VERSION, libxsmm_get_target_arch(),
                blis.version.c_str());
    std::printf("threads: %d; times are medians of 5 runs, µs per product\n\n", threads);

    std::vector<Shape> shapes = {
        {32, 64, 784, false, false, "b32 fwd X·W1 (H=64)"},
        {784, 64, 32, true, false, "b32 dW1 = Xᵀ·dZ (H=64)"},
        {16, 64, 784, false, false, "b16 fwd (half of b32)"},
        {784, 64, 16, true, false, "b16 dW1 (half of b32)"},
        {32, 10, 64, false, false, "b32 fwd output layer"},
        {64, 10, 32, true, false, "b32 dW2"},
        {32, 64, 10, false, true, "b32 dA1 = dZ2·W2ᵀ"},
        {32, 64, 64, false, false, "b32 hidden 64→64"},
        {64, 64, 32, true, false, "b32 hidden dW 64×64"},
        {32, 64, 64, false, true, "b32 hidden dX 64×64"},
        {32, 128, 784, false, false, "b32 fwd (H=128)"},
        {784, 128, 32, true, false, "b32 dW1 (H=128)"},
        {1, 512, 784, false, false, "b1 inference H=512"},
        {256, 512, 784, false, false, "b256 inference H=512"},
        {512, 512, 784, false, false, "b512 fwd H=512"},
        {784, 512, 512, true, false, "b512 dW1 H=512"},
        {512, 512, 10, false, true, "b512 dA1 H=512"},
        {256, 512, 784, false, false, "b256 fwd (half of b512)"},
        {784, 512, 256, true, false, "b256 dW1 (half of b512)"},
    };
    if (!quick) {
        shapes.push_back({512, 2048, 784, false, false, "b512 fwd H=2048"});
        shapes.push_back({784, 2048, 512, true, false, "b512 dW1 H=2048"});
        shapes.push_back({512, 2048, 2048, false, false, "b512 2048→2048"});
    }

    std::vector<std::pair<std::string, GemmFn>> backends;
    auto via = [&team](mlp::GemmBackend b) {
        return [&team, b](const Shape& s, const float* A, const float* B, float* C) {
            mlp::gemm(mlp::Context{&team, b}, s.ta, s.tb, s.M, s.N, s.K, 1.0f, A, lda_of(s), B, ldb_of(s), 0.0f, C, s.N);
            return true;
        };
    };
    backends.push_back({"onednn", via(mlp::GemmBackend::onednn)});
    backends.push_back({"openblas", via(mlp::GemmBackend::openblas)});
    if (mlp::avx512_supported()) backends.push_back({"own-avx512", via(mlp::GemmBackend::own)});
    backends.push_back({"auto", via(mlp::GemmBackend::automatic)});
    backends.push_back({"libxsmm", [](const Shape& s, const float* A, const float* B, float* C) {
        // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ.
        const int flags = (s.tb ? LIBXSMM_GEMM_FLAG_TRANS_A : 0) | (s.ta ? LIBXSMM_GEMM_FLAG_TRANS_B : 0);
        const libxsmm_blasint lda = ldb_of(s), ldb = lda_of(s), ldc = s.N;
        const float alpha = 1.0f, beta = 0.0f;
        libxsmm_smmfunction f = libxsmm_smmdispatch(s.N, s.M, s.K, &lda, &ldb, &ldc, &alpha, &beta, &flags, nullptr);
        if (!f) return false;
        f(B, A, C);
        return true;
    }});
    if (blis.sgemm)
        backends.push_back({"blis", [&blis](const Shape& s, const float* A, const float* B, float* C) {
            const float alpha = 1.0f, beta = 0.0f;
            const long rsa = s.ta ? 1 : lda_of(s), csa = s.ta ? lda_of(s) : 1;
            const long rsb = s.tb ? 1 : ldb_of(s), csb = s.tb ? ldb_of(s) : 1;
            blis.sgemm(0, 0, s.M, s.N, s.K, &alpha, A, rsa, csa, B, rsb, csb, &beta, C, s.N, 1);
            return true;
        }});

    std::printf("%-28s %16s", "product", "M×N×K");
    for (auto& b : backends) std::printf(" %11s", b.first.c_str());
    std::printf("   best\n");
    int failures = 0;
    for (const Shape& s : shapes) {
        const std::size_t a_size = std::size_t(s.M) * s.K, b_size = std::size_t(s.K) * s.N;
        std::vector<float> A(a_size), B(b_size), C(std::size_t(s.M) * s.N), R(C.size());
        bench::fill_random(A, 1), bench::fill_random(B, 2);
        mlp::gemm_reference<float>(s.ta, s.tb, s.M, s.N, s.K, 1.0f, A.data(), lda_of(s), B.data(), ldb_of(s), 0.0f,
                                   R.data(), s.N);
        char dims[48];
        std::snprintf(dims, sizeof dims, "%d×%d×%d%s%s", s.M, s.N, s.K, s.ta ? "ᵀ" : "", s.tb ? "ᵀ" : "");
        std::printf("%-28s %16s", s.what, dims);
        const double flop = 2.0 * s.M * s.N * s.K;
        double best = 1e30;
        std::string best_name;
        for (auto& [name, fn] : backends) {
            std::fill(C.begin(), C.end(), std::nanf(""));
            if (!fn(s, A.data(), B.data(), C.data())) {
                std::printf(" %11s", "–");
                continue;
            }
            const double err = bench::max_relative_error(C, R, s.K);
            if (!(err < 1e-4)) {
                std::printf(" %11s", "WRONG");
                std::fprintf(stderr, "%s: %s differs from the reference (relative error %.2e)\n", s.what,
                             name.c_str(), err);
                ++failures;
                continue;
            }
            const double us = 1e6 * bench::median_seconds([&] { fn(s, A.data(), B.data(), C.data()); }, flop);
            std::printf(" %11.2f", us);
            if (name != "auto" && us < best) best = us, best_name = name;
        }
        std::printf("   %s (%.0f GFLOP/s)\n", best_name.c_str(), flop / best * 1e-3);
    }
    return failures ? 1 : 0;
}
