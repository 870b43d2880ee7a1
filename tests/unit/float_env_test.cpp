// Subnormals flushed to zero while training (float_env.hpp): on the caller during
// Trainer::run, on every rank of a team job, and restored afterwards.
#include <gtest/gtest.h>

#include <vector>

#include "mlp/float_env.hpp"
#include "mlp/thread_team.hpp"
#include "mlp/trainer.hpp"
#include "synthetic_data.hpp"

namespace mlp {
namespace {

// tiny · 1: tiny itself where subnormals work, 0 where they are flushed.
float times_one(float tiny) {
    volatile float one = 1.0f;
    return tiny * one;
}

TEST(FlushSubnormals, FlushesWhileAliveThenRestores) {
    const float tiny = 1e-39f;  // subnormal: below FLT_MIN = 1.18e-38
    ASSERT_FALSE(flushing_subnormals());
    EXPECT_EQ(times_one(tiny), tiny);
    {
        const FlushSubnormals flush;
        EXPECT_TRUE(flushing_subnormals());
        EXPECT_EQ(times_one(tiny), 0.0f);
        EXPECT_EQ(times_one(1e-30f), 1e-30f);  // normal numbers are untouched
    }
    EXPECT_FALSE(flushing_subnormals());
    EXPECT_EQ(times_one(tiny), tiny);
}

TEST(FlushSubnormals, EveryRankOfATeamJobFlushes) {
    for (int size : {1, 2, 3}) {
        ThreadTeam team(size);
        for (int job = 0; job < 20; ++job) {
            std::vector<int> flushed(size, 0);
            std::vector<float> products(size, -1.0f);
            team.run([&](int rank, int) {
                flushed[rank] = flushing_subnormals();
                products[rank] = times_one(1e-39f);
            });
            for (int r = 0; r < size; ++r) {
                EXPECT_TRUE(flushed[r]) << "rank " << r << " of " << size;
                EXPECT_EQ(products[r], 0.0f) << "rank " << r << " of " << size;
            }
        }
        EXPECT_FALSE(flushing_subnormals()) << "the caller's mode is restored after a job";
    }
}

TEST(FlushSubnormals, TrainingFlushesOnTheCallerAndRestoresAfter) {
    Architecture arch;  // 5-7-3, the weights as constructed: only the floating-point mode is looked at
    arch.inputs = 5, arch.hidden = {7}, arch.classes = 3;
    Network<float> net(arch);
    TrainSettings s;
    s.epochs = 1;
    s.batch_size = 20;
    s.threads = 2;
    const DataSplits data = test::clusters_splits(80, 5, 3, 20);
    int calls = 0, flushed = 0;
    TrainHooks hooks;
    hooks.progress = [&](const Progress&) {
        ++calls;
        flushed += flushing_subnormals();
    };
    Trainer(net, s, data).run(hooks);
    EXPECT_GT(calls, 0);
    EXPECT_EQ(flushed, calls);
    EXPECT_FALSE(flushing_subnormals());
}

}  // namespace
}  // namespace mlp
