// L2 weight decay as a penalty λ·Σ_l ‖W_l‖² over weights only (biases are not penalised).
#pragma once
#include "mlp/network.hpp"

namespace mlp {

// Adds 2λ·W_l to the weight gradients in net.grads; returns the penalty λ·Σ‖W_l‖².
template <class T>
double add_l2(Network<T>& net, double lambda);

}  // namespace mlp
