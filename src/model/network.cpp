// Network forward/backward over the flat parameter buffer.
#include "mlp/network.hpp"

#include "mlp/dense.hpp"

namespace mlp {

template <class T>
Workspace<T>::Workspace(const ParamLayout& layout, int batch) : max_batch(batch), labels(batch) {
    const std::size_t B = batch;
    std::size_t total = B * layout.layers[0].in + 2 * B * layout.max_width();
    for (const auto& layer : layout.layers) total += 2 * B * layer.out;
    storage = Buffer<T>(total);
    T* p = storage.data();
    auto take = [&](int cols) {
        MatrixView<T> view(p, batch, cols);
        p += B * cols;
        return view;
    };
    input = take(layout.layers[0].in);
    for (const auto& layer : layout.layers) {
        Z.push_back(take(layer.out));
        A.push_back(take(layer.out));
    }
    grad_a = take(layout.max_width());
    grad_b = take(layout.max_width());
}

template <class T>
Network<T>::Network(const Architecture& arch)
    : params(ParamLayout(arch).buffer_size), grads(params.size()), arch_(arch), layout_(arch) {}

template <class T>
MatrixView<T> Network<T>::weight(Buffer<T>& flat, int l) const {
    const auto& layer = layout_.layers[l];
    return MatrixView<T>(flat.data() + layer.w_offset, layer.in, layer.out);
}

template <class T>
T* Network<T>::bias(Buffer<T>& flat, int l) const {
    const auto& layer = layout_.layers[l];
    return layer.has_bias ? flat.data() + layer.b_offset : nullptr;
}

template <class T>
ConstView<T> Network<T>::weight(const Buffer<T>& flat, int l) const {
    const auto& layer = layout_.layers[l];
    return ConstView<T>(flat.data() + layer.w_offset, layer.in, layer.out);
}

template <class T>
const T* Network<T>::bias(const Buffer<T>& flat, int l) const {
    const auto& layer = layout_.layers[l];
    return layer.has_bias ? flat.data() + layer.b_offset : nullptr;
}

template <class T>
ConstView<T> Network<T>::forward(const Context& ctx, Workspace<T>& ws, int B, int first) const {
    ConstView<T> x = first == 0 ? ws.input.top(B) : ws.A[first - 1].top(B);
    const int L = layers();
    for (int l = first; l < L; ++l) {
        MatrixView<T> z = ws.Z[l].top(B);
        if (l == L - 1) {
            dense_forward<T>(ctx, x, weight(params, l), bias(params, l), z);
            return z;
        }
        dense_activation_forward<T>(ctx, x, weight(params, l), bias(params, l), z, arch_.activation, ws.A[l].top(B));
        x = ws.A[l].top(B);
    }
    return x;
}

template <class T>
LossResult Network<T>::evaluate(const Context& ctx, Workspace<T>& ws, int B) const {
    ConstView<T> logits = forward(ctx, ws, B);
    return softmax_cross_entropy<T>(logits, ws.labels.data(), MatrixView<T>());
}

// Forward, loss and backward of the first B rows, on the calling thread (products large
// enough split themselves over ctx's team, gemm.cpp). A training step on a team is
// TrainStep's: it shares the step by hidden units, not by rows of the batch (a half-batch
// per core was measured slower, bench/NOTES.md rows 15-17).
template <class T>
LossResult Network<T>::forward_backward(const Context& ctx, Workspace<T>& ws, int B, int first,
                                        MatrixView<T> input_grad) {
    const int L = layers();
    auto rows = [&](MatrixView<T> m) { return m.top(B); };
    ConstView<T> logits = forward(ctx, ws, B, first);
    const int K = layout_.layers.back().out;
    MatrixView<T> dz(ws.grad_a.row(0), B, K);
    LossResult result = softmax_cross_entropy<T>(logits, ws.labels.data(), dz);
    T* spare = ws.grad_b.row(0);
    for (int l = L - 1; l >= first; --l) {
        ConstView<T> in = l == 0 ? ConstView<T>(rows(ws.input)) : ConstView<T>(rows(ws.A[l - 1]));
        MatrixView<T> dx = l == 0 ? MatrixView<T>() : MatrixView<T>(spare, B, layout_.layers[l].in);
        if (l == first && first > 0) dx = input_grad.top(B);
        dense_backward<T>(ctx, in, weight(params, l), dz, weight(grads, l), bias(grads, l), dx);
        if (l == first) break;
        // dZ_{l-1} = dA_{l-1} ⊙ f'(Z_{l-1}), in place.
        activation_backward<T>(arch_.activation, rows(ws.Z[l - 1]), rows(ws.A[l - 1]), dx, dx);
        spare = dz.data;
        dz = dx;
    }
    return result;
}

template struct Workspace<float>;
template struct Workspace<double>;
template class Network<float>;
template class Network<double>;

}  // namespace mlp
