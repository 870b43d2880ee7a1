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
    int rows = 0;  // table rows inside the "## Protocol" sections
    for (std::size_t section = 0; (section = summary.find("## Protocol", section)) != std::string::npos; ++section) {
        const std::size_t end = summary.find("\n## ", section + 1);
        const std::string text = summary.substr(section, end == std::string::npos ? std::string::npos : end - section);
        for (std::size_t at = 0; (at = text.find("\n| ", at)) != std::string::npos; ++at) ++rows;
    }
    // Each protocol's table: a header row plus one row per run.
    EXPECT_EQ(rows, protocols * (1 + runs_per_protocol)) << summary;
    EXPECT_EQ(summary.find("failed"), std::string::npos) << summary;
}

TEST(Reproduce, MnistTdt4265Group) { reproduce_quickly("mnist_tdt4265", 9, 2); }
TEST(Reproduce, MnistCsc411Group) { reproduce_quickly("mnist_csc411", 2, 1); }

// Seeds, per-run settings and names, and [[command]] steps, on a tiny fixture group.
TEST(Reproduce, SeedsRunSettingsAndCommands) {
    const std::string dir = test::temp_dir("reproduce-fixture");
    const std::string group = "tests/fixtures/reproduce_group";
    const std::string args = " --runs " + dir + "/runs --out " + dir + "/results";
    auto r = test::run(test::mlp_binary() + " reproduce " + group + args);
    ASSERT_EQ(r.status, 0) << r.output;
    for (const char* run : {"tiny", "tiny-seed2", "tiny_momentum", "tiny_momentum-seed2"})
        EXPECT_TRUE(file_exists(dir + "/runs/small/" + run + "/metrics.json")) << run;
    EXPECT_NE(read_text(dir + "/runs/small/tiny_momentum/config.toml").find("optimizer = 'momentum'"),
              std::string::npos);
    const std::string summary = read_text(dir + "/results/summary.md");
    EXPECT_NE(summary.find("n=2)"), std::string::npos) << summary;
    EXPECT_NE(summary.find("## gradient cost"), std::string::npos) << summary;
    EXPECT_NE(summary.find("| 3 | 64 |"), std::string::npos) << summary;  // depth 3 of --depths 1,2,3

    // A second run reuses every finished run and the command's output.
    r = test::run(test::mlp_binary() + " reproduce " + group + args);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.find("naive"), std::string::npos) << r.output;

    // --quick replaces option values with quick_args and keeps one seed.
    r = test::run(test::mlp_binary() + " reproduce " + group + " --quick" + args + "-quick");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_FALSE(file_exists(dir + "/runs-quick/small/tiny-seed2/metrics.json"));
    const std::string quick = read_text(dir + "/results-quick/summary.md");
    EXPECT_NE(quick.find("--depths 1 "), std::string::npos) << quick;
    EXPECT_EQ(quick.find("| 2 | 64 |"), std::string::npos) << quick;
}

TEST(Reproduce, UnknownGroupIsAnError) {
    const auto r = test::run(test::mlp_binary() + " reproduce no_such_group");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("experiments/no_such_group/group.toml: no such group"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace mlp
