// Issue 16: every config key, through --set, with hostile values (huge, negative, NaN,
// inf, empty, wrong type, 64-bit overflow): the config reader answers with mlp::Error
// alone, and `mlp info` (config, data shape, network) exits 0 or 1 with at most one line
// `mlp: error: ...`, never an abort. The keys come from the schema table, so a new key is
// covered the day it is added.
#include <gtest/gtest.h>

#include "config.hpp"
#include "config_schema.hpp"
#include "data_test_support.hpp"
#include "mlp/error.hpp"

namespace mlp {
namespace {

const std::vector<std::string> kHostile = {"1e300",  "-1",   "-2147483649", "9223372036854775808", "nan",    "inf",
                                           "-inf",   "''",   "[1, 2]",      "[]",                  "true",   "{ a = 1 }",
                                           "\"x\"", "0",    "1e-320",      "2147483648"};

std::vector<std::string> settable_keys() {
    std::vector<std::string> keys;
    for (const ConfigKey& k : config_keys())
        if (!k.section.empty()) keys.push_back(k.path());
    return keys;
}

TEST(Issue16, HostileSetValuesForEveryKeyAreOneLineErrorsInTheReader) {
    int matrix = 0, refused = 0;
    for (const std::string& key : settable_keys())
        for (const std::string& value : kHostile) {
            ++matrix;
            try {
                const Config c = parse_config("", "hostile.toml", {key + "=" + value});
                architecture_of(c, 784, 10);
                resolved_toml(c);
            } catch (const Error& e) {
                ++refused;
                const std::string m = e.what();
                EXPECT_EQ(m.find('\n'), std::string::npos) << key << "=" << value << ": " << m;
                EXPECT_FALSE(m.empty());
            } catch (const std::exception& e) {
                ADD_FAILURE() << key << "=" << value << " threw a " << typeid(e).name() << ": " << e.what();
            }
        }
    EXPECT_GT(matrix, 700);
    EXPECT_GT(refused, matrix / 2);
}

TEST(Issue16, HostileSetValuesForEveryKeyNeverAbortTheCli) {
    int runs = 0;
    for (const std::string& key : settable_keys())
        for (const std::string& value : kHostile) {
            const testing::CommandResult r =
                testing::run_mlp("info --config experiments/mnist_default.toml --set '" + key + "=" + value + "'");
            ++runs;
            ASSERT_TRUE(r.status == 0 || r.status == 1) << key << "=" << value << ": exit " << r.status << "\n" << r.err;
            if (r.status == 0) continue;
            EXPECT_EQ(r.err.rfind("mlp: error: ", 0), 0u) << key << "=" << value << ": " << r.err;
            EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << key << "=" << value << ": " << r.err;
        }
    EXPECT_GT(runs, 700);
}

}  // namespace
}  // namespace mlp
