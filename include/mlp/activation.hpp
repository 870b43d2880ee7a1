// Element-wise activations and their derivatives, forward and backward side by side.
// Does not own memory; callers pass views into the Workspace.
#pragma once
#include <string>

#include "mlp/matrix.hpp"
#include "mlp/names.hpp"
#include "mlp/pointwise.hpp"

namespace mlp {

enum class ActivationKind { identity, sigmoid, improved_sigmoid, tanh, relu, leaky_relu };
inline constexpr NamedValue<ActivationKind> kActivationNames[] = {
    {"sigmoid", ActivationKind::sigmoid},
    {"improved_sigmoid", ActivationKind::improved_sigmoid},  // 1.7159·tanh(2z/3), LeCun 1998
    {"tanh", ActivationKind::tanh},
    {"relu", ActivationKind::relu},
    {"leaky_relu", ActivationKind::leaky_relu},
    {"identity", ActivationKind::identity},
};

struct Activation {
    ActivationKind kind = ActivationKind::sigmoid;
    double slope = 0.01;  // leaky_relu only: f(z) = slope·z for z < 0
};

// Throws Error listing the valid names.
ActivationKind parse_activation(const std::string& name);
std::string activation_name(ActivationKind kind);

// The element-wise map behind an activation, for the vectorised float kernels.
Pointwise pointwise_of(const Activation& f);

// A = f(Z), element by element. A may alias Z. Float runs the vectorised kernels of
// pointwise.hpp; double runs plain loops over the std:: functions.
template <class T>
void activation_forward(const Activation& f, ConstView<T> Z, MatrixView<T> A);

// dZ = dA ⊙ f'(Z), using Z and A = f(Z) (whichever is cheaper). dZ may alias dA. Overwrites dZ.
template <class T>
void activation_backward(const Activation& f, ConstView<T> Z, ConstView<T> A, ConstView<T> dA,
                         MatrixView<T> dZ);

template <>
void activation_forward<float>(const Activation& f, ConstView<float> Z, MatrixView<float> A);
template <>
void activation_backward<float>(const Activation& f, ConstView<float> Z, ConstView<float> A, ConstView<float> dA,
                                MatrixView<float> dZ);

// Scalar forms, in double: the slow reference the tests compare against.
double activation_reference(const Activation& f, double z);
double activation_derivative_reference(const Activation& f, double z);

}  // namespace mlp
