// `mlp search`: plan expansion, and a real tiny search that fails one trial and resumes.
#include <gtest/gtest.h>

#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "search.hpp"
#include "mlp_process.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

TEST(SearchPlan, GridIsTheFullProductInOrder) {
    const SearchPlan p = plan_search_text(
        "[train]\nepochs = 2\n[search]\n[search.grid]\n\"train.lr\" = [0.1, 0.01]\n"
        "\"model.hidden\" = [[64], [32, 32], [8]]\n",
        "g.toml");
    EXPECT_EQ(p.mode, "grid");
    ASSERT_EQ(p.trials.size(), 6u);
    EXPECT_EQ(p.trials[0].id, "trial-000");
    EXPECT_EQ(p.trials[0].overrides, (std::vector<std::string>{"model.hidden=[64]", "train.lr=0.1"}));
    EXPECT_EQ(p.trials[1].overrides[1], "train.lr=0.01");
    EXPECT_EQ(p.trials[3].overrides[0], "model.hidden=[32, 32]");
    EXPECT_EQ(p.base_config.find("search"), std::string::npos);
    EXPECT_NE(p.base_config.find("epochs = 2"), std::string::npos);
}

TEST(SearchPlan, RandomDrawsStayInRangeAndRepeatWithTheSeed) {
    const std::string text =
        "[search]\nmode = \"random\"\ntrials = 20\nseed = 4\nmetric = \"val_loss\"\n[search.random]\n"
        "\"train.lr\" = {min = 1e-4, max = 1e-1, log = true}\n"
        "\"train.batch_size\" = {min = 16, max = 256, integer = true}\n"
        "\"model.activation\" = {choices = [\"relu\", \"leaky_relu\"]}\n";
    const SearchPlan a = plan_search_text(text, "r.toml"), b = plan_search_text(text, "r.toml");
    EXPECT_FALSE(a.maximize);  // a loss is minimised
    ASSERT_EQ(a.trials.size(), 20u);
    int small_lr = 0;
    for (std::size_t i = 0; i < a.trials.size(); ++i) {
        EXPECT_EQ(a.trials[i].overrides, b.trials[i].overrides);
        const auto& o = a.trials[i].overrides;  // keys in table order: model.activation, train.batch_size, train.lr
        EXPECT_TRUE(o[0] == "model.activation=\"relu\"" || o[0] == "model.activation=\"leaky_relu\"") << o[0];
        const int batch = std::stoi(o[1].substr(o[1].find('=') + 1));
        EXPECT_GE(batch, 16);
        EXPECT_LE(batch, 256);
        const double lr = std::stod(o[2].substr(o[2].find('=') + 1));
        EXPECT_GE(lr, 1e-4);
        EXPECT_LE(lr, 1e-1);
        small_lr += lr < 3e-3;  // log-uniform: about half the draws below the geometric middle
    }
    EXPECT_GE(small_lr, 4);
    EXPECT_LE(small_lr, 16);
}

TEST(SearchPlan, BadSectionsAreErrors) {
    EXPECT_THROW(plan_search_text("[train]\n", "x.toml"), Error);
    EXPECT_THROW(plan_search_text("[search]\nmode = \"grid\"\n", "x.toml"), Error);
    EXPECT_THROW(plan_search_text("[search]\nwrkers = 2\n[search.grid]\n\"train.lr\" = [1]\n", "x.toml"), Error);
    EXPECT_THROW(plan_search_text("[search]\n[search.grid]\nlr = [1]\n", "x.toml"), Error);
    EXPECT_THROW(plan_search_text("[search]\nmode=\"random\"\ntrials=2\n[search.random]\n\"train.lr\" = {min=0, max=1, log=true}\n", "x.toml"), Error);
}

