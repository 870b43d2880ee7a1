// Trainer stop and resume: a run stopped at any step and resumed from its checkpoint
// (passed through the file encoding) ends with the same weights and history, bit for bit,
// as a run that was never stopped.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <ostream>
#include <random>

#include "mlp/checkpoint.hpp"
#include "mlp/init.hpp"
#include "mlp/trainer.hpp"
#include "interrupt_support.hpp"
#include "synthetic_data.hpp"

namespace mlp {
namespace {

struct ResumeCase {
    OptimizerKind optimizer;
    int patience;
    long checkpoint_every;
};

std::string name_of(const ResumeCase& c) {
    return optimizer_name(c.optimizer) + "_patience" + std::to_string(c.patience) + "_every" +
           std::to_string(c.checkpoint_every);
}
void PrintTo(const ResumeCase& c, std::ostream* out) { *out << name_of(c); }

TrainSettings settings_for(const ResumeCase& setup) {
    TrainSettings s;
    s.epochs = 4;
    s.batch_size = 16;  // 200 rows → 13 steps per epoch, the last one short
    s.lr = setup.optimizer == OptimizerKind::adam ? 0.01 : 0.1;
    s.optimizer.kind = setup.optimizer;
    s.l2 = 1e-4;
    s.lr_decay = 0.9;
    s.validations_per_epoch = 3;
    s.patience = setup.patience;
    s.seed = 3;
    s.checkpoint_every = setup.checkpoint_every;
    return s;
}

Network<float> make_network(std::uint64_t init_seed) {
    Architecture arch;
    arch.inputs = 6;
    arch.hidden = {8};
    arch.classes = 3;
    arch.activation.kind = ActivationKind::relu;
    Network<float> net(arch);
    Rng rng(init_seed);
    initialize(net, Init{InitScheme::he, 0.0}, rng);
    return net;
}

void expect_same_history(const std::vector<HistoryRow>& a, const std::vector<HistoryRow>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        SCOPED_TRACE("history row " + std::to_string(i));
        EXPECT_EQ(a[i].step, b[i].step);
        // Bitwise: memcmp also treats two NaN val_loss (no validation) as equal.
        for (auto field : {&HistoryRow::epoch, &HistoryRow::train_loss, &HistoryRow::train_acc, &HistoryRow::val_loss,
                           &HistoryRow::val_acc, &HistoryRow::lr})
            EXPECT_EQ(std::memcmp(&(a[i].*field), &(b[i].*field), sizeof(double)), 0);
        // seconds is wall time and differs between runs.
    }
}

void expect_same_buffer(const Buffer<float>& a, const Buffer<float>& b) {
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
}

class Resume : public ::testing::TestWithParam<ResumeCase> {};

TEST_P(Resume, StoppedAtAnyStepAndResumedMatchesAnUninterruptedRun) {
    const ResumeCase setup = GetParam();
    const TrainSettings settings = settings_for(setup);
    const DataSplits data = test::clusters_splits(200, 6, 3, 60);

    Network<float> reference = make_network(11);
    const TrainResult full = Trainer(reference, settings, data).run();
    ASSERT_GT(full.steps, 10);

    std::mt19937 pick(std::random_device{}());
    for (int trial = 0; trial < 4; ++trial) {
        const long stop_at = std::uniform_int_distribution<long>(1, full.steps - 1)(pick);
        SCOPED_TRACE("stopped after step " + std::to_string(stop_at));
        Network<float> first = make_network(11);
        const test::Interrupted part = test::train_until(first, settings, data, stop_at);
        ASSERT_TRUE(part.result.interrupted);
        ASSERT_EQ(part.result.steps, stop_at);
        const std::vector<std::uint8_t>& saved = part.checkpoint;

        // A fresh process: other initial weights, everything else from the checkpoint file.
        Network<float> second = make_network(99);
        Trainer resumed(second, settings, data);
        resumed.resume(decode_checkpoint(saved.data(), saved.size(), "checkpoint"));
        const TrainResult rest = resumed.run();
        EXPECT_FALSE(rest.interrupted);
        EXPECT_EQ(rest.steps, full.steps);
        EXPECT_EQ(rest.best_step, full.best_step);
        EXPECT_EQ(rest.stopped_early, full.stopped_early);
        expect_same_history(rest.history, full.history);
        expect_same_buffer(second.params, reference.params);
    }
}

TEST_P(Resume, EveryPeriodicCheckpointResumesToTheSameEnd) {
    // As after a SIGKILL: whatever checkpoint was last on disk, resuming it gives the same end.
    const ResumeCase setup = GetParam();
    const TrainSettings settings = settings_for(setup);
    const DataSplits data = test::clusters_splits(200, 6, 3, 60);
    Network<float> reference = make_network(11);
    std::vector<std::vector<std::uint8_t>> checkpoints;
    TrainHooks hooks;
    hooks.checkpoint = [&](const Checkpoint& c) { checkpoints.push_back(encode_checkpoint(c)); };
    const TrainResult full = Trainer(reference, settings, data).run(hooks);
    const long per_epoch = Trainer(reference, settings, data).steps_per_epoch();
    ASSERT_GE(checkpoints.size(), std::size_t(full.steps / per_epoch));
    for (std::size_t i = 0; i < checkpoints.size(); ++i) {
        const Checkpoint c = decode_checkpoint(checkpoints[i].data(), checkpoints[i].size(), "checkpoint");
        SCOPED_TRACE("checkpoint at step " + std::to_string(c.state.steps));
        if (setup.checkpoint_every == 0 && !c.state.stopped_early) {
            EXPECT_EQ(c.state.steps % per_epoch, 0);
        }
        Network<float> net = make_network(5);
        Trainer trainer(net, settings, data);
        trainer.resume(c);
        const TrainResult rest = trainer.run();
        EXPECT_EQ(rest.steps, full.steps);
        expect_same_history(rest.history, full.history);
        expect_same_buffer(net.params, reference.params);
    }
}

INSTANTIATE_TEST_SUITE_P(Optimizers, Resume,
                         ::testing::Values(ResumeCase{OptimizerKind::sgd, 0, 0}, ResumeCase{OptimizerKind::momentum, 0, 4},
                                           ResumeCase{OptimizerKind::nesterov, 2, 5}, ResumeCase{OptimizerKind::adam, 0, 3},
                                           ResumeCase{OptimizerKind::adam, 2, 0}, ResumeCase{OptimizerKind::adam, 1, 7}),
                         [](const auto& info) { return name_of(info.param); });

TEST(Resume, RejectsACheckpointOfAnotherShape) {
    const DataSplits data = test::clusters_splits(200, 6, 3, 60);
    TrainSettings settings = settings_for({OptimizerKind::adam, 0, 0});
    Network<float> net = make_network(1);
    Trainer trainer(net, settings, data);
    const Checkpoint good = trainer.checkpoint();

    Checkpoint wrong_batch = good;
    wrong_batch.batch_size = 8;
    Network<float> other = make_network(1);
    try {
        Trainer(other, settings, data).resume(wrong_batch);
        FAIL() << "a checkpoint with another batch size was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("train.batch_size = 8"), std::string::npos) << e.what();
    }

    settings.optimizer.kind = OptimizerKind::sgd;
    try {
        Trainer(other, settings, data).resume(good);
        FAIL() << "adam state was accepted by an sgd trainer";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("train.optimizer"), std::string::npos) << e.what();
    }

    const DataSplits fewer = test::clusters_splits(150, 6, 3, 60);
    settings.optimizer.kind = OptimizerKind::adam;
    try {
        Trainer(other, settings, fewer).resume(good);
        FAIL() << "a checkpoint of 200 training rows was accepted for 150";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("200 training rows"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace mlp
