// Activations: f and f' for each kind; float through the vectorised pointwise kernels,
// double (gradient checks) as plain loops.
#include "mlp/activation.hpp"

#include <cmath>

namespace mlp {
namespace {

constexpr double kImprovedA = 1.7159;          // f(z) = A·tanh(B·z)
constexpr double kImprovedB = 2.0 / 3.0;

template <class T, class F>
void map_rows(ConstView<T> in, MatrixView<T> out, F f) {
    for (int i = 0; i < in.rows; ++i) {
        const T* x = in.row(i);
        T* y = out.row(i);
        for (int j = 0; j < in.cols; ++j) y[j] = f(x[j]);
    }
}

// dZ = dA ⊙ g(z, a) row by row.
template <class T, class G>
void scale_rows(ConstView<T> Z, ConstView<T> A, ConstView<T> dA, MatrixView<T> dZ, G g) {
    for (int i = 0; i < dA.rows; ++i) {
        const T* z = Z.row(i);
        const T* a = A.row(i);
        const T* d = dA.row(i);
        T* out = dZ.row(i);
        for (int j = 0; j < dA.cols; ++j) out[j] = d[j] * g(z[j], a[j]);
    }
}

}  // namespace

ActivationKind parse_activation(const std::string& name) { return parse_named(kActivationNames, name, "activation"); }

std::string activation_name(ActivationKind kind) { return name_of(kActivationNames, kind); }

Pointwise pointwise_of(const Activation& f) {
    Pointwise p;
    switch (f.kind) {
        case ActivationKind::identity: p.kind = PointwiseKind::identity; break;
        case ActivationKind::sigmoid: p.kind = PointwiseKind::sigmoid; break;
        case ActivationKind::improved_sigmoid:
            p.kind = PointwiseKind::tanh;
            p.outer = float(kImprovedA);
            p.inner = float(kImprovedB);
            break;
        case ActivationKind::tanh: p.kind = PointwiseKind::tanh; break;
        case ActivationKind::relu: p.kind = PointwiseKind::relu; break;
        case ActivationKind::leaky_relu:
            p.kind = PointwiseKind::leaky_relu;
            p.slope = float(f.slope);
            break;
    }
    return p;
}

template <>
void activation_forward<float>(const Activation& f, ConstView<float> Z, MatrixView<float> A) {
    const Pointwise p = pointwise_of(f);
    for (int i = 0; i < Z.rows; ++i) pointwise_forward(p, Z.row(i), A.row(i), Z.cols);
}

template <>
void activation_backward<float>(const Activation& f, ConstView<float> Z, ConstView<float> A, ConstView<float> dA,
                                MatrixView<float> dZ) {
    const Pointwise p = pointwise_of(f);
    for (int i = 0; i < dA.rows; ++i) pointwise_backward(p, Z.row(i), A.row(i), dA.row(i), dZ.row(i), dA.cols);
}

template <class T>
void activation_forward(const Activation& f, ConstView<T> Z, MatrixView<T> A) {
    const T slope = static_cast<T>(f.slope);
    switch (f.kind) {
        case ActivationKind::identity: map_rows(Z, A, [](T z) { return z; }); return;
        case ActivationKind::sigmoid: map_rows(Z, A, [](T z) { return T(1) / (T(1) + std::exp(-z)); }); return;
        case ActivationKind::improved_sigmoid:
            map_rows(Z, A, [](T z) { return T(kImprovedA) * std::tanh(T(kImprovedB) * z); });
            return;
        case ActivationKind::tanh: map_rows(Z, A, [](T z) { return std::tanh(z); }); return;
        case ActivationKind::relu: map_rows(Z, A, [](T z) { return z > T(0) ? z : T(0); }); return;
        case ActivationKind::leaky_relu: map_rows(Z, A, [slope](T z) { return z > T(0) ? z : slope * z; }); return;
    }
}

template <class T>
void activation_backward(const Activation& f, ConstView<T> Z, ConstView<T> A, ConstView<T> dA,
                         MatrixView<T> dZ) {
    const T slope = static_cast<T>(f.slope);
    switch (f.kind) {
        case ActivationKind::identity: scale_rows(Z, A, dA, dZ, [](T, T) { return T(1); }); return;
        case ActivationKind::sigmoid: scale_rows(Z, A, dA, dZ, [](T, T a) { return a * (T(1) - a); }); return;
        case ActivationKind::improved_sigmoid:
            // f' = A·B·(1 − tanh²) = (B/A)·(A² − f²)
            scale_rows(Z, A, dA, dZ, [](T, T a) {
                return T(kImprovedB / kImprovedA) * (T(kImprovedA * kImprovedA) - a * a);
            });
            return;
        case ActivationKind::tanh: scale_rows(Z, A, dA, dZ, [](T, T a) { return T(1) - a * a; }); return;
        case ActivationKind::relu: scale_rows(Z, A, dA, dZ, [](T z, T) { return z > T(0) ? T(1) : T(0); }); return;
        case ActivationKind::leaky_relu:
            scale_rows(Z, A, dA, dZ, [slope](T z, T) { return z > T(0) ? T(1) : slope; });
            return;
    }
}

template void activation_forward<double>(const Activation&, ConstView<double>, MatrixView<double>);
template void activation_backward<double>(const Activation&, ConstView<double>, ConstView<double>,
                                          ConstView<double>, MatrixView<double>);

double activation_reference(const Activation& f, double z) {
    switch (f.kind) {
        case ActivationKind::identity: return z;
        case ActivationKind::sigmoid: return 1.0 / (1.0 + std::exp(-z));
        case ActivationKind::improved_sigmoid: return kImprovedA * std::tanh(kImprovedB * z);
        case ActivationKind::tanh: return std::tanh(z);
        case ActivationKind::relu: return z > 0 ? z : 0.0;
        case ActivationKind::leaky_relu: return z > 0 ? z : f.slope * z;
    }
    return 0.0;
}

double activation_derivative_reference(const Activation& f, double z) {
    switch (f.kind) {
        case ActivationKind::identity: return 1.0;
        case ActivationKind::sigmoid: {
            const double s = 1.0 / (1.0 + std::exp(-z));
            return s * (1.0 - s);
        }
        case ActivationKind::improved_sigmoid: {
            const double t = std::tanh(kImprovedB * z);
            return kImprovedA * kImprovedB * (1.0 - t * t);
        }
        case ActivationKind::tanh: {
            const double t = std::tanh(z);
            return 1.0 - t * t;
        }
        case ActivationKind::relu: return z > 0 ? 1.0 : 0.0;
        case ActivationKind::leaky_relu: return z > 0 ? 1.0 : f.slope;
    }
    return 0.0;
}

}  // namespace mlp
