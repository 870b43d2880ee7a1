// The public API's plain structs (mlp/mlp.hpp) against the engine's: TrainConfig promises
// the defaults of `mlp config --list`, which are TrainSettings' and OptimizerSettings'.
#include <gtest/gtest.h>

#include "config.hpp"
#include "mlp/mlp.hpp"
#include "mlp/schedule.hpp"
#include "mlp/trainer.hpp"

namespace mlp {
namespace {

TEST(LibraryApi, TrainConfigDefaultsAreTheCliDefaults) {
    const TrainConfig api;
    const TrainSettings engine;
    const Config cli;
    EXPECT_EQ(api.epochs, engine.epochs);
    EXPECT_EQ(api.max_steps, engine.max_steps);
    EXPECT_EQ(api.batch_size, engine.batch_size);
    EXPECT_EQ(api.lr, engine.lr);
    EXPECT_EQ(api.optimizer, cli.optimizer);
    EXPECT_EQ(api.momentum, engine.optimizer.momentum);
    EXPECT_EQ(api.beta1, engine.optimizer.beta1);
    EXPECT_EQ(api.beta2, engine.optimizer.beta2);
    EXPECT_EQ(api.epsilon, engine.optimizer.epsilon);
    EXPECT_EQ(api.l2, engine.l2);
    EXPECT_EQ(api.max_norm, engine.max_norm);
    EXPECT_EQ(api.lr_decay, engine.lr_decay);
    EXPECT_EQ(api.l2_biases, engine.l2_biases);
    EXPECT_EQ(api.schedule, schedule_name(engine.schedule.kind));
    EXPECT_EQ(api.step_epochs, engine.schedule.step_epochs);
    EXPECT_EQ(api.step_gamma, engine.schedule.step_gamma);
    EXPECT_EQ(api.warmup_epochs, engine.schedule.warmup_epochs);
    EXPECT_EQ(api.label_smoothing, engine.label_smoothing);
    EXPECT_EQ(api.augment_translate, engine.augment.translate);
    EXPECT_EQ(api.augment_flip, engine.augment.flip);
    EXPECT_EQ(api.validations_per_epoch, engine.validations_per_epoch);
    EXPECT_EQ(api.patience, engine.patience);
    EXPECT_EQ(api.seed, engine.seed);
}

TEST(LibraryApi, NetworkSpecHiddenDefaultIsTheCliDefault) {
    EXPECT_EQ(NetworkSpec{}.hidden, ModelConfig{}.hidden);
    EXPECT_EQ(NetworkSpec{}.leaky_slope, ModelConfig{}.leaky_slope);
    EXPECT_EQ(NetworkSpec{}.bias, ModelConfig{}.bias);
}

}  // namespace
}  // namespace mlp
