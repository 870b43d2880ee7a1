// Data-parallel training cases shared by the in-process ranks' tests (data_parallel_test.cpp)
// and the MPI ones (tests/mpi/): small networks trained for one epoch, over ranks or alone,
// and how their weights are compared.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstring>
#include <string>

#include "mlp/init.hpp"
#include "mlp/trainer.hpp"
#include "synthetic_data.hpp"

namespace mlp::test {

struct Case {
    std::string name;
    OptimizerKind optimizer = OptimizerKind::sgd;
    int batch = 32;
    double dropout = 0.0, input_dropout = 0.0, l2 = 0.0;
    int patience = 0;
    double lr_decay = 1.0;
};
inline void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

inline TrainSettings settings_of(const Case& c) {
    TrainSettings s;
    s.epochs = 1;
    s.batch_size = c.batch;
    s.optimizer.kind = c.optimizer;
    s.lr = c.optimizer == OptimizerKind::adam ? 0.003 : 0.05;
    s.l2 = c.l2;
    s.lr_decay = c.lr_decay;
    s.validations_per_epoch = 3;
    s.patience = c.patience;
    s.seed = 7;
    return s;
}

inline Network<float> make_network(const Case& c) {
    Architecture arch;
    arch.inputs = 20;
    arch.hidden = {32, 16};
    arch.classes = 4;
    arch.activation.kind = ActivationKind::tanh;
    arch.dropout = c.dropout;
    arch.input_dropout = c.input_dropout;
    Network<float> net(arch);
    Rng rng(11);
    initialize(net, Init{InitScheme::xavier_uniform, 0.0}, rng);
    return net;
}

struct Outcome {
    Buffer<float> params;
    TrainResult result;
};

// Trains c's network; with stop_at, stops after that step as a signal would (a checkpoint,
// no extra validation check) and hands the checkpoint back in *stopped.
inline Outcome train(const Case& c, const DataSplits& data, Communicator* comm, const Checkpoint* from = nullptr,
              long stop_at = 0, Checkpoint* stopped = nullptr) {
    Network<float> net = make_network(c);
    Trainer trainer(net, settings_of(c), data, comm);
    if (from) trainer.resume(*from);
    volatile std::sig_atomic_t stop = 0;
    TrainHooks hooks;
    hooks.stop = &stop;
    hooks.progress = [&](const Progress& p) { stop = stop_at > 0 && p.step == stop_at; };
    hooks.checkpoint = [&](const Checkpoint& checkpoint) {
        if (stopped && checkpoint.state.steps == stop_at) *stopped = checkpoint;
    };
    Outcome out;
    out.result = trainer.run(hooks);
    out.params = trainer.network().params;
    return out;
}

// |a − b| ≤ 1e-5 · max(|b|, 1e-2) for every weight: relative, with a floor for weights
// that pass near zero (their rounding error is that of their larger neighbours).
inline void expect_close(const Buffer<float>& got, const Buffer<float>& want) {
    ASSERT_EQ(got.size(), want.size());
    std::size_t bad = 0, worst = 0;
    double worst_rel = 0.0;
    for (std::size_t i = 0; i < want.size(); ++i) {
        const double rel = std::abs(double(got[i]) - want[i]) / std::max(std::abs(double(want[i])), 1e-2);
        if (rel > 1e-5) ++bad;
        if (rel > worst_rel) worst_rel = rel, worst = i;
    }
    EXPECT_EQ(bad, 0u) << "worst weight " << worst << ": " << got[worst] << " vs " << want[worst] << " (relative "
                       << worst_rel << ")";
}

// Loss curves within float rounding; the same checks, steps and learning rates.
inline void expect_close_history(const std::vector<HistoryRow>& got, const std::vector<HistoryRow>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        const HistoryRow &a = got[i], &b = want[i];
        EXPECT_EQ(a.step, b.step);
        EXPECT_NEAR(a.train_loss, b.train_loss, 1e-5 * std::abs(b.train_loss));
        EXPECT_NEAR(a.val_loss, b.val_loss, 1e-5 * std::abs(b.val_loss));
        EXPECT_EQ(a.lr, b.lr);
    }
}

inline bool same_bits(const Buffer<float>& a, const Buffer<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

inline std::uint64_t hash_of(const Buffer<float>& b) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (float v : b) {
        std::uint32_t w;
        std::memcpy(&w, &v, 4);
        h = (h ^ w) * 0x100000001b3ULL;
    }
    return h;
}

// 301 training rows: the last batch is short, and 32 rows split unevenly over 3 ranks.
inline DataSplits data_parallel_data() { return clusters_splits(301, 20, 4, 60, 5); }

inline const Case kDataParallelCases[] = {
    {"sgd_b32"},
    {"momentum_l2", OptimizerKind::momentum, 32, 0.0, 0.0, 1e-3},
    {"adam_dropout", OptimizerKind::adam, 24, 0.3, 0.1},
    {"adam_patience_decay", OptimizerKind::adam, 17, 0.0, 0.0, 0.0, 2, 0.9},
    {"batch2_fewer_rows_than_ranks", OptimizerKind::sgd, 2},
};

}  // namespace mlp::test
