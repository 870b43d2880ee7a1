// gemm() dispatch to our AVX-512 kernel, oneDNN's dnnl_sgemm or OpenBLAS's cblas_sgemm, and
// the double path (cblas_dgemm) used by gradient checks; the split of large products over
// the caller's team. Kernel choice lives here and nowhere else.
#include "mlp/gemm.hpp"

#include <cblas.h>
#include <dnnl.h>
#include <omp.h>

#include <mutex>
#include <vector>

#include "mlp/error.hpp"
#include "mlp/gemm_kernels.hpp"

extern "C" void openblas_set_num_threads(int);

namespace mlp {
namespace {
// Products smaller than this many multiply-adds run on one thread. A hand-off costs a
// microsecond or two on a quiet machine and far more when the other core is busy; the
// products of a batch-32 step (784×128×32 = 3.2·10⁶ and below, 30 µs or less) gain too
// little to risk it, those of batch 128 and up gain (bench/NOTES.md).
constexpr double kSplitMadds = 4e6;
// One or two rows against a B of this many entries or more (batch-1 inference) split along
// K: each rank then reads its own contiguous part of B, which stays in its core's L2 from
// one call to the next. 1×512×784: 19 µs on one thread (an L3 stream), 7 µs split this
// way, 15 µs split by columns; 1×64×784 loses (bench/NOTES.md row 22).
constexpr double kSplitMatVecEntries = 1e5;

CBLAS_TRANSPOSE cblas_trans(bool t) { return t ? CblasTrans : CblasNoTrans; }

}  // namespace

GemmBackend gemm_choice(bool trans_a, bool trans_b, int M, int N, int K) {
    if (!avx512_supported()) return GemmBackend::onednn;
    const double madds = double(M) * N * K;
    if (cpu_vendor() == Vendor::intel) {
        // Intel Xeon (family 6 model 167), thread CPU time per product (bench/NOTES.md):
        // ours is level with oneDNN or ahead while B is at most 64 columns (one register
        // panel, read row after row) and on small products, but reads a wider B's strided
        // panels 10-40 % slower: 32×128×784 42 against 36 µs, 256×512×784 1860 against
        // 1110. One or two rows against B: ours 11.3 µs on 1×512×784, oneDNN 13.6.
        if (M <= 2 || N <= 64) return GemmBackend::own;
        return madds < 1e6 ? GemmBackend::own : GemmBackend::onednn;
    }
    // Measured by bench/gemm_bench on an AMD Zen 5 (bench/NOTES.md): our kernel wins every
    // product of an MLP step up to about 2·10⁸ multiply-adds; oneDNN's blocking and packing
    // win beyond. On a Zen 4 (AVX-512 on 256-bit halves) the two are level within ±7 % on
    // those products (row 36), so one rule serves both.
    // One or two rows against a large B (batch-1 inference, 1×512×784) is a stream over B:
    // oneDNN's matrix-vector path reads it at 35 µs where our tiles take 59.
    if (M <= 2 && double(N) * K >= 1e5) return GemmBackend::onednn;
    return madds <= 2e8 ? GemmBackend::own : GemmBackend::onednn;
}

namespace {

// MLP_ISA's cap (cpu.hpp) holds for oneDNN's kernels too, so a capped run times the
// path a CPU without AVX-512 takes, not oneDNN's AVX-512 code under our AVX2 name. It
// must come before oneDNN's first product. (OpenBLAS picks its kernels at load time:
// OPENBLAS_CORETYPE=Haswell caps it.)
void cap_onednn_isa() {
    switch (cpu_isa()) {
        case Isa::avx512: return;
        case Isa::avx2: dnnl_set_max_cpu_isa(dnnl_cpu_isa_avx2); return;
        case Isa::scalar: dnnl_set_max_cpu_isa(dnnl_cpu_isa_sse41); return;
    }
}

// All parallelism is the team's: oneDNN (OpenMP) and OpenBLAS run one thread per rank.
// omp_set_num_threads acts on the calling thread, so every thread that calls them sets it.
void single_threaded_libraries() {
    thread_local bool done = false;
    if (done) return;
    static std::once_flag blas;
    std::call_once(blas, [] {
        openblas_set_num_threads(1);
        cap_onednn_isa();
    });
    omp_set_num_threads(1);
    done = true;
}

void gemm_serial(GemmBackend backend, bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A,
                 int lda, const float* B, int ldb, float beta, float* C, int ldc) {
    if (backend == GemmBackend::automatic) backend = gemm_choice(trans_a, trans_b, M, N, K);
    single_threaded_libraries();
    switch (backend) {
        case GemmBackend::automatic:
        case GemmBackend::onednn:
            dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
            return;
        case GemmBackend::own:
            gemm_avx512(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
            return;
        case GemmBackend::openblas:
            cblas_sgemm(CblasRowMajor, cblas_trans(trans_a), cblas_trans(trans_b), M, N, K, alpha, A, lda, B,
                        ldb, beta, C, ldc);
            return;
        case GemmBackend::reference:
            gemm_reference(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
            return;
    }
}

// Into row or column blocks of C (gemm() tries a split along K first).
bool splits_by_blocks(const Context& ctx, int M, int N, int K) {
    return ctx.threads() > 1 && !in_team_job() && double(M) * N * K >= kSplitMadds && (M >= 2 || N >= 32);
}

}  // namespace

bool gemm_splits_k(const Context& ctx, int M, int N, int K) {
    if (ctx.threads() == 1 || in_team_job()) return false;
    return M <= 2 && double(N) * K >= kSplitMatVecEntries && K >= 32 * ctx.threads();
}

bool gemm_splits(const Context& ctx, int M, int N, int K) {
    return gemm_splits_k(ctx, M, N, K) || splits_by_blocks(ctx, M, N, K);
}

namespace {

// Runs block(i0, i1, j0, j1) for C's rows [i0, i1) × columns [j0, j1): the whole of C, or
// one block per team rank. Each rank takes a block of rows (when M ≥ N) or of 16-aligned
// columns, the larger side so each rank reads less. Our kernel sums every entry of C in k
// order whatever the block, so its results do not depend on the thread count; oneDNN's
// blocking may change with the block's shape.
template <class Block>
void split_product(const Context& ctx, int M, int N, int K, bool may_split, const Block& block) {
    if (!may_split || !splits_by_blocks(ctx, M, N, K)) {
        block(0, M, 0, N);
        return;
    }
    const bool by_rows = M >= N;
    ctx.run([&](int rank, int size) {
        const Range r = by_rows ? split_range(M, size, rank) : split_range(N, size, rank, 16);
        if (r.begin == r.end) return;
        if (by_rows) block(int(r.begin), int(r.end), 0, N);
        else block(0, M, int(r.begin), int(r.end));
    });
}

// C = alpha·op(A)·op(B) + beta·C with K split over the team: rank 0 adds its part into C,
// every other rank writes its part to a buffer of the caller's, and the parts are then
// added to C in rank order, so the result depends on the team size but not on timing.
void gemm_split_k(const Context& ctx, GemmBackend backend, bool trans_a, bool trans_b, int M, int N, int K,
                  float alpha, const float* A, int lda, const float* B, int ldb, float beta, float* C, int ldc) {
    thread_local std::vector<float> parts;  // grows to the largest M·N seen, then stays
    const std::size_t part = std::size_t(M) * N;
    const int threads = ctx.threads();
    if (parts.size() < part * (threads - 1)) parts.resize(part * (threads - 1));
    float* others = parts.data();
    ctx.run([&](int rank, int size) {
        const Range r = split_range(K, size, rank, 16);
        const float* a = trans_a ? A + r.begin * lda : A + r.begin;
        const float* b = trans_b ? B + r.begin : B + r.begin * ldb;
        const int k = int(r.end - r.begin);
        if (rank == 0) gemm_serial(backend, trans_a, trans_b, M, N, k, alpha, a, lda, b, ldb, beta, C, ldc);
        else gemm_serial(backend, trans_a, trans_b, M, N, k, alpha, a, lda, b, ldb, 0.0f, others + (rank - 1) * part, N);
    });
    for (int p = 1; p < threads; ++p)
        for (int i = 0; i < M; ++i) {
            const float* src = others + (p - 1) * part + std::size_t(i) * N;
            float* dst = C + std::size_t(i) * ldc;
            for (int j = 0; j < N; ++j) dst[j] += src[j];
        }
}

// The bias and activation pass for backends without a fused epilogue, over C's block
// [rows) × [j0, j0 + cols).
void bias_act_pass(int rows, int cols, int j0, const float* bias, float* C, int ldc, const Pointwise* f, float* Y,
                   int ldy) {
    for (int i = 0; i < rows; ++i) {
        float* row = C + std::size_t(i) * ldc;
        if (bias)
            for (int j = 0; j < cols; ++j) row[j] += bias[j0 + j];
        if (f) pointwise_forward(*f, row, Y + std::size_t(i) * ldy, cols);
    }
}

// Not require(): its message would be built, and allocated, on every product.
void check_backend(GemmBackend backend) {
    if (backend == GemmBackend::own && !avx512_supported())
        throw Error("GEMM backend 'own' needs a CPU with AVX-512 (use auto or onednn)");
}

}  // namespace

void gemm(const Context& ctx, bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A,
          int lda, const float* B, int ldb, float beta, float* C, int ldc) {
    if (M == 0 || N == 0) return;
    GemmBackend backend = ctx.backend;
    check_backend(backend);
    // Chosen on the whole product, so the kernel does not change with the thread count.
    if (backend == GemmBackend::automatic) backend = gemm_choice(trans_a, trans_b, M, N, K);
    if (backend != GemmBackend::reference && gemm_splits_k(ctx, M, N, K)) {
        gemm_split_k(ctx, backend, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    split_product(ctx, M, N, K, backend != GemmBackend::reference, [&](int i0, int i1, int j0, int j1) {
        const float* a = trans_a ? A + i0 : A + std::size_t(i0) * lda;
        const float* b = trans_b ? B + std::size_t(j0) * ldb : B + j0;
        gemm_serial(backend, trans_a, trans_b, i1 - i0, j1 - j0, K, alpha, a, lda, b, ldb, beta,
                    C + std::size_t(i0) * ldc + j0, ldc);
    });
}

void gemm_bias_act(const Context& ctx, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
                   const float* bias, float* C, int ldc, const Pointwise* f, float* Y, int ldy) {
    if (M == 0 || N == 0) return;
    GemmBackend backend = ctx.backend;
    check_backend(backend);
    if (backend == GemmBackend::automatic) backend = gemm_choice(false, false, M, N, K);
    if (backend != GemmBackend::reference && gemm_splits_k(ctx, M, N, K)) {
        gemm_split_k(ctx, backend, false, false, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C, ldc);
        bias_act_pass(M, N, 0, bias, C, ldc, f, Y, ldy);
        return;
    }
    split_product(ctx, M, N, K, backend != GemmBackend::reference, [&](int i0, int i1, int j0, int j1) {
        const float* a = A + std::size_t(i0) * lda;
        float* c = C + std::size_t(i0) * ldc + j0;
        float* y = f ? Y + std::size_t(i0) * ldy + j0 : nullptr;
        const int rows = i1 - i0, cols = j1 - j0;
        if (backend == GemmBackend::own) {
            gemm_avx512(false, false, rows, cols, K, 1.0f, a, lda, B + j0, ldb, 0.0f, c, ldc,
                        GemmEpilogue{bias ? bias + j0 : nullptr, f, y, ldy});
            return;
        }
        gemm_serial(backend, false, false, rows, cols, K, 1.0f, a, lda, B + j0, ldb, 0.0f, c, ldc);
        bias_act_pass(rows, cols, j0, bias, c, ldc, f, y, ldy);
    });
}

void gemm(const Context&, bool trans_a, bool trans_b, int M, int N, int K, double alpha, const double* A,
          int lda, const double* B, int ldb, double beta, double* C, int ldc) {
    if (M == 0 || N == 0) return;
    single_threaded_libraries();
    cblas_dgemm(CblasRowMajor, cblas_trans(trans_a), cblas_trans(trans_b), M, N, K, alpha, A, lda, B, ldb,
                beta, C, ldc);
}

template <class T>
void gemm_reference(bool trans_a, bool trans_b, int M, int N, int K, T alpha, const T* A, int lda,
                    const T* B, int ldb, T beta, T* C, int ldc) {
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) {
            double sum = 0.0;
            for (int k = 0; k < K; ++k) {
                const double a = trans_a ? A[k * lda + i] : A[i * lda + k];
                const double b = trans_b ? B[j * ldb + k] : B[k * ldb + j];
                sum += a * b;
            }
            T& c = C[i * ldc + j];
            c = static_cast<T>(alpha * sum + (beta == T(0) ? 0.0 : double(beta) * c));
        }
    }
}
template void gemm_reference<float>(bool, bool, int, int, int, float, const float*, int, const float*, int,
                                    float, float*, int);
template void gemm_reference<double>(bool, bool, int, int, int, double, const double*, int, const double*,
                                     int, double, double*, int);

GemmBackend parse_gemm_backend(const std::string& name) {
    const GemmBackend backend = parse_named(kGemmBackendNames, name, "GEMM backend");
    check_backend(backend);
    return backend;
}

std::string gemm_backend_name(GemmBackend backend) { return name_of(kGemmBackendNames, backend); }

}  // namespace mlp
