// The `mlp` command as a user meets it: help, info, gradcheck, and one-line errors with a
// non-zero exit for bad configs and bad data.
#include <gtest/gtest.h>

#include "mlp/file.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

using test::run;

std::string write_config(const std::string& name, const std::string& text) {
    const std::string path = test::temp_dir("cli-" + name) + "/" + name + ".toml";
    write_file_atomic(path, text);
    return path;
}

void expect_one_line_error(const test::CommandResult& r, const std::string& fragment) {
    EXPECT_NE(r.status, 0) << r.output;
    EXPECT_EQ(test::count_lines(r.output), 1) << r.output;
    EXPECT_EQ(r.output.rfind("mlp: error: ", 0), 0u) << r.output;
    EXPECT_NE(r.output.find(fragment), std::string::npos) << r.output;
}

TEST(Cli, EverySubcommandHasHelp) {
    for (const char* sub : {"train", "eval", "info", "gradcheck"}) {
        const auto r = run(test::mlp_binary() + " " + sub + " --help");
        EXPECT_EQ(r.status, 0) << sub;
        EXPECT_NE(r.output.find("--"), std::string::npos) << sub;
    }
}

TEST(Cli, InfoPrintsBiasTrickParameterCount) {
    const auto cfg = write_config("trick", "[model]\nhidden = [64]\nbias = \"trick\"\n");
    const auto r = run(test::mlp_binary() + " info --config " + cfg);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("parameters: 50880\n"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("flops per step"), std::string::npos) << r.output;
    const auto deep = run(test::mlp_binary() + " info --config " + cfg + " --set model.hidden=[60,60]");
    EXPECT_NE(deep.output.find("parameters: 51300\n"), std::string::npos) << deep.output;
}

TEST(Cli, GradcheckPassesForEveryActivation) {
    const auto cfg = write_config("gc", "[model]\nhidden = [12, 9]\ninit = \"xavier_normal\"\n[train]\nl2 = 0.001\n");
    for (const char* act : {"sigmoid", "improved_sigmoid", "tanh", "relu", "leaky_relu", "identity"})
        for (const char* bias : {"explicit", "trick"}) {
            const auto r = run(test::mlp_binary() + " gradcheck --random-inputs --config " + cfg +
                               " --set model.activation=" + act + " --set model.bias=" + bias);
            EXPECT_EQ(r.status, 0) << act << " " << bias << "\n" << r.output;
            EXPECT_NE(r.output.find("gradcheck passed"), std::string::npos) << r.output;
        }
}

TEST(Cli, GradcheckOnRealMnist) {
    const auto cfg = write_config("gcm", "[data]\ndir = \"data/mnist\"\n[model]\nhidden = [16]\ninit = \"fan_in\"\n");
    const auto r = run(test::mlp_binary() + " gradcheck --config " + cfg);
    EXPECT_EQ(r.status, 0) << r.output;
}

TEST(Cli, UnknownConfigKeyListsValidKeys) {
    const auto cfg = write_config("unknown", "[train]\nlearning_rate = 0.1\n");
    const auto r = run(test::mlp_binary() + " info --config " + cfg);
    expect_one_line_error(r, "unknown key 'train.learning_rate' (valid keys in [train]: epochs, max_steps, batch_size, lr");
}

TEST(Cli, InvalidValuesAreOneLineErrors) {
    const auto cfg = write_config("invalid", "");
    expect_one_line_error(run(test::mlp_binary() + " info --config " + cfg + " --set train.lr=0"), "train.lr");
    expect_one_line_error(run(test::mlp_binary() + " info --config " + cfg + " --set model.hidden=[0]"),
                          "model.hidden");
    expect_one_line_error(run(test::mlp_binary() + " info --config " + cfg + " --set model.activation=swish"),
                          "unknown activation 'swish'");
    expect_one_line_error(run(test::mlp_binary() + " info --config nope.toml"), "nope.toml: no such config file");
}

TEST(Cli, MissingDataSaysHowToFetch) {
    const auto cfg = write_config("missing", "[data]\ndir = \"no/such/dir\"\n");
    expect_one_line_error(run(test::mlp_binary() + " train --config " + cfg + " --out " + test::temp_dir("missing-run")),
                          "run scripts/fetch_data.sh mnist");
}

TEST(Cli, TruncatedIdxIsAOneLineError) {
    const std::string dir = test::temp_dir("truncated");
    run("cp data/mnist/*-ubyte " + dir + " && truncate -s 1000000 " + dir + "/train-images-idx3-ubyte");
    const auto cfg = write_config("truncated", "[data]\ndir = \"" + dir + "\"\n");
    const std::string out = test::temp_dir("truncated-run");
    const auto r = run(test::mlp_binary() + " train --config " + cfg + " --out " + out);
    expect_one_line_error(r, "train-images-idx3-ubyte: truncated IDX file (1000000 bytes, header declares 47040016)");
    EXPECT_FALSE(file_exists(out + "/metrics.json"));
}

TEST(Cli, CountMismatchIsAOneLineError) {
    const std::string dir = test::temp_dir("mismatch");
    // Labels of the test set beside images of the training set.
    run("cp data/mnist/*-ubyte " + dir + " && cp data/mnist/t10k-labels-idx1-ubyte " + dir +
        "/train-labels-idx1-ubyte");
    const auto cfg = write_config("mismatch", "[data]\ndir = \"" + dir + "\"\n");
    expect_one_line_error(run(test::mlp_binary() + " train --config " + cfg + " --out " + dir + "/run"),
                          "10000 labels for 60000 images");
}

}  // namespace
}  // namespace mlp
