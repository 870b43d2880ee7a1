// exp, sigmoid and tanh on 16 floats (AVX-512). Internal to src/kernels: include it only
// inside a `#pragma GCC target("avx512f,...")` region; every function is static inline.
#pragma once
#include <immintrin.h>

#include "mlp/pointwise.hpp"
#include "simd_math.hpp"

namespace mlp::simd {

static inline __m512 exp16(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(kExpLo)), _mm512_set1_ps(kExpHi));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(kLog2e)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kLn2Hi), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kLn2Lo), r);
    __m512 p = _mm512_set1_ps(kExpP0);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kExpP1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kExpP2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kExpP3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kExpP4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kExpP5));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

static inline __m512 sigmoid16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    return _mm512_div_ps(one, _mm512_add_ps(one, exp16(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

static inline __m512 tanh16(__m512 x) {
    const __m512 ax = _mm512_abs_ps(x);
    const __m512 one = _mm512_set1_ps(1.0f);
    // |x| ≥ 0.625: 1 − 2 / (exp(2|x|) + 1), with the sign of x put back.
    const __m512 e = exp16(_mm512_add_ps(ax, ax));
    __m512 big = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, one)));
    big = _mm512_or_ps(big, _mm512_and_ps(x, _mm512_set1_ps(-0.0f)));
    const __m512 z = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(kTanhP0);
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(kTanhP1));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(kTanhP2));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(kTanhP3));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(kTanhP4));
    const __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), x, x);
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(ax, _mm512_set1_ps(kTanhSmall), _CMP_LT_OQ), big, small);
}

// y = f(x) for one of the activation maps.
static inline __m512 pointwise16(const Pointwise& f, __m512 x) {
    switch (f.kind) {
        case PointwiseKind::identity: return x;
        case PointwiseKind::sigmoid: return sigmoid16(x);
        case PointwiseKind::tanh:
            return _mm512_mul_ps(_mm512_set1_ps(f.outer), tanh16(_mm512_mul_ps(_mm512_set1_ps(f.inner), x)));
        case PointwiseKind::relu: return _mm512_max_ps(x, _mm512_setzero_ps());
        case PointwiseKind::leaky_relu: {
            const __mmask16 positive = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ);
            return _mm512_mask_blend_ps(positive, _mm512_mul_ps(_mm512_set1_ps(f.slope), x), x);
        }
    }
    return x;
}

}  // namespace mlp::simd
