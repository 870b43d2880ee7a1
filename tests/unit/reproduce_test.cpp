// Every course group runs end to end in its --quick form (1 epoch, 600 images), so the
// committed configs cannot rot.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mlp/file.hpp"
#include "mlp_process.hpp"
#include "report_test_support.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

// Returns the directory holding runs/ and results/.
std::string reproduce_quickly(const std::string& group, int runs_per_protocol, int protocols) {
    const std::string dir = test::temp_dir("reproduce-" + group);
    const auto r = test::run(test::mlp_binary() + " reproduce " + group + " --quick --runs " + dir + "/runs --out " +
                             dir + "/results");
    EXPECT_EQ(r.status, 0) << r.output;
    if (r.status != 0) return dir;
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
    return dir;
}

TEST(Reproduce, MnistTdt4265Group) {
    const std::string dir = reproduce_quickly("mnist_tdt4265", 9, 2);
    // The group's [[figure]] entries: learning curves of 4, 3 and 3 runs, per protocol,
    // one Tableau colour per run and no more, linked from summary.md.
    const std::string summary = read_text(dir + "/results/summary.md");
    // Both protocols validate on the test images: the test column says it is that set.
    int on_test_headers = 0;
    for (std::size_t at = 0; (at = summary.find("| test acc (= the validation set) |", at)) != std::string::npos; ++at)
        ++on_test_headers;
    EXPECT_EQ(on_test_headers, 2) << summary;
    const std::pair<const char*, int> figures[] = {{"task3_tricks", 4}, {"task4_widths", 3}, {"task4_depth", 3}};
    const std::uint32_t colours[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd};
    for (const char* protocol : {"course", "full"})
        for (const auto& [name, runs] : figures) {
            const std::string file = std::string(name) + "-" + protocol + ".png";
            EXPECT_NE(summary.find("](" + file + ")"), std::string::npos) << file << " not linked:\n" << summary;
            const auto png = test::decode_png_file(dir + "/results/" + file);
            EXPECT_EQ(png.width, 1920) << file;
            EXPECT_GT(png.height, 700) << file;
            for (int k = 0; k < runs; ++k) EXPECT_GT(png.near(colours[k]), 100) << file << ": run " << k << " not drawn";
            EXPECT_EQ(png.near(colours[runs]), 0) << file << ": a colour too many";
        }
}

TEST(Reproduce, FigureNamingAnUnknownRunIsAnError) {
    const std::string dir = test::temp_dir("reproduce-bad-figure");
    write_file_atomic(dir + "/a2c_baseline.toml", read_text("experiments/mnist_tdt4265/a2c_baseline.toml"));
    write_file_atomic(dir + "/group.toml",
                      "title = \"bad\"\n[[run]]\nconfig = \"a2c_baseline.toml\"\n"
                      "[[figure]]\nname = \"curves\"\nruns = [\"a2c_baseline\", \"a9_missing\"]\n");
    const auto r = test::run(test::mlp_binary() + " reproduce " + dir + " --quick --runs " + dir + "/runs --out " +
                             dir + "/results");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("mlp: error: " + dir + "/group.toml: figure curves: runs: 'a9_missing' is not the name"),
              std::string::npos)
        << r.output;
    EXPECT_FALSE(file_exists(dir + "/runs")) << "runs started before the group was checked";
}

TEST(Reproduce, MnistCsc411Group) {
    const std::string dir = reproduce_quickly("mnist_csc411", 3, 1);
    // Parts 2 and 3 validate on the test images, part 7 on held-out training rows: a mixed
    // table marks the two cells instead of the column. Without the face features (made by
    // scripts/face_features.sh) part 7 does not run, and the column says it.
    const std::string summary = read_text(dir + "/results/summary.md");
    int marked = 0;
    for (std::size_t at = 0; (at = summary.find("% (the validation set) |", at)) != std::string::npos; ++at) ++marked;
    if (summary.find("| 7 MLP on face-network features (NPY), 64 hidden | not run: needs") != std::string::npos)
        EXPECT_NE(summary.find("| test acc (= the validation set) |"), std::string::npos) << summary;
    else
        EXPECT_EQ(marked, 2) << summary;
}

