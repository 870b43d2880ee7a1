// Determinism: the same config, seed and thread count give bit-identical weights and
// history, for 1 and for 2 threads (docs/reliability.md says what does change results).
#include <gtest/gtest.h>

#include <cstring>

#include "mlp/checkpoint.hpp"
#include "mlp/file.hpp"
#include "mlp_process.hpp"

namespace mlp {
namespace {

using test::Finished;
using test::TempDir;
using test::run_mlp;

// 6,000 MNIST rows through 784-128-64-10 with Adam: large enough GEMMs that a threaded
// library splits them.
std::vector<std::string> args(const std::string& out, int threads) {
    return {"train", "--config", "experiments/mnist_default.toml", "--out", out, "--quiet",
            "--set", "data.train_size=6000", "--set", "data.validation=1000", "--set", "model.hidden=[128, 64]",
            "--set", "train.epochs=1", "--set", "train.patience=2",
            "--set", "train.threads=" + std::to_string(threads)};
}

struct Outcome {
    std::vector<std::uint8_t> model;
    Checkpoint last;
};

Outcome train(const TempDir& tmp, const std::string& name, int threads) {
    const Finished f = run_mlp(args(tmp / name, threads), tmp / name);
    EXPECT_EQ(f.exit_code, 0) << f.err;
    return {read_file(tmp / name + "/model.safetensors"), load_checkpoint(tmp / name + "/checkpoint.bin")};
}

// Every history column but seconds, compared as bits.
std::vector<std::uint8_t> history_bits(const Checkpoint& c) {
    std::vector<std::uint8_t> bits;
    for (HistoryRow row : c.state.history) {
        row.seconds = 0.0;
        const auto* p = reinterpret_cast<const std::uint8_t*>(&row);
        bits.insert(bits.end(), p, p + sizeof row);
    }
    return bits;
}

class HistoryDeterminism : public ::testing::TestWithParam<int> {};

TEST_P(HistoryDeterminism, SameConfigSeedAndThreadsGiveIdenticalWeightsAndHistory) {
    const int threads = GetParam();
    TempDir tmp;
    const Outcome a = train(tmp, "a", threads), b = train(tmp, "b", threads);
    EXPECT_EQ(a.model, b.model) << "model.safetensors differs between two runs with " << threads << " threads";
    ASSERT_FALSE(a.last.state.history.empty());
    EXPECT_EQ(history_bits(a.last), history_bits(b.last));
    ASSERT_EQ(a.last.params.size(), b.last.params.size());
    EXPECT_EQ(std::memcmp(a.last.params.data(), b.last.params.data(), a.last.params.size() * 4), 0);
}

INSTANTIATE_TEST_SUITE_P(Threads, HistoryDeterminism, ::testing::Values(1, 2),
                         [](const auto& info) { return std::to_string(info.param) + "_threads"; });

}  // namespace
}  // namespace mlp
