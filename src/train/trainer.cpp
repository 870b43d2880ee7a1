// The training loop. Per step, TrainStep gathers the batch (uint8 → float) and runs
// forward, backward, L2 and the update; the loop then checks for NaN/Inf. Nothing is
// allocated inside a step. All loop state lives in TrainState, so run() can stop after any
// step and resume() restart there.
#include "mlp/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>

#include "mlp/clock.hpp"
#include "mlp/float_env.hpp"
#include "mlp/memory.hpp"


namespace mlp {
namespace {

constexpr int kEvalBatch = 1000;

// A batch above this many rows is refused as a mistake (1e8 rows of workspace would run out
// of memory); up to it, a batch larger than the N training rows is one step over all N, so
// the workspaces are sized for min(B, N) rows.
constexpr int kMaxBatchSize = 1 << 24;

// Rows a training workspace holds: B, or N when the batch is larger than the training split.
int workspace_rows(const TrainSettings& settings, const DataSplits& data) {
    return std::min(settings.batch_size, data.train.size());
}

// Checked before any member is built, so a bad batch size or a step that cannot fit in
// memory allocates nothing: the optimizer state and the two workspaces (training and
// evaluation) on top of the network's parameters and gradients.
const TrainSettings& checked(const TrainSettings& settings, const DataSplits& data, const Network<float>& net) {
    require(settings.batch_size >= 1 && settings.batch_size <= kMaxBatchSize,
            "train.batch_size: " + std::to_string(settings.batch_size) + " rows per step (expected 1.." +
                std::to_string(kMaxBatchSize) + "; a batch larger than the training rows is one step over all of them)");
    require(data.train.size() > 0, "data: the training split is empty");
    require(settings.label_smoothing >= 0.0 && settings.label_smoothing < 1.0,
            "train.label_smoothing: expected ε in [0, 1)");
    const Dataset& images = *data.train.data;
    check_augmentable(settings.augment, images.image_shape, images.features, images.name);
    const ParamLayout& layout = net.layout();
    const int rows = workspace_rows(settings, data);
    const double workspaces = double(Workspace<float>::floats(layout, rows)) +
                              double(Workspace<float>::floats(layout, std::max(rows, kEvalBatch)));
    const int states = Optimizer::state_buffers(settings.optimizer.kind);
    require_memory(sizeof(float) * (double(layout.buffer_size) * (2 + states) + workspaces),
                   "train: a step of batch " + std::to_string(settings.batch_size) + " on " +
                       std::to_string(layout.parameters) + " parameters (weights, gradients, optimizer state, workspaces)");
    return settings;
}

// The step (1-based, within an epoch of S steps) after which check j of k happens.
long check_step(long S, int k, int j) { return (S * (j + 1) + k - 1) / k; }

std::string number(double x) {
    if (std::isnan(x)) return "NaN";  // printf writes "nan" or "-nan" by the sign bit
    if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", x);
    return text;
}

}  // namespace

DivergencePolicy parse_divergence_policy(const std::string& name) {
    return parse_named(kDivergencePolicyNames, name, "divergence policy");
}

std::string divergence_policy_name(DivergencePolicy policy) { return name_of(kDivergencePolicyNames, policy); }

Trainer::Trainer(Network<float>& net, const TrainSettings& settings, const DataSplits& data, Communicator* comm)
    : settings_(checked(settings, data, net)),
      data_(data),
      team_(settings.threads),
      ctx_{&team_, settings.gemm, comm},
      step_(ctx_, net, settings.optimizer,
            StepRules{settings.l2, settings.max_norm, settings.seed, settings.l2_biases, settings.augment,
                      settings.label_smoothing}),
      ws_(net.layout(), workspace_rows(settings_, data)),
      eval_ws_(net.layout(), std::max(workspace_rows(settings_, data), kEvalBatch)) {
    require(data.train.data->features == net.architecture().inputs,
            "model: the network takes " + std::to_string(net.architecture().inputs) + " inputs but the data has " +
                std::to_string(data.train.data->features) + " features");
    require(settings.patience == 0 || data.validation.size() > 0,
            "train.patience: early stopping needs validation data (set data.validation)");
    if (settings.patience > 0) best_params_ = Buffer<float>(net.params.size());
    const int N = data.train.size(), B = settings.batch_size;
    steps_per_epoch_ = (static_cast<long>(N) + B - 1) / B;  // in 64 bits: N + B − 1 overflows an int
    total_steps_ = steps_per_epoch_ * settings.epochs;
    if (settings.max_steps > 0) total_steps_ = std::min(total_steps_, settings.max_steps);
    checks_per_epoch_ = static_cast<int>(std::max(1L, std::min<long>(settings.validations_per_epoch, steps_per_epoch_)));
    state_.order.resize(N);
    std::iota(state_.order.begin(), state_.order.end(), 0);
    state_.shuffle = Rng::for_purpose(settings.seed, "shuffle").state();
}

void Trainer::begin_epoch() {
    ++state_.epoch;
    state_.position = 0;
    state_.next_check = 0;
    state_.loss_sum = state_.correct = state_.seen = 0.0;
    // Each epoch shuffles the previous epoch's order, as one stream from the seed.
    Rng rng(0);
    rng.restore(state_.shuffle);
    rng.shuffle(state_.order);
    state_.shuffle = rng.state();
}

double Trainer::lr_at(long t) const {
    return scheduled_lr(settings_.schedule, settings_.lr, settings_.lr_decay, t, steps_per_epoch_, total_steps_) *
           state_.lr_scale;
}

namespace {
bool all_finite(const Buffer<float>& b) {
    int bad = 0;  // no early exit: the loop vectorises
    for (float v : b) bad |= !std::isfinite(v);
    return bad == 0;
}
}  // namespace

HistoryRow Trainer::check(long step, long steps_per_epoch, double lr, double train_loss,
                          double train_acc, double seconds) {
    HistoryRow row;
    row.step = step;
    row.epoch = double(step) / steps_per_epoch;
    row.lr = lr;
    row.seconds = seconds;
    row.train_loss = train_loss;
    row.train_acc = train_acc;
    if (settings_.full_train_metrics) {
        const Evaluation train = evaluate(ctx_, step_.network(), eval_ws_, data_.train, data_.normalizer);
        row.train_loss = train.loss;
        row.train_acc = train.accuracy;
    }
    row.val_loss = row.val_acc = std::numeric_limits<double>::quiet_NaN();
    if (data_.validation.size() > 0) {
        const Evaluation val = evaluate(ctx_, step_.network(), eval_ws_, data_.validation, data_.normalizer);
        row.val_loss = val.loss;
        row.val_acc = val.accuracy;
    }
    return row;
}

// After an optimizer step: running metrics, the validation check if one is due (with
// early stopping), and the progress report.
void Trainer::record_step(const LossResult& batch, int b, double elapsed, const TrainHooks& hooks) {
    TrainState& st = state_;
    ++st.steps;
    ++st.position;
    st.loss_sum += batch.loss * b;
    st.correct += batch.correct;
    st.seen += b;
    Progress p;
    p.epoch = st.epoch;
    p.epochs = settings_.epochs;
    p.step = st.steps;
    p.steps_per_epoch = steps_per_epoch_;
    p.loss = st.loss_sum / st.seen;
    p.accuracy = st.correct / st.seen;
    p.seconds = elapsed;
    // A run cut short by max_steps still ends with a validation check.
    if (st.position == check_step(steps_per_epoch_, checks_per_epoch_, st.next_check) || step_limit_reached()) {
        ++st.next_check;
        const double check_start = now_seconds();
        st.history.push_back(check(st.steps, steps_per_epoch_, lr_at(st.steps - 1), p.loss, p.accuracy, elapsed));
        check_seconds_ += now_seconds() - check_start;
        const HistoryRow& row = st.history.back();
        st.loss_sum = st.correct = st.seen = 0.0;
        p.check = &row;
        if (settings_.patience > 0) {
            if (row.val_loss < st.best_val) {
                st.best_val = row.val_loss;
                st.checks_without_improvement = 0;
                st.best_step = st.steps;
                best_params_.copy_from(step_.network().params);
            } else if (++st.checks_without_improvement >= settings_.patience) {
                st.stopped_early = true;
            }
        }
    }
    if (hooks.progress) hooks.progress(p);
}

void Trainer::diverged(long last_good, const std::string& why) const {
    const long step = state_.steps + 1;
    std::string message = "training diverged at step " + std::to_string(step) + " (epoch " +
                          std::to_string(state_.epoch) + "): " + why;
    if (state_.divergence_retries > 0)
        message += ", after halving lr " + std::to_string(state_.divergence_retries) + " times (now " + number(lr()) + ")";
    message += "; lower train.lr";
    if (settings_.on_divergence == DivergencePolicy::stop)
        message += " or set train.on_divergence = \"" + divergence_policy_name(DivergencePolicy::reduce_lr) + "\"";
    throw DivergenceError(message, step, last_good);
}

TrainResult Trainer::run(const std::function<void(const Progress&)>& progress) {
    TrainHooks hooks;
    hooks.progress = progress;
    return run(hooks);
}

TrainResult Trainer::run(const TrainHooks& hooks) {
    const FlushSubnormals flush;  // the team's jobs flush too (float_env.hpp)
    const int N = data_.train.size();
    const int B = settings_.batch_size;
    const long S = steps_per_epoch_;
    const double start = now_seconds() - state_.seconds;
    TrainResult result;
    check_seconds_ = 0.0;
    double checkpoint_start = now_seconds();
    Checkpoint last_good = checkpoint();  // where a divergence goes back to
    result.checkpoint_seconds = now_seconds() - checkpoint_start;
    auto finished = [&] {
        return state_.stopped_early || state_.epoch > settings_.epochs || step_limit_reached() ||
               (state_.epoch == settings_.epochs && state_.position == S);
    };

    while (!finished()) {
        if (state_.epoch == 0 || state_.position == S) begin_epoch();
        const int b = static_cast<int>(std::min<long>(B, N - state_.position * B));
        const int* rows = state_.order.data() + state_.position * B;
        // The next batch's rows start loading into cache while this one computes.
        const int next = state_.position + 1 < S ? static_cast<int>(std::min<long>(B, N - (state_.position + 1) * B)) : 0;
        const StepResult step = step_.run(BatchRows{&data_.train, rows, &data_.normalizer, next ? rows + B : nullptr, next}, ws_, b, lr());
        const LossResult& batch = step.loss;

        // A non-finite loss or gradient, or an update that overflows a weight, is caught
        // before the step counts, so no checkpoint ever holds a NaN or Inf. A NaN or Inf
        // gradient always makes a weight one, so the gradients are only read when it did.
        std::string why;
        if (!std::isfinite(batch.loss)) why = "the loss is " + number(batch.loss);
        else if (!step.finite) {
            why = all_finite(step_.network().grads) ? "the update made a weight NaN or Inf" : "a gradient is NaN or Inf";
        }
        if (!why.empty()) {
            if (settings_.on_divergence == DivergencePolicy::stop ||
                state_.divergence_retries >= settings_.divergence_retries)
                diverged(last_good.state.steps, why);
            const long at = state_.steps + 1;
            const double lr_scale = state_.lr_scale * 0.5;
            const int retries = state_.divergence_retries + 1;
            restore(last_good);
            state_.lr_scale = lr_scale;
            state_.divergence_retries = retries;
            if (hooks.notice)
                hooks.notice("training diverged at step " + std::to_string(at) + ": " + why + "; back to step " +
                             std::to_string(state_.steps) + " with lr halved to " + number(lr()) + " (retry " +
                             std::to_string(retries) + " of " + std::to_string(settings_.divergence_retries) + ")");
            continue;
        }
        record_step(batch, b, now_seconds() - start, hooks);

        bool stop = hooks.stop != nullptr && *hooks.stop != 0;
        if (Communicator* comm = ctx_.ranks()) stop = comm->any(stop);
        const bool due = (settings_.checkpoint_every > 0 && state_.steps % settings_.checkpoint_every == 0) ||
                         state_.position == S || finished();
        if (due || stop) {
            check_ranks_agree();
            checkpoint_start = now_seconds();
            state_.seconds = checkpoint_start - start;
            last_good = checkpoint();
            if (hooks.checkpoint) hooks.checkpoint(last_good);
            result.checkpoint_seconds += now_seconds() - checkpoint_start;
        }
        if (stop) {
            result.interrupted = true;
            break;
        }
    }
    state_.seconds = now_seconds() - start;
    Network<float>& net = step_.writable_network();  // also brings the caller's net up to date
    if (!result.interrupted) {
        if (settings_.patience > 0 && state_.best_step > 0) net.params.copy_from(best_params_);
        else state_.best_step = state_.steps;
    }
    result.history = state_.history;
    result.steps = state_.steps;
    result.epochs = state_.epoch;
    result.stopped_early = state_.stopped_early;
    result.best_step = state_.best_step;
    result.seconds = state_.seconds;
    result.check_seconds = check_seconds_;
    return result;
}

// Data-parallel ranks apply the same update to the same weights, so they must hold the same
// bits; a difference (an MPI whose sums differ between ranks, a rank on other data) would
// make the checkpoint rank 0 writes a lie, so it stops the run.
void Trainer::check_ranks_agree() {
    Communicator* comm = ctx_.ranks();
    if (!comm) return;
    const Buffer<float>& params = step_.network().params;
    std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a over the weights' 32-bit words
    for (float v : params) {
        std::uint32_t word;
        std::memcpy(&word, &v, sizeof word);
        hash = (hash ^ word) * 0x100000001b3ULL;
    }
    const std::vector<int> differing = ranks_differing(*comm, hash);
    std::string list;
    for (int r : differing) list += (list.empty() ? "" : ", ") + std::to_string(r);
    require(differing.empty(), "data-parallel training: rank(s) " + list + " hold weights that differ from rank 0's at step " +
                                   std::to_string(state_.steps) + " (every rank must apply the same update)");
}

Checkpoint Trainer::checkpoint() const {
    Checkpoint c;
    c.state = state_;
    const Optimizer& optimizer = step_.optimizer();
    c.params = step_.network().params;
    c.first = optimizer.first;
    c.second = optimizer.second;
    c.optimizer_steps = optimizer.steps;
    c.best_params = best_params_;
    c.batch_size = settings_.batch_size;
    return c;
}

void Trainer::restore(const Checkpoint& c) {
    Optimizer& optimizer = step_.writable_optimizer();
    step_.writable_network().params.copy_from(c.params);
    optimizer.first.copy_from(c.first);
    optimizer.second.copy_from(c.second);
    optimizer.steps = c.optimizer_steps;
    if (best_params_.size() > 0 && c.best_params.size() > 0) best_params_.copy_from(c.best_params);
    state_ = c.state;
}

void Trainer::resume(const Checkpoint& c) {
    const TrainState& st = c.state;
    const std::string what = "checkpoint: ";
    const std::size_t parameters = step_.network().params.size();
    require(c.params.size() == parameters,
            what + "it holds " + std::to_string(c.params.size()) + " parameters, the network of this config has " +
                std::to_string(parameters) + " (were the [model] settings changed?)");
    const Optimizer& optimizer = step_.optimizer();
    require(c.first.size() == optimizer.first.size() && c.second.size() == optimizer.second.size(),
            what + "its optimizer state does not fit train.optimizer = \"" +
                optimizer_name(settings_.optimizer.kind) + "\" (was the optimizer changed?)");
    require(st.order.size() == state_.order.size(),
            what + "it was made with " + std::to_string(st.order.size()) + " training rows, the data now has " +
                std::to_string(state_.order.size()) + " (were the [data] settings changed?)");
    require(c.batch_size == settings_.batch_size,
            what + "it was made with train.batch_size = " + std::to_string(c.batch_size) + ", the config has " +
                std::to_string(settings_.batch_size));
    require(st.epoch >= 0 && st.position >= 0 && st.position <= steps_per_epoch_ && (st.epoch > 0 || st.position == 0),
            what + "epoch " + std::to_string(st.epoch) + " position " + std::to_string(st.position) +
                " is outside an epoch of " + std::to_string(steps_per_epoch_) + " steps");
    require(st.next_check >= 0 && st.next_check <= checks_per_epoch_,
            what + "validation check " + std::to_string(st.next_check) + " is outside the " +
                std::to_string(checks_per_epoch_) + " checks of an epoch (was train.validations_per_epoch changed?)");
    require(settings_.patience == 0 || st.best_step == 0 || c.best_params.size() == parameters,
            what + "early stopping needs the best weights, which it does not hold");
    restore(c);
}

}  // namespace mlp