// CIFAR-10 from the shared data folder: one run of each config (the other 13 differ from
// c3 only by `set`), with max_steps, mean-image normalisation and the first-N test column.
TEST(Reproduce, Cifar10HlcvGroup) {
    const std::string dir = test::temp_dir("reproduce-cifar10_hlcv");
    const auto r = test::run(test::mlp_binary() + " reproduce cifar10_hlcv --quick --runs " + dir + "/runs --out " +
                             dir + "/results --only c1_baseline c2_tuned_512 c3_128_256_e30");
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string summary = read_text(dir + "/results/summary.md");
    for (const char* label : {"| 1 baseline 3072-50-10", "| 2 tuned, 512 hidden", "| 3 Adam 128-256, 30 epochs"}) {
        const std::size_t row = summary.find(label);
        ASSERT_NE(row, std::string::npos) << label << " missing:\n" << summary;
        const std::string line = summary.substr(row, summary.find('\n', row) - row);
        EXPECT_NE(line.find("(1000)"), std::string::npos) << "no first-1000 test accuracy: " << line;
    }
    EXPECT_EQ(summary.find("failed"), std::string::npos) << summary;
    EXPECT_EQ(summary.find("(= the validation set)"), std::string::npos) << "validates on 1,000 training images";
    EXPECT_NE(summary.find("| 3 Adam 64, 10 epochs | not run yet (`build/mlp reproduce cifar10_hlcv --only c3_64_e10`)"),
              std::string::npos)
        << summary;
}

// The records group (--quick: 1 epoch on 600 images, one seed): one table row per run with
// its target and anchor, the augmented runs labelled non-permutation-invariant there, in
// their metrics.json and in their resolved config.toml, and no verdict for a quick run.
TEST(Reproduce, RecordsGroup) {
    const std::string dir = reproduce_quickly("records", 5, 1);
    const std::string summary = read_text(dir + "/results/summary.md");
    ASSERT_NE(summary.find("| run | protocol | test acc over seeds, % | target | met? | anchor |"), std::string::npos)
        << summary;
    auto row = [&](const std::string& label) {
        const std::size_t at = summary.find("| " + label + " |");
        return at == std::string::npos ? std::string() : summary.substr(at, summary.find('\n', at) - at);
    };
    const std::string pi = row("MNIST, 784-1024-1024-10, dropout + max-norm");
    EXPECT_NE(pi.find("| permutation-invariant |"), std::string::npos) << pi;
    EXPECT_NE(pi.find("| 99.00 % | – (a --quick run) | dropout + max-norm MLP, 98.95-99.05 %"), std::string::npos) << pi;
    EXPECT_NE(pi.find("| 1863690 | 1 |"), std::string::npos) << pi;
    const std::string shifted = row("MNIST, 784-1024-1024-10, elastic distortion + shifts ±1 px");
    EXPECT_NE(shifted.find("| **non-permutation-invariant** (translate ±1 px, zero fill, elastic α 34 σ 4 px) |"),
              std::string::npos)
        << shifted;
    const std::string cropped = row("CIFAR-10, 3072-1024×3-10, crops (pad 2) + flips");
    EXPECT_NE(cropped.find("(translate ±2 px, zero fill, horizontal flip)"), std::string::npos) << cropped;
    EXPECT_NE(cropped.find("| 65.00 % |"), std::string::npos) << cropped;
    for (const char* figure : {"mnist_fashion_curves-records.png", "cifar10_curves-records.png"}) {
        EXPECT_TRUE(file_exists(dir + "/results/" + figure)) << figure;
        EXPECT_NE(summary.find(std::string("](") + figure + ")"), std::string::npos) << figure;
    }

    const std::string run = dir + "/runs/records/r2_mnist_translate";
    const std::string metrics = read_text(run + "/metrics.json");
    EXPECT_NE(metrics.find("\"permutation_invariant\": false"), std::string::npos) << metrics;
    const std::string config = read_text(run + "/config.toml");
    EXPECT_NE(config.find("# Augmented (translate ±1 px, zero fill, elastic α 34 σ 4 px): not permutation-invariant."),
              std::string::npos)
        << config;
    EXPECT_NE(config.find("[augment]\nelastic_alpha = 34.0\nelastic_sigma = 4.0\ntranslate = 1"), std::string::npos)
        << config;
    EXPECT_NE(read_text(dir + "/runs/records/r1_mnist_pi/metrics.json").find("\"permutation_invariant\": true"),
              std::string::npos);
    EXPECT_EQ(read_text(dir + "/runs/records/r1_mnist_pi/config.toml").find("augment"), std::string::npos);
}

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

