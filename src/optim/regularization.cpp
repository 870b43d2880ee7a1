// L2 penalty and its gradient, weight tensors only.
#include "mlp/regularization.hpp"

namespace mlp {

template <class T>
double add_l2(Network<T>& net, double lambda) {
    if (lambda == 0.0) return 0.0;
    double sum = 0.0;
    const T twice = static_cast<T>(2.0 * lambda);
    for (int l = 0; l < net.layers(); ++l) {
        MatrixView<T> W = net.weight(net.params, l);
        MatrixView<T> dW = net.weight(net.grads, l);
        const std::size_t n = W.size();  // views are compact: rows·cols contiguous
        for (std::size_t i = 0; i < n; ++i) {
            sum += double(W.data[i]) * W.data[i];
            dW.data[i] += twice * W.data[i];
        }
    }
    return lambda * sum;
}

template double add_l2<float>(Network<float>&, double);
template double add_l2<double>(Network<double>&, double);

}  // namespace mlp
