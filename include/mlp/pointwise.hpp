// Element-wise maps over float arrays, the numeric side of activation layers: forward
// y = f(x), backward out = d ⊙ f'(x), and exp(x − shift) for the softmax. Vectorised with
// AVX-512 or AVX2 when the CPU has it (checked at run time), plain loops otherwise. Does
// not know about layers or views; src/model/activation.cpp maps an Activation onto these.
#pragma once
#include <cstdint>

namespace mlp {

enum class PointwiseKind { identity, sigmoid, tanh, relu, leaky_relu };

struct Pointwise {
    PointwiseKind kind = PointwiseKind::identity;
    float outer = 1.0f, inner = 1.0f;  // tanh: y = outer · tanh(inner · x)
    float slope = 0.0f;                // leaky_relu: y = x > 0 ? x : slope · x
};

// y[i] = f(x[i]) for i < n; y may alias x. sigmoid and tanh agree with the double
// reference to a few float ulp (absolute 2e-7 near tanh's zero).
void pointwise_forward(const Pointwise& f, const float* x, float* y, long n);

// out[i] = d[i] · f'(x[i]), with a[i] = f(x[i]) given so that sigmoid and tanh need no
// transcendental: sigmoid' = a(1 − a), (outer·tanh(inner·x))' = (inner/outer)(outer² − a²).
// out may alias d.
void pointwise_backward(const Pointwise& f, const float* x, const float* a, const float* d, float* out, long n);

// y[i] = exp(x[i] − shift) for i < n; y may alias x.
void exp_shifted(const float* x, float shift, float* y, long n);

// y[i] = (float(x[i]) − mean[i]) · scale[i]: bytes (pixels) to normalised features while a
// batch is gathered, so the dataset itself stays uint8.
void normalize_bytes(const std::uint8_t* x, const float* mean, const float* scale, float* y, long n);

// The scalar forms, in double: the reference the vector paths are tested against.
double pointwise_reference(const Pointwise& f, double x);

}  // namespace mlp
