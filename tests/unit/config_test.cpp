// Config loading: defaults, overrides, and one clear error per bad key or value.
#include <gtest/gtest.h>

#include <functional>

#include "config.hpp"
#include "mlp/error.hpp"

namespace mlp {
namespace {

std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
    try {
        parse_config(text, "exp.toml", overrides);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(Config, DefaultsAndValues) {
    const Config c = parse_config("[model]\nhidden = [60, 60]\nactivation = \"tanh\"\n[train]\nlr = 0.05\n", "a/b.toml");
    EXPECT_EQ(c.name, "b");
    EXPECT_EQ(c.model.hidden, (std::vector<int>{60, 60}));
    EXPECT_EQ(c.model.activation, "tanh");
    EXPECT_DOUBLE_EQ(c.train.lr, 0.05);
    EXPECT_EQ(c.train.batch_size, 32);
    EXPECT_EQ(c.data.dataset, "mnist");
}

TEST(Config, OverridesApplyTomlValuesAndBareWords) {
    const Config c = parse_config("", "x.toml", {"train.lr=0.5", "model.activation=relu", "model.hidden=[]",
                                                 "data.validation=test", "train.epochs=3"});
    EXPECT_DOUBLE_EQ(c.train.lr, 0.5);
    EXPECT_EQ(c.model.activation, "relu");
    EXPECT_TRUE(c.model.hidden.empty());
    EXPECT_TRUE(c.data.validation_from_test);
    EXPECT_EQ(c.train.epochs, 3);
}

TEST(Config, UnknownKeyListsValidKeys) {
    const std::string m = error_of("[train]\nlearning_rate = 0.1\n");
    EXPECT_NE(m.find("exp.toml: unknown key 'train.learning_rate'"), std::string::npos) << m;
    EXPECT_NE(m.find("batch_size"), std::string::npos) << m;
    EXPECT_NE(error_of("[optim]\nlr = 1\n").find("unknown key 'optim'"), std::string::npos);
}

TEST(Config, InvalidValuesNameTheKey) {
    EXPECT_NE(error_of("[train]\nlr = 0\n").find("exp.toml: train.lr: must be > 0"), std::string::npos);
    EXPECT_NE(error_of("[train]\nlr = -1\n").find("train.lr"), std::string::npos);
    EXPECT_NE(error_of("[model]\nhidden = [64, 0]\n").find("model.hidden"), std::string::npos);
    EXPECT_NE(error_of("[model]\nactivation = \"swish\"\n").find("model.activation: unknown activation 'swish'"),
              std::string::npos);
    EXPECT_NE(error_of("[train]\nepochs = \"ten\"\n").find("train.epochs: expected an integer, got a string"),
              std::string::npos);
    EXPECT_NE(error_of("[train]\noptimizer = \"rmsprop\"\n").find("train.optimizer"), std::string::npos);
    EXPECT_NE(error_of("[data]\nnormalize = \"zscore\"\n").find("data.normalize"), std::string::npos);
    EXPECT_NE(error_of("[data]\nvalidation = \"val\"\n").find("data.validation"), std::string::npos);
    EXPECT_NE(error_of("[model]\nbias = \"none\"\n").find("model.bias"), std::string::npos);
    EXPECT_NE(error_of("[model]\ndropout = 1.0\n").find("exp.toml: model.dropout: expected a probability"), std::string::npos);
    EXPECT_NE(error_of("[model]\ninput_dropout = -0.1\n").find("model.input_dropout: expected a probability"),
              std::string::npos);
    EXPECT_NE(error_of("[train]\nmax_norm = -3\n").find("train.max_norm: must be >= 0"), std::string::npos);
}

TEST(Config, DropoutAndMaxNormReachTheNetworkAndTheResolvedConfig) {
    const Config c = parse_config("[model]\ndropout = 0.5\ninput_dropout = 0.2\n[train]\nmax_norm = 3.5\n", "d.toml");
    const Architecture arch = architecture_of(c, 784, 10);
    EXPECT_DOUBLE_EQ(arch.dropout, 0.5);
    EXPECT_DOUBLE_EQ(arch.input_dropout, 0.2);
    EXPECT_DOUBLE_EQ(c.train.max_norm, 3.5);
    const Config again = parse_config(resolved_toml(c), "d.toml");
    EXPECT_DOUBLE_EQ(again.model.dropout, 0.5);
    EXPECT_DOUBLE_EQ(again.model.input_dropout, 0.2);
    EXPECT_DOUBLE_EQ(again.train.max_norm, 3.5);
}

TEST(Config, BadTomlNamesTheLine) {
    EXPECT_NE(error_of("[train]\nlr = = 3\n").find("exp.toml:2: invalid TOML"), std::string::npos);
}

TEST(Config, BadOverrideIsAnError) {
    EXPECT_NE(error_of("", {"lr=0.1"}).find("expected section.key=value"), std::string::npos);
    EXPECT_NE(error_of("", {"train.nope=1"}).find("unknown key 'train.nope'"), std::string::npos);
}

TEST(Config, ResolvedTomlRoundTrips) {
    const Config a = parse_config("[model]\nhidden = [32]\n[train]\nseed = 9\n[data]\nvalidation = 0.1\n", "r.toml");
    const Config b = parse_config(resolved_toml(a), "r.toml");
    EXPECT_EQ(b.model.hidden, a.model.hidden);
    EXPECT_EQ(b.train.seed, 9u);
    EXPECT_DOUBLE_EQ(b.data.validation, 0.1);
    EXPECT_EQ(resolved_toml(a), resolved_toml(b));
}

}  // namespace
}  // namespace mlp
