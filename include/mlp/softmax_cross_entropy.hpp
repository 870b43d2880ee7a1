// The fused softmax + cross-entropy loss: stable log-sum-exp forward, (p − y)/B backward.
#pragma once
#include "mlp/matrix.hpp"

namespace mlp {

struct LossResult {
    double loss = 0.0;  // mean over the B rows of −log softmax(z)[y]
    int correct = 0;    // rows whose arg-max equals the label
};

// Z: logits (B, K); labels: B ints in [0, K). Writes dZ = (softmax(Z) − onehot(y)) / R
// when dZ.data is not nullptr (dZ may alias Z), with R = batch_rows, or B when 0: a
// data-parallel rank holds B of the batch's R rows, and the ranks' gradients sum to the
// gradient of the mean over all R. The loss returned is the mean over the B rows given.
template <class T>
LossResult softmax_cross_entropy(ConstView<T> Z, const int* labels, MatrixView<T> dZ, int batch_rows = 0);

template <>
LossResult softmax_cross_entropy<float>(ConstView<float> Z, const int* labels, MatrixView<float> dZ, int batch_rows);

// P = softmax(Z) row by row (P may alias Z).
template <class T>
void softmax(ConstView<T> Z, MatrixView<T> P);

// Plain double reference of the loss and its gradient.
LossResult softmax_cross_entropy_reference(ConstView<double> Z, const int* labels, MatrixView<double> dZ);

}  // namespace mlp
