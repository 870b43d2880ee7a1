// The training loop. Per step: gather a batch (uint8 → float), forward, backward, L2,
// one flat optimizer update; nothing is allocated inside the loop.
#include "mlp/trainer.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "mlp/error.hpp"
#include "mlp/gemm.hpp"
#include "mlp/regularization.hpp"
#include "mlp/rng.hpp"

namespace mlp {
namespace {

constexpr int kEvalBatch = 1000;

double now_seconds() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

// The step (1-based, within an epoch of S steps) after which check j of k happens.
long check_step(long S, int k, int j) { return (S * (j + 1) + k - 1) / k; }

}  // namespace

Trainer::Trainer(Network<float>& net, const TrainSettings& settings, const DataSplits& data)
    : net_(net),
      settings_(settings),
      data_(data),
      optimizer_(settings.optimizer, net.params.size()),
      ws_(net.layout(), settings.batch_size),
      eval_ws_(net.layout(), std::max(settings.batch_size, kEvalBatch)) {
    require(data.train.size() > 0, "data: the training split is empty");
    require(data.train.data->features == net.architecture().inputs,
            "model: the network takes " + std::to_string(net.architecture().inputs) + " inputs but the data has " +
                std::to_string(data.train.data->features) + " features");
    require(settings.patience == 0 || data.validation.size() > 0,
            "train.patience: early stopping needs validation data (set data.validation)");
    set_gemm_threads(settings.threads);
    if (settings.patience > 0) best_params_ = Buffer<float>(net.params.size());
}

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
        const Evaluation train = evaluate(net_, eval_ws_, data_.train, data_.normalizer);
        row.train_loss = train.loss;
        row.train_acc = train.accuracy;
    }
    row.val_loss = row.val_acc = std::numeric_limits<double>::quiet_NaN();
    if (data_.validation.size() > 0) {
        const Evaluation val = evaluate(net_, eval_ws_, data_.validation, data_.normalizer);
        row.val_loss = val.loss;
        row.val_acc = val.accuracy;
    }
    return row;
}

TrainResult Trainer::run(const std::function<void(const Progress&)>& progress) {
    TrainResult result;
    const int N = data_.train.size();
    const int B = settings_.batch_size;
    const long S = (N + B - 1) / B;
    const int k = std::max(1, std::min<int>(settings_.validations_per_epoch, static_cast<int>(S)));
    std::vector<int> order(N);
    std::iota(order.begin(), order.end(), 0);
    Rng shuffle_rng = Rng::for_purpose(settings_.seed, "shuffle");
    double best_val = std::numeric_limits<double>::infinity();
    int checks_without_improvement = 0;
    const double start = now_seconds();
    Progress p;
    p.epochs = settings_.epochs;
    p.steps_per_epoch = S;

    for (int epoch = 1; epoch <= settings_.epochs && !result.stopped_early; ++epoch) {
        result.epochs = epoch;
        shuffle_rng.shuffle(order);
        const double lr = settings_.lr * std::pow(settings_.lr_decay, epoch - 1);
        double loss_sum = 0.0, correct = 0.0, seen = 0.0;
        int next_check = 0;
        for (long s = 0; s < S; ++s) {
            const int b = static_cast<int>(std::min<long>(B, N - s * B));
            gather_batch(data_.train, order.data() + s * B, b, data_.normalizer, ws_.input, ws_.labels.data());
            if (s + 1 < S) prefetch_batch(data_.train, order.data() + (s + 1) * B, std::min<long>(B, N - (s + 1) * B));
            const LossResult batch = net_.forward_backward(ws_, b);
            if (!std::isfinite(batch.loss))
                throw Error("training diverged at step " + std::to_string(result.steps + 1) + " (epoch " +
                            std::to_string(epoch) + "): the loss is " + std::to_string(batch.loss) +
                            "; lower train.lr");
            add_l2(net_, settings_.l2);
            optimizer_.step(net_.params, net_.grads, lr);
            ++result.steps;
            loss_sum += batch.loss * b;
            correct += batch.correct;
            seen += b;
            p.epoch = epoch;
            p.step = result.steps;
            p.loss = loss_sum / seen;
            p.accuracy = correct / seen;
            p.seconds = now_seconds() - start;
            p.check = nullptr;
            if (s + 1 == check_step(S, k, next_check)) {
                ++next_check;
                HistoryRow row = check(result.steps, S, lr, p.loss, p.accuracy, p.seconds);
                result.history.push_back(row);
                loss_sum = correct = seen = 0.0;
                p.check = &result.history.back();
                if (settings_.patience > 0) {
                    if (row.val_loss < best_val) {
                        best_val = row.val_loss;
                        checks_without_improvement = 0;
                        result.best_step = result.steps;
                        best_params_.copy_from(net_.params);
                    } else if (++checks_without_improvement >= settings_.patience) {
                        result.stopped_early = true;
                    }
                }
            }
            if (progress) progress(p);
            if (result.stopped_early) break;
        }
    }
    if (settings_.patience > 0 && result.best_step > 0) net_.params.copy_from(best_params_);
    else result.best_step = result.steps;
    result.seconds = now_seconds() - start;
    return result;
}

}  // namespace mlp
