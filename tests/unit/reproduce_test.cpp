// Every course group runs end to end in its --quick form (1 epoch, 600 images), so the
// committed configs cannot rot.
#include <gtest/gtest.h>

#include "mlp/file.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

void reproduce_quickly(const std::string& group, int runs_per_protocol, int protocols) {
    const std::string dir = test::temp_dir("reproduce-" + group);
    const auto r = test::run(test::mlp_binary() + " reproduce " + group + " --quick --runs " + dir + "/runs --out " +
                             dir + "/results");
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string summary = read_text(dir + "/results/summary.md");
    int rows = 0;
    for (std::size_t at = 0; (at = summary.find("\n| ", at)) != std::string::npos; ++at) ++rows;
    // Each protocol's table: a header row plus one row per run.
    EXPECT_EQ(rows, protocols * (1 + runs_per_protocol)) << summary;
    EXPECT_EQ(summary.find("failed"), std::string::npos) << summary;
}

TEST(Reproduce, MnistTdt4265Group) { reproduce_quickly("mnist_tdt4265", 9, 2); }

TEST(Reproduce, UnknownGroupIsAnError) {
    const auto r = test::run(test::mlp_binary() + " reproduce no_such_group");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("experiments/no_such_group/group.toml: no such group"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace mlp
