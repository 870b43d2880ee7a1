// The dense (fully connected) layer: Y = X·W + b, and its gradients.
// Works on views; owns no memory. Gradients are overwritten, never accumulated. The
// products run on ctx (its team and GEMM backend).
#pragma once
#include "mlp/activation.hpp"
#include "mlp/context.hpp"
#include "mlp/matrix.hpp"

namespace mlp {

// X: (B, D_in), W: (D_in, D_out), b: (D_out) or nullptr, Y: (B, D_out).
template <class T>
void dense_forward(const Context& ctx, ConstView<T> X, ConstView<T> W, const T* b, MatrixView<T> Y);

// Y = X·W + b, then A = f(Y) (A: (B, D_out), may not alias Y): a hidden layer and its
// activation. Float fuses both into the GEMM's store when our kernel runs it.
template <class T>
void dense_activation_forward(const Context& ctx, ConstView<T> X, ConstView<T> W, const T* b, MatrixView<T> Y, const Activation& f,
                              MatrixView<T> A);

// dW = Xᵀ·dY (D_in, D_out); db = Σ_rows dY (D_out) unless db is nullptr;
// dX = dY·Wᵀ (B, D_in) unless dX.data is nullptr.
template <class T>
void dense_backward(const Context& ctx, ConstView<T> X, ConstView<T> W, ConstView<T> dY, MatrixView<T> dW, T* db, MatrixView<T> dX);

// db[j] = Σ_i dY(i, j), rows summed in order (the same bits for the same batch).
template <class T>
void column_sums(ConstView<T> dY, T* db);

// The same in plain double loops: the reference for tests.
void dense_forward_reference(ConstView<double> X, ConstView<double> W, const double* b, MatrixView<double> Y);
void dense_backward_reference(ConstView<double> X, ConstView<double> W, ConstView<double> dY,
                              MatrixView<double> dW, double* db, MatrixView<double> dX);

}  // namespace mlp