// --seeds N trains the first N seeds only and the summary counts the others as missing;
// --set reaches every run, and a run of other settings is trained again, not reused.
TEST(Reproduce, FirstSeedsAndSettingsForEveryRun) {
    const std::string dir = test::temp_dir("reproduce-seeds");
    const std::string group = "tests/fixtures/reproduce_group";
    const std::string args = " --only tiny tiny_momentum --runs " + dir + "/runs --out " + dir + "/results";
    auto r = test::run(test::mlp_binary() + " reproduce " + group + " --seeds 1 --set train.batch_size=25" + args);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(file_exists(dir + "/runs/small/tiny/metrics.json"));
    EXPECT_FALSE(file_exists(dir + "/runs/small/tiny-seed2"));
    EXPECT_NE(read_text(dir + "/runs/small/tiny_momentum/config.toml").find("batch_size = 25"), std::string::npos);
    EXPECT_EQ(read_text(dir + "/results/summary.md").find("n=2)"), std::string::npos);  // one seed: no spread

    r = test::run(test::mlp_binary() + " reproduce " + group + " --seeds 1" + args);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(read_text(dir + "/runs/small/tiny_momentum/config.toml").find("batch_size = 25"), std::string::npos);

    r = test::run(test::mlp_binary() + " reproduce " + group + " --set train.no_such_key=1" + args);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("no_such_key"), std::string::npos) << r.output;
}

// Processes, other than this test, whose command line names `text` (a child left running).
int processes_naming(const std::string& text) {
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string pid = entry.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos || std::stoi(pid) == getpid()) continue;
        std::ifstream in(entry.path() / "cmdline");
        std::stringstream line;
        line << in.rdbuf();
        if (line.str().find(text) != std::string::npos) ++count;
    }
    return count;
}

// Issue 22: reproduce passes a signal on to its running child, starts nothing more, exits
// 128 + signal, and the same command run again resumes the stopped run from its checkpoint.
// `to_group`: the signal goes to reproduce's whole process group, as a Ctrl-C at the
// terminal does; the child, in a group of its own, gets it once, from reproduce.
void stop_reproduce_and_continue(const test::TempDir& tmp, int signal, bool to_group) {
    const std::string group = tmp / "group";
    make_directories(group);
    write_file_atomic(group + "/slow.toml",
                      "[data]\ndir = \"data/mnist\"\nvalidation = 500\ntrain_size = 20000\n"
                      "[model]\nhidden = [64]\n[train]\nepochs = 3\nbatch_size = 20\ncheckpoint_every = 20\n");
    write_file_atomic(group + "/group.toml",
                      "title = \"slow\"\n[[run]]\nconfig = \"slow.toml\"\nname = \"first\"\n"
                      "[[run]]\nconfig = \"slow.toml\"\nname = \"second\"\nset = [\"train.seed=2\"]\n");
    const std::vector<std::string> args{"reproduce", group, "--runs", tmp / "runs", "--out", tmp / "results"};
    const std::string first = tmp / "runs/default/first";
    test::Finished stopped;
    {
        test::MlpProcess reproduce(args, tmp / "stopped");
        for (int i = 0; i < 3000 && reproduce.running() && !file_exists(first + "/checkpoint.bin"); ++i) usleep(10000);
        if (to_group) reproduce.send_to_group(signal);
        else reproduce.send(signal);
        stopped = reproduce.wait();
    }
    const std::string name = signal == SIGINT ? "SIGINT" : "SIGTERM";
    EXPECT_EQ(processes_naming(tmp.path), 0) << "a child outlived reproduce";
    ASSERT_EQ(stopped.exit_code, 128 + signal) << stopped.out << stopped.err;
    EXPECT_NE(stopped.err.find("mlp: interrupted by " + name), std::string::npos) << stopped.err;
    EXPECT_NE(stopped.err.find("mlp: reproduce group interrupted by " + name + "; run the same command again to continue"),
              std::string::npos)
        << stopped.err;
    EXPECT_TRUE(file_exists(first + "/checkpoint.bin"));
    EXPECT_FALSE(file_exists(first + "/metrics.json"));
    EXPECT_FALSE(file_exists(tmp / "runs/default/second")) << "a run started after the signal";

    const test::Finished resumed = test::run_mlp(args, tmp / "resumed");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
    EXPECT_NE(resumed.out.find("default / first: first\n  resuming from its checkpoint"), std::string::npos)
        << resumed.out;
    EXPECT_TRUE(file_exists(first + "/metrics.json"));
    EXPECT_TRUE(file_exists(tmp / "runs/default/second/metrics.json"));
    EXPECT_EQ(read_text(tmp / "results/summary.md").find("failed"), std::string::npos);
}

TEST(Issue22, ReproduceStopsItsChildOnASignal) {
    const test::TempDir tmp;
    stop_reproduce_and_continue(tmp, SIGTERM, false);
}

TEST(Issue22, ACtrlCToReproducesGroupStopsItAndItsChild) {
    const test::TempDir tmp;
    stop_reproduce_and_continue(tmp, SIGINT, true);
}

TEST(Reproduce, UnknownGroupIsAnError) {
    const auto r = test::run(test::mlp_binary() + " reproduce no_such_group");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("experiments/no_such_group/group.toml: no such group"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace mlp
