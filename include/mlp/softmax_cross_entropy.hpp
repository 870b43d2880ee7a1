// The fused softmax + cross-entropy loss: stable log-sum-exp forward, (p − t)/B backward,
// with t the one-hot label, or with label smoothing ε (Szegedy et al. 2016) the smoothed
// target t = (1 − ε)·onehot(y) + ε/K: loss_i = −Σ_k t_k log p_ik. ε = 0 is plain
// cross-entropy, bit for bit.
#pragma once
#include "mlp/matrix.hpp"

namespace mlp {

struct LossResult {
    double loss = 0.0;  // mean over the B rows of −Σ_k t_k log softmax(z)_k (−log softmax(z)[y] when ε = 0)
    int correct = 0;    // rows whose arg-max equals the label
};

// Z: logits (B, K); labels: B ints in [0, K). Writes dZ = (softmax(Z) − t) / R when
// dZ.data is not nullptr (dZ may alias Z), with R = batch_rows, or B when 0: a
// data-parallel rank holds B of the batch's R rows, and the ranks' gradients sum to the
// gradient of the mean over all R. The loss returned is the mean over the B rows given.
// smoothing: ε in [0, 1).
template <class T>
LossResult softmax_cross_entropy(ConstView<T> Z, const int* labels, MatrixView<T> dZ, int batch_rows = 0,
                                 double smoothing = 0.0);

template <>
LossResult softmax_cross_entropy<float>(ConstView<float> Z, const int* labels, MatrixView<float> dZ, int batch_rows,
                                        double smoothing);

// P = softmax(Z) row by row (P may alias Z).
template <class T>
void softmax(ConstView<T> Z, MatrixView<T> P);

// Plain double reference of the loss and its gradient, straight from the formula above.
LossResult softmax_cross_entropy_reference(ConstView<double> Z, const int* labels, MatrixView<double> dZ,
                                           double smoothing = 0.0);

}  // namespace mlp
