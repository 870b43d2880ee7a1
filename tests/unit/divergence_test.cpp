// Divergence: a NaN loss stops training with the step named, or, with reduce_lr, goes
// back to the last good state with lr halved, a bounded number of times.
//
// The data make the threshold exact: one feature x = ±s (s = 1e19), a linear softmax
// model starting at W ≈ 0. Step 1 moves W by ±lr·s/2, so step 2's logits are ±lr·s²/2
// = ±lr·5e37: past float's 3.4e38 (Inf, then NaN in the loss) for lr > 6.8, finite below.
#include <gtest/gtest.h>

#include <cmath>

#include "mlp/init.hpp"
#include "mlp/trainer.hpp"

namespace mlp {
namespace {

constexpr float kScale = 1e19f;

DataSplits separable_splits() {
    auto make = [] {
        auto data = std::make_unique<Dataset>();
        data->name = "two-points";
        data->rows = 64;
        data->features = 1;
        data->classes = 2;
        for (int i = 0; i < 64; ++i) {
            data->labels.push_back(i % 2);
            data->f32.push_back(i % 2 ? kScale : -kScale);
        }
        data->class_names = {"0", "1"};
        return data;
    };
    DataConfig config;
    config.validation = 0;
    config.normalize = "none";
    return make_splits(make(), make(), config);
}

Network<float> linear_model() {
    Architecture arch;
    arch.inputs = 1;
    arch.classes = 2;
    Network<float> net(arch);
    Rng rng(1);
    initialize(net, Init{InitScheme::normal, 1e-30}, rng);
    return net;
}

TrainSettings settings(double lr, DivergencePolicy policy, long checkpoint_every) {
    TrainSettings s;
    s.epochs = 2;
    s.batch_size = 16;
    s.lr = lr;
    s.on_divergence = policy;
    s.checkpoint_every = checkpoint_every;
    s.validations_per_epoch = 4;
    return s;
}

bool all_finite(const Buffer<float>& b) {
    for (float x : b)
        if (!std::isfinite(x)) return false;
    return true;
}

TEST(Divergence, AFiniteLrBelowTheThresholdTrainsCleanly) {
    const DataSplits data = separable_splits();
    Network<float> net = linear_model();
    const TrainResult result = Trainer(net, settings(4.0, DivergencePolicy::stop, 0), data).run();
    EXPECT_EQ(result.steps, 8);
    EXPECT_TRUE(all_finite(net.params));
}

TEST(Divergence, StopNamesTheStepAndThrows) {
    const DataSplits data = separable_splits();
    Network<float> net = linear_model();
    Trainer trainer(net, settings(16.0, DivergencePolicy::stop, 0), data);
    try {
        trainer.run();
        FAIL() << "a NaN loss did not stop training";
    } catch (const DivergenceError& e) {
        EXPECT_EQ(e.step, 2);
        EXPECT_EQ(e.last_good, 0);  // no checkpoint had been made yet
        const std::string message = e.what();
        EXPECT_NE(message.find("training diverged at step 2 (epoch 1): the loss is NaN"), std::string::npos)
            << message;
        EXPECT_NE(message.find("on_divergence = \"reduce_lr\""), std::string::npos) << message;
    }
    EXPECT_EQ(trainer.state().steps, 1);  // the diverged step was not applied
}

TEST(Divergence, AnUpdateThatOverflowsAWeightIsCaughtAtItsStep) {
    // Step 1 moves W by lr·s/2 = 5e38 > float's 3.4e38: the weights, not the loss, overflow.
    const DataSplits data = separable_splits();
    Network<float> net = linear_model();
    std::vector<long> saved;
    TrainHooks hooks;
    hooks.checkpoint = [&](const Checkpoint& c) { saved.push_back(c.state.steps); };
    try {
        Trainer(net, settings(1e20, DivergencePolicy::stop, 1), data).run(hooks);
        FAIL() << "an overflowing weight did not stop training";
    } catch (const DivergenceError& e) {
        EXPECT_EQ(e.step, 1);
        EXPECT_NE(std::string(e.what()).find("at step 1 (epoch 1): the update made a weight NaN or Inf"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_TRUE(saved.empty());  // no checkpoint holds the overflowed weights
}

TEST(Divergence, StopKeepsTheLastGoodCheckpoint) {
    const DataSplits data = separable_splits();
    Network<float> net = linear_model();
    std::vector<long> saved;
    TrainHooks hooks;
    hooks.checkpoint = [&](const Checkpoint& c) {
        EXPECT_TRUE(all_finite(c.params));
        saved.push_back(c.state.steps);
    };
    try {
        Trainer(net, settings(16.0, DivergencePolicy::stop, 1), data).run(hooks);
        FAIL() << "no divergence";
    } catch (const DivergenceError& e) {
        EXPECT_EQ(e.step, 2);
        EXPECT_EQ(e.last_good, 1);
    }
    EXPECT_EQ(saved, std::vector<long>{1});  // nothing was written after the divergence
}

TEST(Divergence, ReduceLrHalvesUntilTrainingIsStable) {
    // lr 16 and 8 overflow at step 2; 4 does not: two recoveries, from the start.
    const DataSplits data = separable_splits();
    Network<float> net = linear_model();
    std::vector<std::string> notices;
    TrainHooks hooks;
    hooks.notice = [&](const std::string& m) { notices.push_back(m); };
    Trainer trainer(net, settings(16.0, DivergencePolicy::reduce_lr, 0), data);
    const TrainResult result = trainer.run(hooks);
    EXPECT_EQ(result.steps, 8);
    EXPECT_TRUE(all_finite(net.params));
    ASSERT_EQ(notices.size(), 2u);
    EXPECT_NE(notices[0].find("diverged at step 2"), std::string::npos) << notices[0];
    EXPECT_NE(notices[0].find("back to step 0 with lr halved to 8 (retry 1 of 5)"), std::string::npos) << notices[0];
    EXPECT_NE(notices[1].find("lr halved to 4 (retry 2 of 5)"), std::string::npos) << notices[1];
    EXPECT_EQ(trainer.state().lr_scale, 0.25);
    ASSERT_FALSE(result.history.empty());
    for (const HistoryRow& row : result.history) EXPECT_EQ(row.lr, 4.0);
}

TEST(Divergence, ReduceLrGivesUpAfterItsRetries) {
    // A checkpoint after step 1 already holds the overflowing weights: no lr helps.
    const DataSplits data = separable_splits();
    Network<float> net = linear_model();
    TrainSettings s = settings(16.0, DivergencePolicy::reduce_lr, 1);
    s.divergence_retries = 3;
    int notices = 0;
    TrainHooks hooks;
    hooks.notice = [&](const std::string&) { ++notices; };
    try {
        Trainer(net, s, data).run(hooks);
        FAIL() << "reduce_lr retried without bound";
    } catch (const DivergenceError& e) {
        EXPECT_EQ(e.step, 2);
        EXPECT_NE(std::string(e.what()).find("after halving lr 3 times (now 2)"), std::string::npos) << e.what();
    }
    EXPECT_EQ(notices, 3);
}

TEST(Divergence, ParsesThePolicyNames) {
    EXPECT_EQ(parse_divergence_policy("stop"), DivergencePolicy::stop);
    EXPECT_EQ(parse_divergence_policy("reduce_lr"), DivergencePolicy::reduce_lr);
    EXPECT_THROW(parse_divergence_policy("ignore"), Error);
}

}  // namespace
}  // namespace mlp
