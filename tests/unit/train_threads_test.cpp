// train.threads = "auto" (the default): the CPUs the process may use, resolved when the
// config is read and recorded as the number in the run's config.toml, so a rerun or a
// --resume from it runs on the same team and gives the same bits; counts still work, and
// anything else is a one-line error.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sched.h>

#include <cstdlib>
#include <string>

#include "config.hpp"
#include "config_schema.hpp"
#include "data_test_support.hpp"
#include "mlp/error.hpp"
#include "mlp/thread_team.hpp"

namespace mlp {
namespace {

int affinity_count() {
    cpu_set_t set;
    CPU_ZERO(&set);
    EXPECT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
    return CPU_COUNT(&set);
}

std::string error_of(const std::vector<std::string>& overrides) {
    try {
        parse_config("", "threads.toml", overrides);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(TrainThreads, AutoIsTheDefaultAndResolvesToTheAffinityCount) {
    EXPECT_EQ(available_cores(), affinity_count());
    for (const ConfigKey& key : config_keys())
        if (key.path() == "train.threads") {
            EXPECT_EQ(config_key_default(key), "'auto'");
        }
    const Config unset = parse_config("", "threads.toml");
    EXPECT_EQ(unset.train.threads, affinity_count());
    EXPECT_EQ(parse_config("", "threads.toml", {"train.threads=auto"}).train.threads, affinity_count());
    EXPECT_EQ(parse_config("", "threads.toml", {"train.threads=\"auto\""}).train.threads, affinity_count());
    EXPECT_EQ(parse_config("", "threads.toml", {"train.threads=3"}).train.threads, 3);
    // The resolved config records the number, not the word.
    const std::string resolved = resolved_toml(unset);
    EXPECT_NE(resolved.find("threads = " + std::to_string(affinity_count())), std::string::npos) << resolved;
    EXPECT_EQ(resolved.find("threads = 'auto'"), std::string::npos);
}

TEST(TrainThreads, AutoFollowsTheAffinityMask) {
    cpu_set_t was;
    ASSERT_EQ(sched_getaffinity(0, sizeof was, &was), 0);
    int first = 0;
    while (!CPU_ISSET(first, &was)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
    const int cores = available_cores();
    const Config c = parse_config("", "threads.toml");
    ASSERT_EQ(sched_setaffinity(0, sizeof was, &was), 0);
    EXPECT_EQ(cores, 1);
    EXPECT_EQ(c.train.threads, 1);
    // Read back from the resolved config (what a rerun or --resume reads), the number stays.
    EXPECT_EQ(parse_config(resolved_toml(c), "config.toml").train.threads, 1);
}

TEST(TrainThreads, OtherValuesAreOneLineErrors) {
    for (const std::string value : {"autox", "-1", "0", "257", "1.5", "\"\"", "true"}) {
        const std::string e = error_of({"train.threads=" + value});
        EXPECT_NE(e.find("threads.toml: train.threads: expected"), std::string::npos) << value << ": " << e;
        EXPECT_EQ(e.find('\n'), std::string::npos) << e;
    }
    EXPECT_NE(error_of({"train.threads=autox"}).find("expected a thread count 1..256 or \"auto\", got \"autox\""),
              std::string::npos);
    EXPECT_NE(error_of({"train.threads=0"}).find("got 0"), std::string::npos);
}

// A run started on one CPU records threads = 1; its --resume, with more CPUs free, keeps it.
TEST(TrainThreads, RunRecordsTheResolvedCountAndResumeKeepsIt) {
    if (std::system("taskset -c 0 true >/dev/null 2>&1") != 0) GTEST_SKIP() << "taskset -c 0 is not available here";
    const std::string dir = testing::scratch_dir("train_threads_auto");
    std::string table = "f0,f1,label\n";
    for (int i = 0; i < 40; ++i) table += std::to_string(i % 5) + "," + std::to_string(i % 3) + ".5," + std::to_string(i % 2) + "\n";
    testing::write_text(dir + "/t.csv", table);
    testing::write_text(dir + "/tiny.toml", "[data]\ndataset = \"csv\"\nfile = \"" + dir +
                                                "/t.csv\"\n[model]\nhidden = [4]\n[train]\nepochs = 2\nbatch_size = 8\n");
    const std::string run = dir + "/run";
    const testing::CommandResult trained =
        testing::run_mlp("train --quiet --no-report --config " + dir + "/tiny.toml --out " + run);
    ASSERT_EQ(trained.status, 0) << trained.err;
    const std::string resolved = testing::read_whole(run + "/config.toml");
    EXPECT_NE(resolved.find("threads = " + std::to_string(affinity_count())), std::string::npos) << resolved;

    const std::string pinned = dir + "/pinned";
    const std::string mlp_binary = MLP_BINARY;
    // Under taskset -c 0, auto resolves to 1 and config.toml says so.
    const std::string pinned_run = "cd '" + dir + "' && taskset -c 0 '" + mlp_binary +
                                   "' train --quiet --no-report --config tiny.toml --out pinned --set train.max_steps=3";
    ASSERT_EQ(std::system((pinned_run + " >/dev/null 2>&1").c_str()), 0);
    EXPECT_NE(testing::read_whole(pinned + "/config.toml").find("threads = 1\n"), std::string::npos);
    // Resumed without taskset: the recorded 1 is used, not the CPUs free now.
    const testing::CommandResult resumed = testing::run_mlp("train --quiet --no-report --resume " + pinned);
    ASSERT_EQ(resumed.status, 0) << resumed.err;
    EXPECT_NE(testing::read_whole(pinned + "/config.toml").find("threads = 1\n"), std::string::npos);
    const auto metrics = nlohmann::json::parse(testing::read_whole(pinned + "/metrics.json"));
    EXPECT_EQ(metrics["threads"], 1);
}

}  // namespace
}  // namespace mlp
