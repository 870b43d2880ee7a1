// The network: flat Params and Grads over a ParamLayout, forward and backward through
// [Dropout →] Dense → Activation [→ Dropout] → … → Dense → SoftmaxCrossEntropy, each layer
// kind's maths in its own file (dense, activation, dropout, softmax_cross_entropy). The
// Workspace holds every activation, sized once for the largest batch, so a step
// allocates nothing. Dropout runs only in a training pass given its masks' stream.
#pragma once
#include <functional>
#include <vector>

#include "mlp/architecture.hpp"
#include "mlp/buffer.hpp"
#include "mlp/context.hpp"
#include "mlp/dropout.hpp"
#include "mlp/softmax_cross_entropy.hpp"

namespace mlp {

template <class T>
struct Workspace {
    Workspace(const ParamLayout& layout, int max_batch);
    // The floats a workspace of this layout and batch holds (one allocation).
    static std::size_t floats(const ParamLayout& layout, int max_batch);
    int max_batch;
    Buffer<T> storage;
    MatrixView<T> input;                 // X: (max_batch, D), filled by the Batcher
    std::vector<int> labels;             // y: max_batch class indices
    std::vector<MatrixView<T>> Z;        // pre-activations per layer: (max_batch, out_l)
    std::vector<MatrixView<T>> A;        // activations per hidden layer: (max_batch, out_l)
    MatrixView<T> grad_a, grad_b;        // back-propagated gradients: (max_batch, max width), ping-pong
    // With dropout only (else empty): the dropped input X ⊙ M_0 (max_batch, D), and per
    // hidden layer its mask M_l and dropped output D_l = A_l ⊙ M_l (max_batch, out_l).
    MatrixView<T> dropped_input;
    std::vector<MatrixView<T>> M, D;
    // What layer l hands to layer l + 1 (B rows): D_l in a pass with dropout, else A_l.
    MatrixView<T> handed(int l, int B, bool dropped) const { return (dropped ? D[l] : A[l]).top(B); }
};

// A data-parallel rank's part of a training pass: its B rows are a share of a batch of
// batch_rows (the loss gradient averages over all of them), and gradient_ready(l) is
// called as soon as backward has written layer l's gradients, from the last layer down,
// so their sum across ranks can start while the layers below are computed.
struct RowShare {
    int batch_rows = 0;
    std::function<void(int layer)> gradient_ready;
};

template <class T>
class Network {
public:
    explicit Network(const Architecture& arch);

    const Architecture& architecture() const { return arch_; }
    const ParamLayout& layout() const { return layout_; }
    bool has_dropout() const { return arch_.dropout > 0.0 || arch_.input_dropout > 0.0; }
    int layers() const { return static_cast<int>(layout_.layers.size()); }

    // Views of layer l's tensors inside any buffer of this layout (params, grads, state).
    MatrixView<T> weight(Buffer<T>& flat, int l) const;
    T* bias(Buffer<T>& flat, int l) const;  // nullptr when the layer has none
    ConstView<T> weight(const Buffer<T>& flat, int l) const;
    const T* bias(const Buffer<T>& flat, int l) const;

    // Forward pass on the first B rows of ws.input; returns the logits (B, K). From layer
    // `first` on, the input is what layer first − 1 hands on (ws.handed) instead. With a
    // dropout stream (training) the masks of its step are drawn and applied; without
    // one (evaluation) nothing is dropped.
    ConstView<T> forward(const Context& ctx, Workspace<T>& ws, int B, int first = 0,
                         const DropoutStream* dropout = nullptr) const;
    // Forward, loss against ws.labels, and backward; overwrites grads. Large products are
    // split over ctx's team by gemm(); with our kernel the bits do not depend on it.
    // With first > 0, only layers [first, L), on ws.handed(first − 1): their grads are
    // written and the gradient of that input (B × layers[first].in, not aliasing ws) goes
    // to input_grad. With a share, the rows are a rank's share of a larger batch (RowShare).
    // label_smoothing: the loss's ε (softmax_cross_entropy.hpp).
    LossResult forward_backward(const Context& ctx, Workspace<T>& ws, int B, int first = 0,
                                MatrixView<T> input_grad = {}, const DropoutStream* dropout = nullptr,
                                const RowShare* share = nullptr, double label_smoothing = 0.0);
    // Forward and loss only.
    LossResult evaluate(const Context& ctx, Workspace<T>& ws, int B) const;

    Buffer<T> params;
    Buffer<T> grads;

private:
    ConstView<T> input(Workspace<T>& ws, int B, const DropoutStream* dropout) const;

    Architecture arch_;
    ParamLayout layout_;
};

}  // namespace mlp