TEST(SearchCommand, RecordsAFailedTrialAndResumes) {
    const std::string dir = test::temp_dir("search");
    write_file_atomic(dir + "/tiny.toml",
                      "[data]\ndir = \"data/mnist\"\nvalidation = 500\n"
                      "[model]\nhidden = [16]\n[train]\nepochs = 1\n"
                      "[search]\nworkers = 2\n[search.grid]\n\"data.train_size\" = [2000, 99999]\n\"model.init\" = [\"fan_in\"]\n");
    const std::string out = dir + "/out";
    const auto first = test::run(test::mlp_binary() + " search --config " + dir + "/tiny.toml --out " + out);
    EXPECT_EQ(first.status, 0) << first.output;
    EXPECT_NE(first.output.find("trial-001 FAILED: mlp: error: data.train_size: 99999 exceeds"), std::string::npos) << first.output;
    EXPECT_TRUE(file_exists(out + "/trial-000/metrics.json"));
    EXPECT_TRUE(file_exists(out + "/trial-001/failed.txt"));
    EXPECT_TRUE(file_exists(out + "/best.toml"));
    const std::string md = read_text(out + "/trials.md");
    EXPECT_NE(md.find("| 1 | trial-000 | done | 2000 | fan_in |"), std::string::npos) << md;
    EXPECT_NE(md.find("| - | trial-001 | failed |"), std::string::npos) << md;
    // One report for the search (its finished trials, named by their values), none per trial.
    EXPECT_NE(first.output.find("report of the best 1: " + out + "/report/report.html"), std::string::npos)
        << first.output;
    EXPECT_NE(read_text(out + "/report/report.html").find("trial-000: train_size=2000, init=fan_in"), std::string::npos);
    EXPECT_TRUE(file_exists(out + "/report/figures/learning_curves.png"));
    EXPECT_FALSE(file_exists(out + "/trial-000/report.html"));

    // Resume: a finished trial is skipped, a removed one runs again.
    test::run("rm " + out + "/trial-000/metrics.json");
    const auto second = test::run(test::mlp_binary() + " search --config " + dir + "/tiny.toml --out " + out);
    EXPECT_NE(second.output.find("2 trials (grid), 1 to run"), std::string::npos) << second.output;
    EXPECT_TRUE(file_exists(out + "/trial-000/metrics.json"));
}


// Issue 23: SIGTERM to the search alone (not its process group) used to leave its trials
// running as orphans, and a trial stopped by SIGTERM (exit 143) was recorded as failed.
TEST(Issue23, ASignalToTheSearchStopsItsTrialsWhichTheNextSearchResumes) {
    const test::TempDir tmp;
    write_file_atomic(tmp / "slow.toml",
                      "[data]\ndir = \"data/mnist\"\nvalidation = 500\ntrain_size = 20000\n"
                      "[model]\nhidden = [64]\n[train]\nepochs = 3\nbatch_size = 20\ncheckpoint_every = 20\n"
                      "[search]\nworkers = 1\n[search.grid]\n\"train.seed\" = [1, 2]\n");
    const std::string out = tmp / "out";
    test::Finished stopped;
    {
        test::MlpProcess search({"search", "--config", tmp / "slow.toml", "--out", out}, tmp / "first");
        for (int i = 0; i < 3000 && search.running() && !file_exists(out + "/trial-000/checkpoint.bin"); ++i)
            usleep(10000);
        search.send(SIGTERM);
        stopped = search.wait();
    }
    ASSERT_EQ(stopped.exit_code, 128 + SIGTERM) << stopped.out << stopped.err;
    EXPECT_NE(stopped.out.find("trial-000 interrupted (left for a resumed search)"), std::string::npos) << stopped.out;
    EXPECT_NE(read_text(out + "/trial-000/train.log").find("interrupted by SIGTERM"), std::string::npos);
    EXPECT_FALSE(file_exists(out + "/trial-000/failed.txt"));
    EXPECT_FALSE(file_exists(out + "/trial-001")) << "a trial started after the signal";
    const test::Finished resumed = test::run_mlp({"search", "--config", tmp / "slow.toml", "--out", out}, tmp / "second");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
    EXPECT_NE(resumed.out.find("2 trials (grid), 2 to run"), std::string::npos) << resumed.out;
    EXPECT_NE(resumed.out.find("trial-000: resuming from its checkpoint"), std::string::npos) << resumed.out;
    EXPECT_TRUE(file_exists(out + "/trial-000/metrics.json"));
    EXPECT_TRUE(file_exists(out + "/trial-001/metrics.json"));
}

}  // namespace
}  // namespace mlp
