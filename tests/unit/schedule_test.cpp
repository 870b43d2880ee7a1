// Learning-rate schedules (issue 19): scheduled_lr against the formulas written out
// separately here, the shapes they promise, and the Trainer using exactly that lr for every
// step (its history records the lr of the step a check follows), across a resume too.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "data_test_support.hpp"
#include "interrupt_support.hpp"
#include "mlp/checkpoint.hpp"
#include "mlp/init.hpp"
#include "mlp/schedule.hpp"
#include "mlp/trainer.hpp"
#include "synthetic_data.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

// The reference: the same definitions, step by step, in the plainest terms.
double reference_lr(const LrSchedule& s, double lr, double decay, long t, long S, long T) {
    const long epoch = t / S;  // from 0
    double value = lr;
    for (long e = 0; e < epoch; ++e) value *= decay;
    if (s.kind == ScheduleKind::step)
        for (long drop = s.step_epochs; drop <= epoch; drop += s.step_epochs) value *= s.step_gamma;
    const long W = std::lround(s.warmup_epochs * S);
    if (t < W) return value * double(t + 1) / double(W);
    if (s.kind == ScheduleKind::cosine) value *= 0.5 * (1.0 + std::cos(M_PI * double(t - W) / double(T - W)));
    return value;
}

TEST(Schedule, MatchesTheReferenceFormulaAtEveryStep) {
    const long S = 7, T = 5 * S;
    for (ScheduleKind kind : {ScheduleKind::none, ScheduleKind::step, ScheduleKind::cosine})
        for (double warmup : {0.0, 0.5, 2.0})
            for (double decay : {1.0, 0.9}) {
                LrSchedule s;
                s.kind = kind;
                s.step_epochs = 2;
                s.step_gamma = 0.3;
                s.warmup_epochs = warmup;
                for (long t = 0; t < T; ++t)
                    EXPECT_NEAR(scheduled_lr(s, 0.05, decay, t, S, T), reference_lr(s, 0.05, decay, t, S, T), 1e-15)
                        << schedule_name(kind) << " warm-up " << warmup << " decay " << decay << " step " << t;
            }
}

TEST(Schedule, NoneIsTheEpochDecayAlone) {
    for (long t = 0; t < 30; ++t)
        EXPECT_DOUBLE_EQ(scheduled_lr(LrSchedule{}, 1e-3, 0.95, t, 10, 30), 1e-3 * std::pow(0.95, double(t / 10)));
}

TEST(Schedule, ShapesOfStepCosineAndWarmup) {
    LrSchedule step;
    step.kind = ScheduleKind::step;
    step.step_epochs = 3;
    step.step_gamma = 0.1;
    EXPECT_DOUBLE_EQ(scheduled_lr(step, 1.0, 1.0, 29, 10, 100), 1.0);  // epochs 0-2
    EXPECT_DOUBLE_EQ(scheduled_lr(step, 1.0, 1.0, 30, 10, 100), 0.1);
    EXPECT_NEAR(scheduled_lr(step, 1.0, 1.0, 99, 10, 100), 1e-3, 1e-15);

    LrSchedule cosine;
    cosine.kind = ScheduleKind::cosine;
    cosine.warmup_epochs = 1.0;  // 10 steps
    for (long t = 0; t < 10; ++t) EXPECT_DOUBLE_EQ(scheduled_lr(cosine, 2.0, 1.0, t, 10, 100), 2.0 * (t + 1) / 10);
    EXPECT_DOUBLE_EQ(scheduled_lr(cosine, 2.0, 1.0, 10, 10, 100), 2.0);       // the top, once warmed up
    EXPECT_NEAR(scheduled_lr(cosine, 2.0, 1.0, 55, 10, 100), 1.0, 1e-12);     // half-way down
    for (long t = 11; t < 100; ++t)
        EXPECT_LT(scheduled_lr(cosine, 2.0, 1.0, t, 10, 100), scheduled_lr(cosine, 2.0, 1.0, t - 1, 10, 100)) << t;
    EXPECT_GT(scheduled_lr(cosine, 2.0, 1.0, 99, 10, 100), 0.0);  // the last step still moves
}

TEST(Schedule, NamesRoundTripAndUnknownIsAnError) {
    for (const char* name : {"none", "step", "cosine"}) EXPECT_EQ(schedule_name(parse_schedule(name)), name);
    EXPECT_EQ(testing::error_of([] { parse_schedule("onecycle"); }),
              "unknown schedule 'onecycle' (expected none, step or cosine)");
}

TrainSettings cosine_settings() {
    TrainSettings settings;
    settings.epochs = 3;
    settings.batch_size = 30;  // 500 rows: 17 steps an epoch, the last one short
    settings.lr = 0.2;
    settings.lr_decay = 0.9;
    settings.optimizer.kind = OptimizerKind::momentum;
    settings.schedule.kind = ScheduleKind::cosine;
    settings.schedule.warmup_epochs = 0.5;
    settings.validations_per_epoch = 1000;  // a check after every step
    settings.seed = 3;
    return settings;
}

Network<float> network() {
    Architecture arch;
    arch.inputs = 20;
    arch.hidden = {16};
    arch.classes = 4;
    Network<float> net(arch);
    Rng rng(1);
    initialize(net, Init{InitScheme::fan_in}, rng);
    return net;
}

// Every step's lr is scheduled_lr of its index: the history (a check after each step) says so.
TEST(Schedule, TheTrainerStepsWithTheScheduledLr) {
    const DataSplits data = test::clusters_splits(500, 20, 4, 100, 7);
    const TrainSettings settings = cosine_settings();
    Network<float> net = network();
    Trainer trainer(net, settings, data);
    const long S = trainer.steps_per_epoch(), T = S * settings.epochs;
    ASSERT_EQ(S, 17);
    const TrainResult result = trainer.run();
    ASSERT_EQ(long(result.history.size()), T);
    for (long t = 0; t < T; ++t)
        EXPECT_NEAR(result.history[t].lr, reference_lr(settings.schedule, 0.2, 0.9, t, S, T), 1e-15) << t;
}

// A run stopped part-way through the warm-up or the cosine and resumed ends as an unbroken one.
TEST(Schedule, AResumedRunFollowsTheSameSchedule) {
    const DataSplits data = test::clusters_splits(500, 20, 4, 100, 7);
    TrainSettings settings = cosine_settings();
    settings.validations_per_epoch = 2;
    Network<float> reference = network();
    const TrainResult full = Trainer(reference, settings, data).run();
    for (long stop_at : {3L, 30L}) {  // in the warm-up, in the cosine
        Network<float> first = network();
        const test::Interrupted part = test::train_until(first, settings, data, stop_at);
        ASSERT_TRUE(part.result.interrupted);
        Network<float> second = network();
        Trainer resumed(second, settings, data);
        resumed.resume(decode_checkpoint(part.checkpoint.data(), part.checkpoint.size(), "checkpoint"));
        const TrainResult rest = resumed.run();
        ASSERT_EQ(rest.history.size(), full.history.size());
        for (std::size_t i = 0; i < full.history.size(); ++i) EXPECT_EQ(rest.history[i].lr, full.history[i].lr) << i;
        EXPECT_EQ(0, std::memcmp(second.params.data(), reference.params.data(), reference.params.size() * sizeof(float)))
            << "stopped after step " << stop_at;
    }
}

}  // namespace
}  // namespace mlp
