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
// While shared, the shards hold the shared layers' current weights, optimizer state and
// gradients; the network and optimizer are the engine's alone and are read through
// network() and optimizer(), which copy the shards back first, so no reader ever sees an
// older copy.
//
// Dropout: masks come from their own stream (dropout.hpp) keyed by the optimizer step,
// so each rank draws its own slice of a mask and any team size trains on the same masks.
//
// Data-parallel (the context has a communicator of N > 1 ranks, e.g. processes under
// mpirun): every rank holds the whole network and, of a batch of B rows, the contiguous
// share batch_share(B, N, rank): rows [⌊r·B/N⌋, ⌊(r+1)·B/N⌋), so ranks differ by at most
// one row and a rank may hold none when B < N. Its rows keep their index in the batch for
// the dropout masks, and the loss gradient divides by B, not by the share, so the ranks'
// gradients sum to the batch's. Backward hands each layer's gradients to GradientBuckets,
// which sums them across ranks while the layers below are computed; then every rank
// applies the same update to the same weights. Within a rank the step runs the serial
// schedule, its large products split over the team by gemm() (the sharing by hidden
// units above is not combined with ranks). The result differs from one process's in the
// last bits only (sums in another order), and is the same for the same N, run after run.
#pragma once
#include <vector>

#include "mlp/dataset.hpp"
#include "mlp/gradient_buckets.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/regularization.hpp"

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

// The rows [begin, end) of a batch of B that rank `rank` of `ranks` trains on (see above).
Range batch_share(int B, int ranks, int rank);

struct StepResult {
    LossResult loss;
    bool finite = true;  // false when an updated parameter is NaN or Inf
};

// What a step applies besides the optimizer's rule.
struct StepRules {
    double l2 = 0.0;         // λ in λ·Σ‖W‖² (weights; biases too with l2_biases)
    double max_norm = 0.0;   // c: hidden units' incoming weight vectors kept to ‖w‖ ≤ c; 0 → off
    std::uint64_t seed = 0;  // the dropout masks' stream (the network's rates say if there are any)
    bool l2_biases = false;  // L2 on the bias vectors too (decay 2λ), as PyTorch's weight_decay
    Augmentation augment = {};  // of the rows gathered from a BatchRows (augment.hpp), drawn from seed's stream
    double label_smoothing = 0.0;  // ε of the loss (softmax_cross_entropy.hpp)
};

class TrainStep {
public:
    // Keeps a copy of ctx, owns the optimizer, and takes net over: from here on read and
    // change it through network() and writable_network(). Shares the step over ctx's team
    // where that pays.
    TrainStep(const Context& ctx, Network<float>& net, const OptimizerSettings& optimizer, const StepRules& rules = {});
    // The step on the B rows that `rows` names, with step size lr; the batch lands in
    // ws.input and ws.labels (augmented as the rules say), its gradients (without L2) in
    // network().grads.
    StepResult run(const BatchRows& rows, Workspace<float>& ws, int B, double lr);
    // The same on a batch already gathered into the first B rows of ws.input and ws.labels
    // (taken as it is: no augmentation).
    StepResult run(Workspace<float>& ws, int B, double lr);
    // The network (weights, and the last step's gradients) and the optimizer as they stand
    // after the last step; also the caller's net is up to date while nothing else runs.
    const Network<float>& network() const;
    const Optimizer& optimizer() const;
    // The same, to change (a restore, early stopping's best weights): the next step starts
    // from what they hold then.
    Network<float>& writable_network();
    Optimizer& writable_optimizer();
    // Whether run() shares the step over a team of `threads`, for workspaces of `batch` rows,
    // and how many leading hidden layers it shares (0: none; all of them: the whole step).
    bool shares(int threads, int batch) const;
    int shared_layers(int threads, int batch) const;
    // The pages kept free on either side of every rank's shard (tests fill them with NaN
    // and check that no step wrote there); empty until a step has been shared.
    std::vector<MatrixView<float>> guard_regions();

private:
    // One rank's slice of a hidden layer and where its packed tensors and activations live.
    struct Slice {
        int c0 = 0, w = 0;            // units [c0, c0 + w) of the layer
        std::size_t W = 0, b = 0;     // packed W_l[:, S] (in × w) and b_l[S] in the shard's tensors
        std::size_t Z = 0, A = 0;     // Z, A (B × w) in the shard's activations
        std::size_t M = 0, D = 0;     // with dropout: mask and A ⊙ M (B × w)
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
        std::size_t input = 0;        // ranks ≥ 1: their own copy of the batch (B × D),
        std::size_t dropped = 0;      // and with input dropout its masked copy (B × D)
    };

    StepResult run_serial(Workspace<float>& ws, int B, double lr);
    // Data-parallel: this rank's b rows of the batch of B, starting at batch row row0, are
    // in the first b rows of ws.
    StepResult run_ranks(Communicator& comm, Workspace<float>& ws, int B, int row0, int b, double lr);
    StepResult run_shared(const BatchRows* rows, Workspace<float>& ws, int B, double lr, int shared);
    LossResult run_top(Workspace<float>& ws, int B);
    LossResult output_gradient(Workspace<float>& ws, int rank, int B);
    float* output_dz(Workspace<float>& ws, int rank);  // dZ_out (B × K) as rank sees it
    bool update_layers(int first);
    float* raw_input(Workspace<float>& ws, int rank);  // the batch as rank sees it (B × D)
    float* input(Workspace<float>& ws, int rank);      // what its first layer reads: the batch, or masked
    const float* handed(const Shard& sh, const Slice& s) const;  // the slice of A (or A ⊙ M) passed up
    const DropoutStream* dropout() const { return net_.has_dropout() ? &masks_ : nullptr; }
    bool drops_hidden() const { return net_.architecture().dropout > 0.0; }
    bool drops_input() const { return net_.architecture().input_dropout > 0.0; }
    void build(int ranks, int batch, int shared);
    void pack(Shard& shard, bool to_shard) const;
    void sync() const;
    void forward_hidden(const BatchRows* rows, Workspace<float>& ws, int l, int rank, int B);
    void drop_input(Workspace<float>& ws, int rank, int B);
    void backward_hidden(Workspace<float>& ws, int l, int rank, int B);
    bool update_slice(int l, int rank);

    Context ctx_;
    Network<float>& net_;
    // sync() copies the shards back into the optimizer from const readers: the values a
    // reader sees do not change, only where they are kept.
    mutable Optimizer optimizer_;
    StepRules rules_;
    float decay_;          // l2_decay(λ)
    float bias_decay_;     // decay_ with l2_biases, else 0
    DropoutStream masks_;  // the stream at the step in progress
    AugmentStream augment_;  // the same for augmentation
    const AugmentStream* augmenting() const { return rules_.augment.active() ? &augment_ : nullptr; }
    GradientBuckets buckets_;  // data-parallel: the gradients' sums across ranks
    int batch_ = 0;
    int shared_ = 0;  // hidden layers the shards hold
    mutable std::vector<Shard> shards_;
    mutable bool in_shards_ = false;  // the shards hold the current weights; the network's copy is older
};

}  // namespace mlp
