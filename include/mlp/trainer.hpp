// The training loop: epochs of shuffled mini-batches, lr decay, validation k times per
// epoch, early stopping with restore of the best weights, and the History of it all.
// Its loop state (TrainState) is explicit so a checkpoint can stop and restart it at any
// step. Does not read configs, write files or install signal handlers; the CLI does.
#pragma once
#include <csignal>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "mlp/context.hpp"
#include "mlp/data_source.hpp"
#include "mlp/error.hpp"
#include "mlp/history.hpp"
#include "mlp/metrics.hpp"
#include "mlp/names.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/rng.hpp"
#include "mlp/schedule.hpp"
#include "mlp/train_step.hpp"

namespace mlp {

// What to do when the loss or a gradient is NaN or Inf.
enum class DivergencePolicy {
    stop,       // throw DivergenceError; the last checkpoint written stays the last good one
    reduce_lr,  // go back to the last good checkpoint, halve lr, carry on (divergence_retries times)
};
inline constexpr NamedValue<DivergencePolicy> kDivergencePolicyNames[] = {
    {"stop", DivergencePolicy::stop},
    {"reduce_lr", DivergencePolicy::reduce_lr},
};
DivergencePolicy parse_divergence_policy(const std::string& name);
std::string divergence_policy_name(DivergencePolicy policy);

struct TrainSettings {
    int epochs = 10;
    long max_steps = 0;     // stop after this many optimizer steps, mid-epoch if need be; 0 → no limit
    int batch_size = 32;    // B in 1..2^24 (larger is refused); B > N trains one step of all N rows per epoch
    double lr = 0.1;
    OptimizerSettings optimizer;
    double l2 = 0.0;        // λ in λ·Σ‖W‖²
    bool l2_biases = false; // λ·Σ‖b‖² too (PyTorch's weight_decay decays every parameter)
    double max_norm = 0.0;  // c: hidden units' incoming weight vectors kept to ‖w‖ ≤ c; 0 → off
    double label_smoothing = 0.0;  // ε of the training loss (softmax_cross_entropy.hpp); evaluation's is plain
    Augmentation augment;   // of the training batches (augment.hpp); images only
    double lr_decay = 1.0;  // lr of epoch e (from 1) = lr · lr_decay^(e−1)
    LrSchedule schedule;    // on top of lr_decay: step, cosine, warm-up (schedule.hpp)
    int validations_per_epoch = 5;
    int patience = 0;       // validation checks without a new best val loss before stopping; 0 → never stop
    std::uint64_t seed = 0;
    int threads = 1;        // the size of the team the Trainer runs on
    GemmBackend gemm = GemmBackend::automatic;
    bool full_train_metrics = false;  // train loss/acc over the whole train split at each check
    long checkpoint_every = 0;        // steps between checkpoints; 0 → only at epoch ends
    DivergencePolicy on_divergence = DivergencePolicy::stop;
    int divergence_retries = 5;       // reduce_lr: recoveries allowed before giving up
};

// Where the loop stands between two steps: with the weights and the optimizer state,
// everything a resumed run needs to continue bit for bit.
struct TrainState {
    int epoch = 0;            // the epoch in progress, from 1; 0 before the first
    long position = 0;        // steps done in this epoch
    long steps = 0;           // steps done in all
    int next_check = 0;       // index of this epoch's next validation check
    std::vector<int> order;   // this epoch's shuffled order of the N training rows
    Rng::State shuffle;       // the shuffle generator, after this epoch's shuffle
    double loss_sum = 0.0, correct = 0.0, seen = 0.0;  // running train metrics since the last check
    double best_val = std::numeric_limits<double>::infinity();  // early stopping
    int checks_without_improvement = 0;
    long best_step = 0;       // the step whose weights best_params hold
    bool stopped_early = false;
    double lr_scale = 1.0;    // halved at each recovery from divergence
    int divergence_retries = 0;
    double seconds = 0.0;     // training time spent so far, over all processes
    std::vector<HistoryRow> history;
};

// A restartable snapshot of a run; written and read by checkpoint.hpp.
struct Checkpoint {
    TrainState state;
    Buffer<float> params;       // the network's flat parameters
    Buffer<float> first;        // Optimizer::first (empty for sgd)
    Buffer<float> second;       // Optimizer::second (empty unless adam)
    std::int64_t optimizer_steps = 0;
    Buffer<float> best_params;  // early stopping's best weights (empty without patience)
    int batch_size = 0;         // B: with N = order.size(), fixes the steps per epoch
};

struct Progress {
    int epoch = 0, epochs = 0;
    long step = 0, steps_per_epoch = 0;
    double loss = 0.0, accuracy = 0.0;  // running means since the last check
    double seconds = 0.0;
    const HistoryRow* check = nullptr;  // set when this call reports a validation check
};

struct TrainResult {
    std::vector<HistoryRow> history;
    long steps = 0;
    int epochs = 0;          // epochs started
    bool stopped_early = false;
    bool interrupted = false;  // the stop flag was raised; a checkpoint was handed to the hook
    long best_step = 0;      // the step whose weights were kept
    double seconds = 0.0;
    // Of this run() call alone, wall seconds: the validation checks, and the checkpoints
    // taken and handed to the hook (writing them included); the rest of it is the steps.
    double check_seconds = 0.0, checkpoint_seconds = 0.0;
};

// Thrown when the loss or a gradient is not finite and the policy gives up; step names
// the step that diverged, last_good the step of the last checkpoint handed out (0: none).
class DivergenceError : public Error {
public:
    DivergenceError(const std::string& message, long step, long last_good)
        : Error(message), step(step), last_good(last_good) {}
    long step, last_good;
};

// Optional connections to the outside; all may be left empty.
struct TrainHooks {
    std::function<void(const Progress&)> progress;       // after every step (cheap) and at every check
    std::function<void(const Checkpoint&)> checkpoint;   // persists a checkpoint (every checkpoint_every
                                                         // steps, at epoch ends, at the end, on a stop)
    std::function<void(const std::string&)> notice;      // one-line messages, e.g. a divergence recovery
    const volatile std::sig_atomic_t* stop = nullptr;    // polled once per step; nonzero → checkpoint, return
};

class Trainer {
public:
    // Takes net over while it lives: read it through network() (evaluation, saving); after
    // run() returns, net itself is up to date too. With a communicator of N > 1 ranks every
    // step is data-parallel over them (train_step.hpp); each rank runs the same loop on the
    // same data and config, validates on the whole validation split (the same numbers on
    // every rank, so early stopping and lr decay agree without talking), a stop request on
    // any rank stops all at the same step, and at every checkpoint the ranks check that they
    // still hold the same weights. Hooks run on every rank: writing files is the caller's
    // choice (the CLI lets rank 0 alone write).
    Trainer(Network<float>& net, const TrainSettings& settings, const DataSplits& data, Communicator* comm = nullptr);
    // Continues from a checkpoint instead of starting afresh. Throws Error when it does not
    // fit this network, optimizer and data.
    void resume(const Checkpoint& checkpoint);
    // Trains until the last epoch, an early stop or a stop request.
    TrainResult run(const TrainHooks& hooks);
    TrainResult run(const std::function<void(const Progress&)>& progress = {});
    // The run as it stands now.
    Checkpoint checkpoint() const;
    const TrainState& state() const { return state_; }
    // Its team (settings.threads) and GEMM backend, for evaluating the trained network.
    const Context& context() const { return ctx_; }
    const Network<float>& network() const { return step_.network(); }
    long steps_per_epoch() const { return steps_per_epoch_; }
    Workspace<float>& eval_workspace() { return eval_ws_; }

private:
    void begin_epoch();
    // The lr of the step with index t (from 0): scheduled_lr, halved at each divergence recovery.
    double lr_at(long t) const;
    double lr() const { return lr_at(state_.steps); }  // of the next step
    bool step_limit_reached() const { return settings_.max_steps > 0 && state_.steps >= settings_.max_steps; }
    void restore(const Checkpoint& checkpoint);
    void record_step(const LossResult& batch, int b, double elapsed, const TrainHooks& hooks);
    [[noreturn]] void diverged(long last_good, const std::string& why) const;
    void check_ranks_agree();
    HistoryRow check(long step, long steps_per_epoch, double lr, double train_loss,
                     double train_acc, double seconds);

    TrainSettings settings_;
    const DataSplits& data_;
    ThreadTeam team_;
    Context ctx_;
    TrainStep step_;  // owns the network's weights and the optimizer while training
    Workspace<float> ws_;
    Workspace<float> eval_ws_;
    Buffer<float> best_params_;
    long steps_per_epoch_;  // S = ⌈N / B⌉
    long total_steps_;      // T = epochs · S, or max_steps when that is fewer
    int checks_per_epoch_;  // k
    TrainState state_;
    double check_seconds_ = 0.0;  // TrainResult::check_seconds of the run() in progress
};

}  // namespace mlp
