// Our own single-threaded AVX-512 SGEMM for the small and medium products of an MLP step
// (batch ≤ a few hundred rows, widths ≤ a few thousand). Register-blocked, no packing of A;
// op(B) is packed only when transposed. Compiled for AVX-512 by target pragma and called
// only after a run-time CPU check, so the default build still runs on any x86-64.
#include "mlp/gemm_kernels.hpp"

#include <immintrin.h>

#include <array>
#include <cstddef>
#include <utility>
#include <vector>

namespace mlp {

namespace {

// Scratch for a packed op(B) when B is transposed: grows to the largest product once,
// then every later call reuses it (one per thread, so team members never share).
float* pack_scratch(std::size_t floats) {
    thread_local std::vector<float> scratch;
    if (scratch.size() < floats) scratch.resize(floats);
    return scratch.data();
}

}  // namespace
}  // namespace mlp

#if defined(__clang__)  // clang ignores GCC target pragmas
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,fma,avx2,bmi2"))), apply_to = function)
#else
#pragma GCC push_options
// GCC 12 warns about the deliberately undefined upper lanes inside its own AVX-512 headers.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,fma,avx2,bmi2")
#endif
#include "simd_avx512.hpp"

namespace mlp {

namespace {

// One MR × (16·NV) tile of C: acc = Σ_k op(A)(i, k) · B(k, j) summed in k order, then
// C = alpha·acc + beta·C (+ bias), and Y = f(C) when the epilogue asks for it.
// op(A)(i, k) is A[i·lda + k], or A[k·lda + i] when TA. B is K×N row-major (already op'ed).
// The last of the NV vectors is masked by `last` so any N works. ep's pointers are
// already offset to this tile's first row and column.
template <int MR, int NV, bool TA>
void tile(int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc, float alpha, float beta,
          __mmask16 last, const GemmEpilogue& ep) {
    __m512 acc[MR][NV];
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
    for (int k = 0; k < K; ++k) {
        const float* b = B + std::size_t(k) * ldb;
        __m512 bv[NV];
#pragma GCC unroll 4
        for (int v = 0; v + 1 < NV; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
        bv[NV - 1] = _mm512_maskz_loadu_ps(last, b + 16 * (NV - 1));
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r) {
            const __m512 a = _mm512_set1_ps(TA ? A[std::size_t(k) * lda + r] : A[std::size_t(r) * lda + k]);
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(a, bv[v], acc[r][v]);
        }
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    __m512 bias[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
        bias[v] = ep.bias ? _mm512_maskz_loadu_ps(v + 1 < NV ? __mmask16(0xFFFF) : last, ep.bias + 16 * v)
                          : _mm512_setzero_ps();
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
        float* c = C + std::size_t(r) * ldc;
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) {
            const __mmask16 m = v + 1 < NV ? __mmask16(0xFFFF) : last;
            __m512 out = alpha == 1.0f ? acc[r][v] : _mm512_mul_ps(va, acc[r][v]);
            if (beta != 0.0f) out = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m, c + 16 * v), out);
            if (ep.bias) out = _mm512_add_ps(out, bias[v]);
            _mm512_mask_storeu_ps(c + 16 * v, m, out);
            if (ep.f) _mm512_mask_storeu_ps(ep.Y + std::size_t(r) * ep.ldy + 16 * v, m, simd::pointwise16(*ep.f, out));
        }
    }
}

using TileFn = void (*)(int, const float*, int, const float*, int, float*, int, float, float, __mmask16,
                       const GemmEpilogue&);

// Rows per tile for NV vectors across: at most 24 accumulators, leaving registers for B.
constexpr int max_rows(int NV) { return NV <= 2 ? 12 : 6; }

template <int NV, bool TA, int... R>
constexpr auto make_row_table(std::integer_sequence<int, R...>) {
    return std::array<TileFn, sizeof...(R)>{&tile<R + 1, NV, TA>...};
}

template <bool TA>
struct Tiles {
    static constexpr auto nv1 = make_row_table<1, TA>(std::make_integer_sequence<int, max_rows(1)>{});
    static constexpr auto nv2 = make_row_table<2, TA>(std::make_integer_sequence<int, max_rows(2)>{});
    static constexpr auto nv3 = make_row_table<3, TA>(std::make_integer_sequence<int, max_rows(3)>{});
    static constexpr auto nv4 = make_row_table<4, TA>(std::make_integer_sequence<int, max_rows(4)>{});
    static TileFn get(int rows, int nv) {
        switch (nv) {
            case 1: return nv1[rows - 1];
            case 2: return nv2[rows - 1];
            case 3: return nv3[rows - 1];
            default: return nv4[rows - 1];
        }
    }
};

template <bool TA>
void blocked(int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb, float beta,
             float* C, int ldc, const GemmEpilogue& ep) {
    for (int j0 = 0; j0 < N; j0 += 64) {
        const int cols = N - j0 < 64 ? N - j0 : 64;
        const int nv = (cols + 15) / 16;
        const int tail = cols - 16 * (nv - 1);
        const __mmask16 last = __mmask16((1u << tail) - 1u);
        // Rows split into ceil(M / max) tiles of nearly equal height: 32 → 6,6,5,5,5,5.
        const int cap = max_rows(nv);
        const int tiles = (M + cap - 1) / cap;
        int i0 = 0;
        for (int t = 0; t < tiles; ++t) {
            const int rows = (M - i0) / (tiles - t);
            const float* a = TA ? A + i0 : A + std::size_t(i0) * lda;
            GemmEpilogue at = ep;
            if (at.bias) at.bias += j0;
            if (at.f) at.Y += std::size_t(i0) * at.ldy + j0;
            Tiles<TA>::get(rows, nv)(K, a, lda, B + j0, ldb, C + std::size_t(i0) * ldc + j0, ldc, alpha, beta, last,
                                     at);
            i0 += rows;
        }
    }
}

// Bᵀ stored N×K (row j holds op(B)'s column j) → K×N row-major, in 16×16 blocks so the
// strided side of the copy stays within 16 cache lines (a plain double loop thrashed L1
// once N×K passed its size: 32×128×128 with Bᵀ took 10× the untransposed product). Not
// vectorised: GCC would scatter, and AVX-512 scatters are microcoded on AMD cores.
#if defined(__clang__)
#define MLP_NO_VECTORIZE
#else
#define MLP_NO_VECTORIZE __attribute__((optimize("no-tree-vectorize")))
#endif
MLP_NO_VECTORIZE void transpose_into(int K, int N, const float* B, int ldb, float* out) {
    constexpr int kBlock = 16;
    for (int j0 = 0; j0 < N; j0 += kBlock) {
        const int j1 = j0 + kBlock < N ? j0 + kBlock : N;
        for (int k0 = 0; k0 < K; k0 += kBlock) {
            const int k1 = k0 + kBlock < K ? k0 + kBlock : K;
            for (int j = j0; j < j1; ++j) {
                const float* src = B + std::size_t(j) * ldb;
                for (int k = k0; k < k1; ++k) out[std::size_t(k) * N + j] = src[k];
            }
        }
    }
}

}  // namespace

void gemm_avx512(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
                 const float* B, int ldb, float beta, float* C, int ldc, const GemmEpilogue& ep) {
    if (trans_b) {
        float* packed = pack_scratch(std::size_t(K) * N);
        transpose_into(K, N, B, ldb, packed);
        B = packed;
        ldb = N;
    }
    if (trans_a) blocked<true>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ep);
    else blocked<false>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ep);
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

}  // namespace mlp
