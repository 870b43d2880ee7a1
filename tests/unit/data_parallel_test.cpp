// The data-parallel step without MPI: gradient buckets over the flat layout, and training
// over 2 and 3 in-process ranks (thread_ranks.hpp) against one process, in every build
// (the sanitizer build included). The same cases under mpirun: tests/mpi/.
#include <gtest/gtest.h>

#include <mutex>

#include "mlp/gradient_buckets.hpp"
#include "data_parallel_cases.hpp"
#include "thread_ranks.hpp"

namespace mlp {
namespace {

using namespace mlp::test;

Architecture wide_then_narrow() {
    Architecture arch;
    arch.inputs = 784;
    arch.hidden = {256, 32, 16};
    arch.classes = 10;
    return arch;
}

TEST(GradientBuckets, CoverTheFlatBufferFromTheLastLayerDown) {
    const ParamLayout layout(wide_then_narrow());
    const GradientBuckets buckets(layout);
    const auto& b = buckets.buckets();
    ASSERT_FALSE(b.empty());
    EXPECT_EQ(b.front().highest, 3);
    EXPECT_EQ(b.front().end, layout.buffer_size);
    EXPECT_EQ(b.back().lowest, 0);
    EXPECT_EQ(b.back().begin, 0u);
    for (std::size_t i = 0; i + 1 < b.size(); ++i) {
        EXPECT_EQ(b[i + 1].end, b[i].begin);            // contiguous, no float twice or never
        EXPECT_EQ(b[i + 1].highest, b[i].lowest - 1);
    }
    // W1 (784 × 256) is a bucket of its own; the three narrow layers above it share one.
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].lowest, 1);
}

// Records the sums a step starts, in order.
class Recorder final : public Communicator {
public:
    int rank() const override { return 0; }
    int size() const override { return 2; }
    void start_sum(float* x, std::size_t n) override { started.push_back({x, n}); }
    void progress() override {}
    void wait_sums() override { ++waits; }
    void sum(double*, int) override {}
    bool any(bool flag) override { return flag; }
    std::vector<std::uint64_t> gather(std::uint64_t v) override { return {v, v}; }
    std::vector<std::pair<float*, std::size_t>> started;
    int waits = 0;
};

TEST(GradientBuckets, EachStartsWhenItsLowestLayerIsReady) {
    const ParamLayout layout(wide_then_narrow());
    GradientBuckets buckets(layout, 1);  // one bucket per layer
    Recorder comm;
    std::vector<float> grads(layout.buffer_size);
    buckets.begin(comm, grads.data());
    buckets.layer_ready(3);
    ASSERT_EQ(comm.started.size(), 1u);
    EXPECT_EQ(comm.started[0].first, grads.data() + layout.layers[3].w_offset);
    buckets.layer_ready(2);
    buckets.layer_ready(1);
    buckets.layer_ready(0);
    buckets.finish();
    ASSERT_EQ(comm.started.size(), 4u);
    EXPECT_EQ(comm.started[3].first, grads.data());
    EXPECT_EQ(comm.waits, 1);
}

class InProcessRanks : public ::testing::TestWithParam<std::tuple<Case, int>> {
protected:
    DataSplits data = data_parallel_data();
};

TEST_P(InProcessRanks, MatchOneProcessAndEachOther) {
    const Case c = std::get<0>(GetParam());  // not a structured binding: clang 14 cannot capture one
    const int n = std::get<1>(GetParam());
    const Outcome alone = train(c, data, nullptr);
    std::vector<Outcome> outcomes(n);
    ThreadRanks(n).run([&](Communicator& comm) { outcomes[comm.rank()] = train(c, data, &comm); });
    expect_close(outcomes[0].params, alone.params);
    expect_close_history(outcomes[0].result.history, alone.result.history);
    for (int r = 1; r < n; ++r) EXPECT_TRUE(same_bits(outcomes[r].params, outcomes[0].params)) << "rank " << r;
    std::vector<Outcome> again(n);
    ThreadRanks(n).run([&](Communicator& comm) { again[comm.rank()] = train(c, data, &comm); });
    EXPECT_TRUE(same_bits(again[0].params, outcomes[0].params));
}

INSTANTIATE_TEST_SUITE_P(Cases, InProcessRanks,
                         ::testing::Combine(::testing::ValuesIn(kDataParallelCases), ::testing::Values(2, 3)),
                         [](const auto& info) {
                             return std::get<0>(info.param).name + "_" + std::to_string(std::get<1>(info.param)) + "_ranks";
                         });

// Divergence over ranks: the data of divergence_test.cpp (x = ±1e19, a linear model from
// W ≈ 0) overflow at step 2 for lr > 6.8; with reduce_lr every rank sees the same NaN at
// the same step (the loss is summed over ranks), goes back and halves lr alike: 16 → 8 → 4.
TEST(InProcessRanksDiverge, EveryRankRecoversAlikeAndMatchesOneProcess) {
    auto make = [] {
        auto data = std::make_unique<Dataset>();
        data->rows = 64, data->features = 1, data->classes = 2;
        for (int i = 0; i < 64; ++i) {
            data->labels.push_back(i % 2);
            data->f32.push_back(i % 2 ? 1e19f : -1e19f);
        }
        data->class_names = {"0", "1"};
        return data;
    };
    DataConfig config;
    config.validation = 0;
    config.normalize = "none";
    const DataSplits data = make_splits(make(), make(), config);
    TrainSettings s;
    s.epochs = 2, s.batch_size = 16, s.lr = 16.0, s.validations_per_epoch = 4;
    s.on_divergence = DivergencePolicy::reduce_lr;
    auto train_on = [&](Communicator* comm) {
        Architecture arch;
        arch.inputs = 1, arch.classes = 2;
        Network<float> net(arch);
        Rng rng(1);
        initialize(net, Init{InitScheme::normal, 1e-30}, rng);
        Trainer trainer(net, s, data, comm);
        const TrainResult result = trainer.run();
        EXPECT_EQ(result.steps, 8);
        EXPECT_EQ(trainer.state().lr_scale, 0.25);
        return Outcome{trainer.network().params, result};
    };
    const Outcome alone = train_on(nullptr);
    for (int n : {2, 3}) {
        std::vector<Outcome> ranks(n);
        ThreadRanks(n).run([&](Communicator& comm) { ranks[comm.rank()] = train_on(&comm); });
        for (int r = 0; r < n; ++r) expect_close(ranks[r].params, alone.params);
    }
}

}  // namespace
}  // namespace mlp
