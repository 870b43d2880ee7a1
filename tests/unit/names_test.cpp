// Issue 22: every enum's names come from one table (names.hpp). The helpers on a small
// table, then each enum's table: names and values unique, parse and name inverse to each
// other, and the error message listing the table's names in order.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "mlp/activation.hpp"
#include "mlp/architecture.hpp"
#include "mlp/dataset.hpp"
#include "mlp/gemm_backend.hpp"
#include "mlp/init.hpp"
#include "mlp/names.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/trainer.hpp"
#include "data_test_support.hpp"

namespace mlp {
namespace {

enum class Fruit { apple, pear, plum };
constexpr NamedValue<Fruit> kFruitNames[] = {{"pear", Fruit::pear}, {"apple", Fruit::apple}};

using testing::error_of;

TEST(Names, HelpersReadTheTableInItsOrder) {
    EXPECT_EQ(parse_named(kFruitNames, "apple", "fruit"), Fruit::apple);
    EXPECT_EQ(name_of(kFruitNames, Fruit::pear), "pear");
    EXPECT_EQ(name_of(kFruitNames, Fruit::plum), "?");
    EXPECT_EQ(names_of(kFruitNames), (std::vector<std::string>{"pear", "apple"}));
    EXPECT_EQ(error_of([] { parse_named(kFruitNames, "Apple", "fruit"); }),
              "unknown fruit 'Apple' (expected pear or apple)");
}

TEST(Names, JoinNamesWritesAListInWords) {
    EXPECT_EQ(join_names({}), "");
    EXPECT_EQ(join_names({"a"}), "a");
    EXPECT_EQ(join_names({"a", "b"}), "a or b");
    EXPECT_EQ(join_names({"a", "b", "c"}), "a, b or c");
}

// Names and values each appear once, and parse(name(v)) == v for every entry.
template <class E, std::size_t N, class Parse, class Name>
void expect_one_to_one(const NamedValue<E> (&table)[N], Parse parse, Name name) {
    std::set<std::string> names;
    std::set<E> values;
    for (const NamedValue<E>& entry : table) {
        EXPECT_TRUE(names.insert(entry.name).second) << entry.name;
        EXPECT_TRUE(values.insert(entry.value).second) << entry.name;
        EXPECT_EQ(parse(entry.name), entry.value) << entry.name;
        EXPECT_EQ(name(entry.value), entry.name);
    }
}

TEST(Names, EveryTableIsOneToOne) {
    expect_one_to_one(kActivationNames, parse_activation, activation_name);
    expect_one_to_one(kInitNames, parse_init, init_name);
    expect_one_to_one(kOptimizerNames, parse_optimizer, optimizer_name);
    expect_one_to_one(kNormalizeNames, parse_normalize, normalize_name);
    expect_one_to_one(kBiasModeNames, parse_bias_mode, bias_mode_name);
    expect_one_to_one(kDivergencePolicyNames, parse_divergence_policy, divergence_policy_name);
    // parse_gemm_backend also refuses "own" without AVX-512; the table alone is checked here.
    expect_one_to_one(
        kGemmBackendNames, [](const std::string& s) { return parse_named(kGemmBackendNames, s, "GEMM backend"); },
        gemm_backend_name);
}

TEST(Names, EveryTableCoversItsEnum) {
    EXPECT_EQ(std::size(kActivationNames), 6u);
    EXPECT_EQ(std::size(kInitNames), 6u);
    EXPECT_EQ(std::size(kOptimizerNames), 4u);
    EXPECT_EQ(std::size(kNormalizeNames), 7u);
    EXPECT_EQ(std::size(kBiasModeNames), 2u);
    EXPECT_EQ(std::size(kDivergencePolicyNames), 2u);
    EXPECT_EQ(std::size(kGemmBackendNames), 5u);
}

TEST(Names, ErrorsListTheNamesFromTheTable) {
    EXPECT_EQ(error_of([] { parse_activation("swish"); }),
              "unknown activation 'swish' (expected sigmoid, improved_sigmoid, tanh, relu, leaky_relu or identity)");
    EXPECT_EQ(error_of([] { parse_init("orthogonal"); }),
              "unknown init 'orthogonal' (expected uniform, fan_in, xavier_uniform, xavier_normal, he or normal)");
    EXPECT_EQ(error_of([] { parse_optimizer("rmsprop"); }),
              "unknown optimizer 'rmsprop' (expected sgd, momentum, nesterov or adam)");
    EXPECT_EQ(error_of([] { parse_normalize("zscore"); }),
              "unknown normalization 'zscore' (expected global, per_feature, per_channel, mean_image, scale255, centered255 "
              "or none)");
    EXPECT_EQ(error_of([] { parse_bias_mode("both"); }), "unknown bias convention 'both' (expected explicit or trick)");
    EXPECT_EQ(error_of([] { parse_divergence_policy("ignore"); }),
              "unknown divergence policy 'ignore' (expected stop or reduce_lr)");
    EXPECT_EQ(error_of([] { parse_gemm_backend("mkl"); }),
              "unknown GEMM backend 'mkl' (expected auto, onednn, openblas, own or reference)");
}

}  // namespace
}  // namespace mlp
