// End to end on real MNIST: one epoch of 784-64-10 reaches ≥ 90 % test accuracy, the
// run directory holds every promised file and field, and `mlp eval` agrees with it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mlp/file.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

TEST(MnistEndToEnd, OneEpochOf784_64_10ReachesNinetyPercent) {
    const std::string dir = test::temp_dir("e2e");
    write_file_atomic(dir + "/e2e.toml",
                      "[data]\ndir = \"data/mnist\"\nvalidation = 10000\n"
                      "[model]\nhidden = [64]\nactivation = \"sigmoid\"\ninit = \"fan_in\"\n"
                      "[train]\nepochs = 1\nbatch_size = 32\nlr = 0.1\nseed = 3\n");
    const auto r = test::run(test::mlp_binary() + " train --config " + dir + "/e2e.toml --out " + dir + "/run");
    ASSERT_EQ(r.status, 0) << r.output;
    for (const char* file : {"config.toml", "history.csv", "metrics.json", "model.safetensors"})
        EXPECT_TRUE(file_exists(dir + "/run/" + file)) << file;
    const auto m = nlohmann::json::parse(read_text(dir + "/run/metrics.json"));
    for (const char* key : {"train_accuracy", "val_accuracy", "test_accuracy", "train_loss", "val_loss", "test_loss",
                            "parameters", "epochs", "steps", "seconds", "seed"})
        EXPECT_TRUE(m.contains(key)) << key;
    EXPECT_GE(m["test_accuracy"].get<double>(), 0.90);
    EXPECT_EQ(m["parameters"].get<int>(), 784 * 64 + 64 + 64 * 10 + 10);
    EXPECT_EQ(m["steps"].get<int>(), 1563);  // ceil(50,000 / 32)
    EXPECT_EQ(m["seed"].get<int>(), 3);
    const std::string history = read_text(dir + "/run/history.csv");
    EXPECT_EQ(history.rfind("step,epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n", 0), 0u);
    EXPECT_EQ(test::count_lines(history), 1 + 5);  // header + 5 validations

    const auto e = test::run(test::mlp_binary() + " eval --model " + dir + "/run");
    ASSERT_EQ(e.status, 0) << e.output;
    char expected[64];
    std::snprintf(expected, sizeof expected, "accuracy: %.4f", m["test_accuracy"].get<double>());
    EXPECT_NE(e.output.find(expected), std::string::npos) << e.output;
    EXPECT_NE(e.output.find("confusion matrix"), std::string::npos);
}

}  // namespace
}  // namespace mlp
