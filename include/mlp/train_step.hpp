// One optimisation step on a batch: gathering it, forward, loss, backward, L2 and the
// optimizer's update, on one thread or shared over the thread team. A schedule only: the
// layer maths is dense.hpp's, activation.hpp's and softmax_cross_entropy.hpp's, called on
// each rank's slices; what is its own is who runs which slice and the sums across ranks.
//
// Shared, every hidden layer's units are cut into one fixed slice per rank (16-aligned),
// and rank r computes and updates only what belongs to its units: the columns of W_l and
// b_l into them, and the rows of the output layer's W out of them. Each rank keeps those
// weights, their gradients and optimizer state packed in a shard of its own, with its
// activations, so nothing it writes shares a cache line, or a prefetched neighbour, with
// another rank's: the two cores of the development machine updating alternate halves of
// W1's rows took 21 µs, contiguous halves 1.7 µs (bench/NOTES.md). Phases, each one team job:
//   forward, hidden layer l:  in = [A_{l−1} slices of every rank] (X for l = 0),
//                             Z_l[:, S_r] = in·W_l[:, S_r] + b_l[S_r], A_l = f(Z_l);
//                             the last one also forms the partial logits A[:, S_r]·W_out[S_r, :]
//   backward, hidden layer l: (the last: logits = Σ_r partial_r in rank order, softmax
//                             cross-entropy and dZ_out, repeated on every rank)
//                             dA_l[:, S_r] = Σ_q partial_q[:, S_r] (or dZ_out·W_out[S_r, :]ᵀ),
//                             dZ_l = dA_l ⊙ f'(Z_l), dW_l[:, S_r] = inᵀ·dZ_l[:, S_r],
//                             partial_r = dZ_l[:, S_r]·W_l[:, S_r]ᵀ, then the update
// so a network with H hidden layers takes 2H hand-offs per step. Where the mean phase is
// too small for that (deep, narrow nets), only the leading layers whose own phase is large
// enough are shared, s of them, and the caller runs the rest between the two halves:
//   caller:                   A_{s−1} from every rank's slice, layers [s, L) forward, loss,
//                             backward to dA_{s−1} and their update, all in the network itself
// which keeps 2s hand-offs and moves only A_{s−1} and dA_{s−1} between cores; with s = 0
// the step runs on one thread. The sums run in rank order, so the result is fixed by the
// team size (it differs from one thread's in the last bits). Softmax regression has no
// hidden units to share and runs on one thread.
//
// While shared, the shards hold the shared layers' current weights: sync() writes them,
// their optimizer state and the last step's gradients back into the network and
// optimizer, and must be called before anything reads or changes those (evaluation,
// checkpoints, a restore).
#pragma once
#include <vector>

#include "mlp/dataset.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"

namespace mlp {

// The rows a step trains on: order[0..B) index into subset. Each thread that needs the
// batch gathers it itself (uint8 → normalised float), so the batch never has to cross
// from one core's cache to another's as floats.
struct BatchRows {
    const Subset* subset = nullptr;
    const int* order = nullptr;
    const Normalizer* norm = nullptr;
    // The next step's rows, which every thread that gathers asks the memory system for once
    // it has its own batch: a line fetched by one core reaches the other's cache slowly.
    const int* next = nullptr;
    int next_count = 0;
};

struct StepResult {
    LossResult loss;
    bool finite = true;  // false when an updated parameter is NaN or Inf
};

class TrainStep {
public:
    // l2: λ in λ·Σ‖W‖² (weights only). Keeps a copy of ctx and references to net and optimizer; shares
    // the step over ctx's team where that pays.
    TrainStep(const Context& ctx, Network<float>& net, Optimizer& optimizer, double l2);
    // The step on the B rows that `rows` names, with step size lr; the batch lands in
    // ws.input and ws.labels, its gradients (without L2) in net.grads (after sync() when
    // shared).
    StepResult run(const BatchRows& rows, Workspace<float>& ws, int B, double lr);
    // The same on a batch already gathered into the first B rows of ws.input and ws.labels.
    StepResult run(Workspace<float>& ws, int B, double lr);
    // Brings net.params, net.grads and the optimizer state up to date; the next shared
    // step reads the weights from them again.
    void sync();
    // Whether run() shares the step over a team of `threads`, for workspaces of `batch` rows,
    // and how many leading hidden layers it shares (0: none; all of them: the whole step).
    bool shares(int threads, int batch) const;
    int shared_layers(int threads, int batch) const;

private:
    // One rank's slice of a hidden layer and where its packed tensors and activations live.
    struct Slice {
        int c0 = 0, w = 0;            // units [c0, c0 + w) of the layer
        std::size_t W = 0, b = 0;     // packed W_l[:, S] (in × w) and b_l[S] in the shard's tensors
        std::size_t Z = 0, A = 0;     // Z, A (B × w) in the shard's activations
        std::size_t in = 0;           // layer ≥ 1: the full input (B × in), gathered from every rank
    };
    struct Shard {
        std::vector<Slice> layers;    // one per shared hidden layer
        // Every hidden layer shared: W_out[S, :] (w × K) of the last one's slice, and b_out.
        std::size_t W_out = 0, b_out = 0;
        std::size_t out_logits = 0, out_dz = 0;  // and, ranks ≥ 1, their own logits and dZ_out (B × K)
        std::size_t grad_in = 0;      // otherwise, rank 0: dL/dA of the last shared layer (B × its width)
        Buffer<float> memory;         // one allocation per shard, with a guard page each side
        float* w = nullptr;           // packed parameters,
        float* g = nullptr;           // their gradients,
        float* m = nullptr;           // optimizer state (null when the optimizer has none)
        float* s = nullptr;
        float* act = nullptr;         // activations, dZ, partial products
        std::size_t dz = 0, logits = 0, partial[2] = {0, 0};
        std::size_t input = 0;        // ranks ≥ 1: their own copy of the batch (B × D)
    };

    StepResult run_serial(Workspace<float>& ws, int B, double lr);
    StepResult run_shared(const BatchRows* rows, Workspace<float>& ws, int B, double lr, int shared);
    LossResult run_top(Workspace<float>& ws, int B);
    LossResult output_gradient(Workspace<float>& ws, int rank, int B);
    float* output_dz(Workspace<float>& ws, int rank);  // dZ_out (B × K) as rank sees it
    bool update_layers(int first);
    float* input(Workspace<float>& ws, int rank);  // the batch as rank sees it (B × D)
    void build(int ranks, int batch, int shared);
    void pack(Shard& shard, bool to_shard);
    void forward_hidden(const BatchRows* rows, Workspace<float>& ws, int l, int rank, int B);
    void backward_hidden(Workspace<float>& ws, int l, int rank, int B);
    bool update_slice(int l, int rank);

    Context ctx_;
    Network<float>& net_;
    Optimizer& optimizer_;
    float decay_;  // 2λ
    int batch_ = 0;
    int shared_ = 0;  // hidden layers the shards hold
    std::vector<Shard> shards_;
    bool in_shards_ = false;  // the shards hold the current weights; the network's copy is older
};

}  // namespace mlp
