// Dense layer forward/backward through gemm(); float's bias and activation ride in the
// GEMM's epilogue, the bias gradient's column sums are a plain loop.
#include "mlp/dense.hpp"

#include <type_traits>

#include "mlp/gemm.hpp"

namespace mlp {

template <class T>
void dense_forward(const Context& ctx, ConstView<T> X, ConstView<T> W, const T* b, MatrixView<T> Y) {
    const int B = X.rows, D_in = X.cols, D_out = W.cols;
    if constexpr (std::is_same_v<T, float>) {
        gemm_bias_act(ctx, B, D_out, D_in, X.data, X.ld, W.data, W.ld, b, Y.data, Y.ld, nullptr, nullptr, 0);
        return;
    }
    gemm(ctx, false, false, B, D_out, D_in, T(1), X.data, X.ld, W.data, W.ld, T(0), Y.data, Y.ld);
    if (!b) return;
    for (int i = 0; i < B; ++i) {
        T* y = Y.row(i);
        for (int j = 0; j < D_out; ++j) y[j] += b[j];
    }
}

template <class T>
void dense_activation_forward(const Context& ctx, ConstView<T> X, ConstView<T> W, const T* b, MatrixView<T> Y, const Activation& f,
                              MatrixView<T> A) {
    if constexpr (std::is_same_v<T, float>) {
        const Pointwise p = pointwise_of(f);
        gemm_bias_act(ctx, X.rows, W.cols, X.cols, X.data, X.ld, W.data, W.ld, b, Y.data, Y.ld, &p, A.data, A.ld);
    } else {
        dense_forward<T>(ctx, X, W, b, Y);
        activation_forward<T>(f, Y, A);
    }
}

template <class T>
void column_sums(ConstView<T> dY, T* db) {
    for (int j = 0; j < dY.cols; ++j) db[j] = T(0);
    for (int i = 0; i < dY.rows; ++i) {
        const T* d = dY.row(i);
        for (int j = 0; j < dY.cols; ++j) db[j] += d[j];
    }
}

template <class T>
void dense_backward(const Context& ctx, ConstView<T> X, ConstView<T> W, ConstView<T> dY, MatrixView<T> dW, T* db, MatrixView<T> dX) {
    const int B = X.rows, D_in = X.cols, D_out = W.cols;
    gemm(ctx, true, false, D_in, D_out, B, T(1), X.data, X.ld, dY.data, dY.ld, T(0), dW.data, dW.ld);
    if (db) column_sums(dY, db);
    if (dX.data) gemm(ctx, false, true, B, D_in, D_out, T(1), dY.data, dY.ld, W.data, W.ld, T(0), dX.data, dX.ld);
}

template void column_sums<float>(ConstView<float>, float*);
template void column_sums<double>(ConstView<double>, double*);
template void dense_forward<float>(const Context&, ConstView<float>, ConstView<float>, const float*, MatrixView<float>);
template void dense_forward<double>(const Context&, ConstView<double>, ConstView<double>, const double*, MatrixView<double>);
template void dense_activation_forward<float>(const Context&, ConstView<float>, ConstView<float>, const float*, MatrixView<float>,
                                             const Activation&, MatrixView<float>);
template void dense_activation_forward<double>(const Context&, ConstView<double>, ConstView<double>, const double*,
                                              MatrixView<double>, const Activation&, MatrixView<double>);
template void dense_backward<float>(const Context&, ConstView<float>, ConstView<float>, ConstView<float>, MatrixView<float>,
                                    float*, MatrixView<float>);
template void dense_backward<double>(const Context&, ConstView<double>, ConstView<double>, ConstView<double>,
                                     MatrixView<double>, double*, MatrixView<double>);

void dense_forward_reference(ConstView<double> X, ConstView<double> W, const double* b, MatrixView<double> Y) {
    for (int i = 0; i < X.rows; ++i)
        for (int j = 0; j < W.cols; ++j) {
            double sum = b ? b[j] : 0.0;
            for (int k = 0; k < X.cols; ++k) sum += X(i, k) * W(k, j);
            Y(i, j) = sum;
        }
}

void dense_backward_reference(ConstView<double> X, ConstView<double> W, ConstView<double> dY,
                              MatrixView<double> dW, double* db, MatrixView<double> dX) {
    for (int k = 0; k < X.cols; ++k)
        for (int j = 0; j < W.cols; ++j) {
            double sum = 0.0;
            for (int i = 0; i < X.rows; ++i) sum += X(i, k) * dY(i, j);
            dW(k, j) = sum;
        }
    if (db)
        for (int j = 0; j < W.cols; ++j) {
            double sum = 0.0;
            for (int i = 0; i < X.rows; ++i) sum += dY(i, j);
            db[j] = sum;
        }
    if (dX.data)
        for (int i = 0; i < X.rows; ++i)
            for (int k = 0; k < X.cols; ++k) {
                double sum = 0.0;
                for (int j = 0; j < W.cols; ++j) sum += dY(i, j) * W(k, j);
                dX(i, k) = sum;
            }
}

}  // namespace mlp
