// The fused softmax + cross-entropy loss: stable log-sum-exp forward, (p − y)/B backward.
#pragma once
#include "mlp/matrix.hpp"

namespace mlp {

struct LossResult {
    double loss = 0.0;  // mean over the B rows of −log softmax(z)[y]
    int correct = 0;    // rows whose arg-max equals the label
};

// Z: logits (B, K); labels: B ints in [0, K). Writes dZ = (softmax(Z) − onehot(y)) / B
// when dZ.data is not nullptr (dZ may alias Z).
template <class T>
LossResult softmax_cross_entropy(ConstView<T> Z, const int* labels, MatrixView<T> dZ);

template <>
LossResult softmax_cross_entropy<float>(ConstView<float> Z, const int* labels, MatrixView<float> dZ);

// P = softmax(Z) row by row (P may alias Z).
template <class T>
void softmax(ConstView<T> Z, MatrixView<T> P);

// Plain double reference of the loss and its gradient.
LossResult softmax_cross_entropy_reference(ConstView<double> Z, const int* labels, MatrixView<double> dZ);

}  // namespace mlp
