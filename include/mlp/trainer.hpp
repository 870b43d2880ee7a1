// The training loop: epochs of shuffled mini-batches, lr decay, validation k times per
// epoch, early stopping with restore of the best weights, and the History of it all.
// Does not read configs or write files; the CLI does.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "mlp/data_source.hpp"
#include "mlp/metrics.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"

namespace mlp {

struct TrainSettings {
    int epochs = 10;
    int batch_size = 32;
    double lr = 0.1;
    OptimizerSettings optimizer;
    double l2 = 0.0;        // λ in λ·Σ‖W‖²
    double lr_decay = 1.0;  // lr of epoch e (from 1) = lr · lr_decay^(e−1)
    int validations_per_epoch = 5;
    int patience = 0;       // validation checks without a new best val loss before stopping; 0 → never stop
    std::uint64_t seed = 0;
    int threads = 1;
    bool full_train_metrics = false;  // train loss/acc over the whole train split at each check
};

struct HistoryRow {
    long step = 0;
    double epoch = 0.0;  // fractional: step / steps per epoch
    double train_loss = 0.0, train_acc = 0.0;
    double val_loss = 0.0, val_acc = 0.0;  // NaN without validation data
    double lr = 0.0;
    double seconds = 0.0;
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
    long best_step = 0;      // the step whose weights were kept
    double seconds = 0.0;
};

class Trainer {
public:
    Trainer(Network<float>& net, const TrainSettings& settings, const DataSplits& data);
    // Trains; calls progress after every step (cheap) and at every check.
    TrainResult run(const std::function<void(const Progress&)>& progress = {});
    Workspace<float>& eval_workspace() { return eval_ws_; }

private:
    HistoryRow check(long step, long steps_per_epoch, double lr, double train_loss,
                     double train_acc, double seconds);

    Network<float>& net_;
    TrainSettings settings_;
    const DataSplits& data_;
    Optimizer optimizer_;
    Workspace<float> ws_;
    Workspace<float> eval_ws_;
    Buffer<float> best_params_;
};

}  // namespace mlp
