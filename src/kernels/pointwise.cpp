// Element-wise maps: one AVX-512 path (16 floats, masked tail), one AVX2 path (8 floats,
// scalar tail) and a scalar path, picked per call from cpu_isa().
#include "mlp/pointwise.hpp"

#include <immintrin.h>

#include <cmath>

#include "mlp/cpu.hpp"

namespace mlp {
namespace {

float scalar_forward(const Pointwise& f, float x) {
    switch (f.kind) {
        case PointwiseKind::identity: return x;
        case PointwiseKind::sigmoid: return 1.0f / (1.0f + std::exp(-x));
        case PointwiseKind::tanh: return f.outer * std::tanh(f.inner * x);
        case PointwiseKind::relu: return x > 0.0f ? x : 0.0f;
        case PointwiseKind::leaky_relu: return x > 0.0f ? x : f.slope * x;
    }
    return x;
}

float scalar_derivative(const Pointwise& f, float x, float a) {
    switch (f.kind) {
        case PointwiseKind::identity: return 1.0f;
        case PointwiseKind::sigmoid: return a * (1.0f - a);
        case PointwiseKind::tanh: return (f.inner / f.outer) * (f.outer * f.outer - a * a);
        case PointwiseKind::relu: return x > 0.0f ? 1.0f : 0.0f;
        case PointwiseKind::leaky_relu: return x > 0.0f ? 1.0f : f.slope;
    }
    return 1.0f;
}

}  // namespace
}  // namespace mlp

#if defined(__clang__)  // clang ignores GCC target pragmas
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,fma,avx2"))), apply_to = function)
#else
#pragma GCC push_options
// GCC 12 warns about the deliberately undefined upper lanes inside its own AVX-512 headers.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,fma,avx2")
#endif
#include "simd_avx512.hpp"

namespace mlp {
namespace {

inline __m512 backward16(const Pointwise& f, __m512 x, __m512 a, __m512 d) {
    switch (f.kind) {
        case PointwiseKind::identity: return d;
        case PointwiseKind::sigmoid: return _mm512_mul_ps(d, _mm512_mul_ps(a, _mm512_sub_ps(_mm512_set1_ps(1.0f), a)));
        case PointwiseKind::tanh: {
            const __m512 g = _mm512_fnmadd_ps(a, a, _mm512_set1_ps(f.outer * f.outer));
            return _mm512_mul_ps(d, _mm512_mul_ps(_mm512_set1_ps(f.inner / f.outer), g));
        }
        case PointwiseKind::relu:
            return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ), d);
        case PointwiseKind::leaky_relu: {
            const __mmask16 positive = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ);
            return _mm512_mask_blend_ps(positive, _mm512_mul_ps(_mm512_set1_ps(f.slope), d), d);
        }
    }
    return d;
}

void forward_avx512(const Pointwise& f, const float* x, float* y, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, simd::pointwise16(f, _mm512_loadu_ps(x + i)));
    if (i < n) {
        const __mmask16 m = __mmask16((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(y + i, m, simd::pointwise16(f, _mm512_maskz_loadu_ps(m, x + i)));
    }
}

void backward_avx512(const Pointwise& f, const float* x, const float* a, const float* d, float* out, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(out + i,
                         backward16(f, _mm512_loadu_ps(x + i), _mm512_loadu_ps(a + i), _mm512_loadu_ps(d + i)));
    if (i < n) {
        const __mmask16 m = __mmask16((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(out + i, m,
                              backward16(f, _mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, a + i),
                                         _mm512_maskz_loadu_ps(m, d + i)));
    }
}

void normalize_bytes_avx512(const std::uint8_t* x, const float* mean, const float* scale, float* y, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 v = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))));
        _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_sub_ps(v, _mm512_loadu_ps(mean + i)), _mm512_loadu_ps(scale + i)));
    }
    if (i < n) {
        const __mmask16 m = __mmask16((1u << (n - i)) - 1u);
        const __m512 v = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, x + i)));
        _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_sub_ps(v, _mm512_maskz_loadu_ps(m, mean + i)),
                                                      _mm512_maskz_loadu_ps(m, scale + i)));
    }
}

void exp_avx512(const float* x, float shift, float* y, long n) {
    const __m512 s = _mm512_set1_ps(shift);
    long i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, simd::exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), s)));
    if (i < n) {
        const __mmask16 m = __mmask16((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(y + i, m, simd::exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), s)));
    }
}

}  // namespace
}  // namespace mlp
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#if defined(__clang__)  // clang ignores GCC target pragmas
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
#include "simd_avx2.hpp"

