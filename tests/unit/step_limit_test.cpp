// train.max_steps: a run stops after exactly that many optimizer steps, mid-epoch if need
// be, ends with a validation check, and changes nothing else about the run.
#include <gtest/gtest.h>

#include <cstring>

#include "mlp/init.hpp"
#include "mlp/trainer.hpp"
#include "synthetic_data.hpp"

namespace mlp {
namespace {

Network<float> small_network() {
    Architecture arch;
    arch.inputs = 5;
    arch.hidden = {7};
    arch.classes = 3;
    Network<float> net(arch);
    Rng rng(2);
    initialize(net, Init{InitScheme::xavier_normal, 0.0}, rng);
    return net;
}

TrainSettings settings(long max_steps) {
    TrainSettings s;
    s.epochs = 3;
    s.batch_size = 20;  // 160 rows → 8 steps per epoch
    s.lr = 0.05;
    s.validations_per_epoch = 2;
    s.seed = 4;
    s.max_steps = max_steps;
    return s;
}

TEST(StepLimit, StopsMidEpochWithAFinalCheck) {
    DataSplits data = test::clusters_splits(160, 5, 3, 40);
    Network<float> net = small_network();
    const TrainResult result = Trainer(net, settings(11), data).run();
    EXPECT_EQ(result.steps, 11);
    EXPECT_EQ(result.epochs, 2);
    ASSERT_FALSE(result.history.empty());
    EXPECT_EQ(result.history.back().step, 11);  // the run's last state is validated
    EXPECT_EQ(result.history.size(), 3u);        // checks at steps 4, 8 and the forced 11
}

TEST(StepLimit, ALimitAtAnEpochEndMatchesFewerEpochs) {
    DataSplits data = test::clusters_splits(160, 5, 3, 40);
    Network<float> limited = small_network();
    Trainer(limited, settings(16), data).run();  // 3 epochs asked, 2 done
    Network<float> two_epochs = small_network();
    TrainSettings s = settings(0);
    s.epochs = 2;
    Trainer(two_epochs, s, data).run();
    ASSERT_EQ(limited.params.size(), two_epochs.params.size());
    EXPECT_EQ(std::memcmp(limited.params.data(), two_epochs.params.data(), limited.params.size() * sizeof(float)), 0);
}

TEST(StepLimit, ALimitBeyondTheEpochsChangesNothing) {
    DataSplits data = test::clusters_splits(160, 5, 3, 40);
    Network<float> limited = small_network();
    const TrainResult a = Trainer(limited, settings(1000), data).run();
    Network<float> unlimited = small_network();
    const TrainResult b = Trainer(unlimited, settings(0), data).run();
    EXPECT_EQ(a.steps, 24);
    EXPECT_EQ(b.steps, 24);
    EXPECT_EQ(std::memcmp(limited.params.data(), unlimited.params.data(), limited.params.size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace mlp
