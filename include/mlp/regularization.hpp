// Regularisers that act on the weights, not on activations (dropout is a layer, dropout.hpp):
//   L2 weight decay: the objective gains λ·Σ_l ‖W_l‖², weights only unless train.l2_biases
//   adds λ·Σ_l ‖b_l‖² (PyTorch's Adam/SGD weight_decay = 2λ decays every parameter), so a
//   penalised parameter's gradient gains 2λ·w. Training never forms that gradient: the
//   optimizer adds decay·w to g element by element as it updates (Optimizer::update), with
//   decay = l2_decay(λ) on weight tensors, and on biases with l2_biases (else 0); gradcheck
//   checks the same.
//   Max-norm (Srivastava et al. 2014, §5.1): after every update, each hidden unit's
//   incoming weight vector (a column of W_l) longer than c is scaled back to length c.
#pragma once
#include <cstddef>

#include "mlp/matrix.hpp"

namespace mlp {

// The decay a weight tensor's update applies for L2 strength λ: 2λ.
inline float l2_decay(double lambda) { return static_cast<float>(2.0 * lambda); }

// g + decay·w: the gradient the update uses, given the loss gradient g.
template <class T>
inline T l2_gradient(T g, T w, T decay) {
    return g + decay * w;
}

// λ·Σ w² over n weights, summed in double in order.
template <class T>
double l2_penalty(const T* w, std::size_t n, double lambda);

// Scales every column of W (in × units) whose Euclidean norm exceeds c down to norm c;
// c ≤ 0 leaves W alone. Each column's norm is summed in double over the rows in order,
// so a column gives the same bits wherever it is stored.
void max_norm(MatrixView<float> W, double c);

}  // namespace mlp