namespace mlp {
namespace {

inline __m256 forward8(const Pointwise& f, __m256 x) {
    switch (f.kind) {
        case PointwiseKind::identity: return x;
        case PointwiseKind::sigmoid: return simd::sigmoid8(x);
        case PointwiseKind::tanh:
            return _mm256_mul_ps(_mm256_set1_ps(f.outer), simd::tanh8(_mm256_mul_ps(_mm256_set1_ps(f.inner), x)));
        case PointwiseKind::relu: return _mm256_max_ps(x, _mm256_setzero_ps());
        case PointwiseKind::leaky_relu: {
            const __m256 positive = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ);
            return _mm256_blendv_ps(_mm256_mul_ps(_mm256_set1_ps(f.slope), x), x, positive);
        }
    }
    return x;
}

void forward_avx2(const Pointwise& f, const float* x, float* y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, forward8(f, _mm256_loadu_ps(x + i)));
    for (; i < n; ++i) y[i] = scalar_forward(f, x[i]);
}

// The backward maps have no transcendental: a plain loop the compiler vectorises for AVX2.
void backward_avx2(const Pointwise& f, const float* x, const float* a, const float* d, float* out, long n) {
    switch (f.kind) {
        case PointwiseKind::identity:
            for (long i = 0; i < n; ++i) out[i] = d[i];
            return;
        case PointwiseKind::sigmoid:
            for (long i = 0; i < n; ++i) out[i] = d[i] * (a[i] * (1.0f - a[i]));
            return;
        case PointwiseKind::tanh: {
            const float c = f.inner / f.outer, o2 = f.outer * f.outer;
            for (long i = 0; i < n; ++i) out[i] = d[i] * (c * (o2 - a[i] * a[i]));
            return;
        }
        case PointwiseKind::relu:
            for (long i = 0; i < n; ++i) out[i] = x[i] > 0.0f ? d[i] : 0.0f;
            return;
        case PointwiseKind::leaky_relu:
            for (long i = 0; i < n; ++i) out[i] = x[i] > 0.0f ? d[i] : f.slope * d[i];
            return;
    }
}

void normalize_bytes_avx2(const std::uint8_t* x, const float* mean, const float* scale, float* y, long n) {
    for (long i = 0; i < n; ++i) y[i] = (float(x[i]) - mean[i]) * scale[i];
}

void exp_avx2(const float* x, float shift, float* y, long n) {
    const __m256 s = _mm256_set1_ps(shift);
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, simd::exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s)));
    for (; i < n; ++i) y[i] = std::exp(x[i] - shift);
}

}  // namespace
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

void pointwise_forward(const Pointwise& f, const float* x, float* y, long n) {
    switch (cpu_isa()) {
        case Isa::avx512: forward_avx512(f, x, y, n); return;
        case Isa::avx2: forward_avx2(f, x, y, n); return;
        case Isa::scalar: break;
    }
    for (long i = 0; i < n; ++i) y[i] = scalar_forward(f, x[i]);
}

void pointwise_backward(const Pointwise& f, const float* x, const float* a, const float* d, float* out, long n) {
    switch (cpu_isa()) {
        case Isa::avx512: backward_avx512(f, x, a, d, out, n); return;
        case Isa::avx2: backward_avx2(f, x, a, d, out, n); return;
        case Isa::scalar: break;
    }
    for (long i = 0; i < n; ++i) out[i] = d[i] * scalar_derivative(f, x[i], a[i]);
}

void exp_shifted(const float* x, float shift, float* y, long n) {
    switch (cpu_isa()) {
        case Isa::avx512: exp_avx512(x, shift, y, n); return;
        case Isa::avx2: exp_avx2(x, shift, y, n); return;
        case Isa::scalar: break;
    }
    for (long i = 0; i < n; ++i) y[i] = std::exp(x[i] - shift);
}

void normalize_bytes(const std::uint8_t* x, const float* mean, const float* scale, float* y, long n) {
    switch (cpu_isa()) {
        case Isa::avx512: normalize_bytes_avx512(x, mean, scale, y, n); return;
        case Isa::avx2: normalize_bytes_avx2(x, mean, scale, y, n); return;
        case Isa::scalar: break;
    }
    for (long i = 0; i < n; ++i) y[i] = (float(x[i]) - mean[i]) * scale[i];
}

double pointwise_reference(const Pointwise& f, double x) {
    switch (f.kind) {
        case PointwiseKind::identity: return x;
        case PointwiseKind::sigmoid: return 1.0 / (1.0 + std::exp(-x));
        case PointwiseKind::tanh: return double(f.outer) * std::tanh(double(f.inner) * x);
        case PointwiseKind::relu: return x > 0 ? x : 0.0;
        case PointwiseKind::leaky_relu: return x > 0 ? x : double(f.slope) * x;
    }
    return x;
}

}  // namespace mlp
