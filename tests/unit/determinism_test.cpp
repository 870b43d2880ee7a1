// Same config, seed and thread count give bit-identical weights, run after run, on every
// kernel choice; another thread count changes them in the last bits only. Runs the mlp
// binary on real MNIST.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "mlp/file.hpp"
#include "mlp/safetensors.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

// Trains 784-512-10 at batch 256 (products large enough to be split over the team) on
// 3000 images and returns the saved weights' bytes.
std::string train_weights(const std::string& dir, const std::string& name, int threads, const std::string& gemm) {
    write_file_atomic(dir + "/" + name + ".toml",
                      "[data]\ndir = \"data/mnist\"\nvalidation = 500\ntrain_size = 3000\n"
                      "[model]\nhidden = [512]\nactivation = \"sigmoid\"\ninit = \"fan_in\"\n"
                      "[train]\nepochs = 1\nbatch_size = 256\nlr = 0.1\nseed = 5\nvalidations_per_epoch = 1\n"
                      "threads = " + std::to_string(threads) + "\ngemm = \"" + gemm + "\"\n");
    const auto r = test::run(test::mlp_binary() + " train --config " + dir + "/" + name + ".toml --out " + dir +
                             "/" + name);
    EXPECT_EQ(r.status, 0) << r.output;
    return read_text(dir + "/" + name + "/model.safetensors");
}

TEST(Determinism, SameConfigSeedAndThreadsGiveIdenticalWeights) {
    const std::string dir = test::temp_dir("determinism");
    for (const char* gemm : {"auto", "onednn"}) {
        const std::string a = train_weights(dir, std::string(gemm) + "_a", 2, gemm);
        const std::string b = train_weights(dir, std::string(gemm) + "_b", 2, gemm);
        ASSERT_GT(a.size(), 784u * 512u * 4u);
        EXPECT_TRUE(a == b) << gemm << ": two runs with 2 threads differ";
    }
}

TEST(Determinism, ThreadCountChangesWeightsOnlyInTheLastBits) {
    // Two threads share the step by hidden units and sum partial products in rank order,
    // so the weights differ from one thread's by rounding only.
    const std::string dir = test::temp_dir("determinism_threads");
    train_weights(dir, "one", 1, "auto");
    train_weights(dir, "two", 2, "auto");
    const auto one = load_model(dir + "/one/model.safetensors", nullptr);
    const auto two = load_model(dir + "/two/model.safetensors", nullptr);
    ASSERT_EQ(one->params.size(), two->params.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < one->params.size(); ++i)
        worst = std::max(worst, double(std::abs(one->params.data()[i] - two->params.data()[i])));
    EXPECT_GT(worst, 0.0);  // the two really took different paths
    EXPECT_LT(worst, 1e-4);
}

}  // namespace
}  // namespace mlp
