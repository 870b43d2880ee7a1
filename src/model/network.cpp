// Network forward/backward over the flat parameter buffer.
#include "mlp/network.hpp"

#include "mlp/dense.hpp"
#include "mlp/memory.hpp"

namespace mlp {

template <class T>
std::size_t Workspace<T>::floats(const ParamLayout& layout, int batch) {
    const std::size_t B = batch;
    const std::size_t L = layout.layers.size();
    std::size_t total = B * layout.layers[0].in * (layout.dropout ? 2 : 1) + 2 * B * layout.max_width();
    for (std::size_t l = 0; l < L; ++l)  // Z, A, and with dropout the hidden layers' M, D
        total += (layout.dropout && l + 1 < L ? 4 : 2) * B * layout.layers[l].out;
    return total;
}

template <class T>
Workspace<T>::Workspace(const ParamLayout& layout, int batch) : max_batch(batch), labels(batch) {
    const std::size_t B = batch, L = layout.layers.size();
    storage = Buffer<T>(floats(layout, batch));
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
    if (!layout.dropout) return;
    dropped_input = take(layout.layers[0].in);
    for (std::size_t l = 0; l + 1 < L; ++l) {
        M.push_back(take(layout.layers[l].out));
        D.push_back(take(layout.layers[l].out));
    }
}

// Params and Grads, checked against the machine's memory before either is allocated.
template <class T>
std::size_t checked_size(const Architecture& arch) {
    const ParamLayout layout(arch);
    require_memory(2.0 * double(layout.buffer_size) * sizeof(T),
                   "model: " + std::to_string(layout.parameters) + " parameters (weights and gradients)");
    return layout.buffer_size;
}

template <class T>
Network<T>::Network(const Architecture& arch)
    : params(checked_size<T>(arch)), grads(params.size()), arch_(arch), layout_(arch) {}

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

// The batch the first layer sees: X, or with input dropout X ⊙ M_0 (drawn into
// ws.dropped_input, which holds the mask and then the product).
template <class T>
ConstView<T> Network<T>::input(Workspace<T>& ws, int B, const DropoutStream* dropout) const {
    if (!dropout || arch_.input_dropout == 0.0) return ws.input.top(B);
    const MatrixView<T> x = ws.dropped_input.top(B);
    dropout_forward<T>(*dropout, input_mask_layer, arch_.input_dropout, 0, ws.input.top(B), x, x);
    return x;
}

template <class T>
ConstView<T> Network<T>::forward(const Context& ctx, Workspace<T>& ws, int B, int first,
                                 const DropoutStream* dropout) const {
    const bool dropped = dropout && arch_.dropout > 0.0;
    ConstView<T> x = first == 0 ? input(ws, B, dropout) : ConstView<T>(ws.handed(first - 1, B, dropped));
    const int L = layers();
    for (int l = first; l < L; ++l) {
        MatrixView<T> z = ws.Z[l].top(B);
        if (l == L - 1) {
            dense_forward<T>(ctx, x, weight(params, l), bias(params, l), z);
            return z;
        }
        dense_activation_forward<T>(ctx, x, weight(params, l), bias(params, l), z, arch_.activation, ws.A[l].top(B));
        if (dropped)
            dropout_forward<T>(*dropout, hidden_mask_layer(l), arch_.dropout, 0, ws.A[l].top(B), ws.M[l].top(B),
                               ws.D[l].top(B));
        x = ws.handed(l, B, dropped);
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
                                        MatrixView<T> input_grad, const DropoutStream* dropout,
                                        const RowShare* share, double label_smoothing) {
    const int L = layers();
    const bool dropped = dropout && arch_.dropout > 0.0;
    ConstView<T> logits = forward(ctx, ws, B, first, dropout);
    const int K = layout_.layers.back().out;
    MatrixView<T> dz(ws.grad_a.row(0), B, K);
    LossResult result =
        softmax_cross_entropy<T>(logits, ws.labels.data(), dz, share ? share->batch_rows : 0, label_smoothing);
    T* spare = ws.grad_b.row(0);
    for (int l = L - 1; l >= first; --l) {
        const bool masked_input = dropout && arch_.input_dropout > 0.0;
        const ConstView<T> in = l > 0        ? ws.handed(l - 1, B, dropped)
                                : masked_input ? ws.dropped_input.top(B)
                                               : ws.input.top(B);
        MatrixView<T> dx = l == 0 ? MatrixView<T>() : MatrixView<T>(spare, B, layout_.layers[l].in);
        if (l == first && first > 0) dx = input_grad.top(B);
        dense_backward<T>(ctx, in, weight(params, l), dz, weight(grads, l), bias(grads, l), dx);
        if (share && share->gradient_ready) share->gradient_ready(l);
        if (l == first) break;
        // dZ_{l-1} = (dD_{l-1} ⊙ M_{l-1}) ⊙ f'(Z_{l-1}), in place.
        if (dropped) dropout_backward<T>(ws.M[l - 1].top(B), dx);
        activation_backward<T>(arch_.activation, ws.Z[l - 1].top(B), ws.A[l - 1].top(B), dx, dx);
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
