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
    // The plain C = A·B of most products leaves by a store-only exit. With only the general
    // epilogue below, the whole tile ran about 12 % slower: 784×32×32ᵀ (the weight gradient
    // of a shared b32 step) 8.5 against 7.5 µs, 784×64×32ᵀ 16.9 against 14.7. Testing each
    // option once per tile, or plain stores in the general epilogue, did not recover it
    // (bench/NOTES.md row 25).
    if (alpha == 1.0f && beta == 0.0f && !ep.bias && !ep.f) {
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
            for (int v = 0; v + 1 < NV; ++v) _mm512_storeu_ps(C + std::size_t(r) * ldc + 16 * v, acc[r][v]);
            _mm512_mask_storeu_ps(C + std::size_t(r) * ldc + 16 * (NV - 1), last, acc[r][NV - 1]);
        }
        return;
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

// Interleaves the 64-bit pairs of x and y (low or high halves of each 128-bit lane).
inline __m512 pairs_lo(__m512 x, __m512 y) {
    return _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(x), _mm512_castps_pd(y)));
}
inline __m512 pairs_hi(__m512 x, __m512 y) {
    return _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(x), _mm512_castps_pd(y)));
}

// GCC 12's unpack intrinsics pass _mm512_undefined_ps() as the merge source, which
// -Wuninitialized reports inside the header; nothing here is uninitialised.
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
// One 16×16 block in registers: out(c, i) = in(i, c). Three rounds of shuffles (pairs of
// floats, of doubles, then 128-bit lanes twice), 64 shuffles for 256 floats.
void transpose16(const float* in, std::size_t ld_in, float* out, std::size_t ld_out) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(in + i * ld_in);
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = pairs_lo(t[i], t[i + 2]);
        r[i + 1] = pairs_hi(t[i], t[i + 2]);
        r[i + 2] = pairs_lo(t[i + 1], t[i + 3]);
        r[i + 3] = pairs_hi(t[i + 1], t[i + 3]);
    }
    // r[4g + c] now holds columns c, c + 4, c + 8, c + 12 of rows 4g..4g+3, one per lane.
    for (int h = 0; h < 16; h += 8)
        for (int c = 0; c < 4; ++c) {
            t[h + c] = _mm512_shuffle_f32x4(r[h + c], r[h + 4 + c], 0x88);
            t[h + 4 + c] = _mm512_shuffle_f32x4(r[h + c], r[h + 4 + c], 0xdd);
        }
    for (int c = 0; c < 8; ++c) {
        _mm512_storeu_ps(out + c * ld_out, _mm512_shuffle_f32x4(t[c], t[8 + c], 0x88));
        _mm512_storeu_ps(out + (c + 8) * ld_out, _mm512_shuffle_f32x4(t[c], t[8 + c], 0xdd));
    }
}

#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// Bᵀ stored N×K (row j holds op(B)'s column j) → K×N row-major: full 16×16 blocks in
// registers, the ragged edges element by element (a plain double loop over the whole of
// B thrashed L1 once N×K passed its size, and GCC vectorised it into AVX-512 scatters,
// microcoded on AMD cores).
void transpose_edge(int j0, int j1, int k0, int k1, int N, const float* B, int ldb, float* out) {
    for (int j = j0; j < j1; ++j)
        for (int k = k0; k < k1; ++k) out[std::size_t(k) * N + j] = B[std::size_t(j) * ldb + k];
}

void transpose_into(int K, int N, const float* B, int ldb, float* out) {
    const int N16 = N / 16 * 16, K16 = K / 16 * 16;
    for (int j0 = 0; j0 < N16; j0 += 16)
        for (int k0 = 0; k0 < K16; k0 += 16)
            transpose16(B + std::size_t(j0) * ldb + k0, ldb, out + std::size_t(k0) * N + j0, N);
    transpose_edge(0, N16, K16, K, N, B, ldb, out);
    transpose_edge(N16, N, 0, K, N, B, ldb, out);
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
