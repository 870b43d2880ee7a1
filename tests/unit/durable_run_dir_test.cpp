// Issue 16: run directories that survive crashes, full disks and a second writer. Every
// exception in `mlp` is one error line; write_file_atomic uses a temporary file of its own and
// flushes file and directory; one `mlp train` at a time holds a run directory's lock.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlp/checkpoint.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp_process.hpp"

namespace mlp {
namespace {

using test::Finished;
using test::MlpProcess;
using test::TempDir;
using test::run_mlp;

// 500 MNIST rows, 784-8-10, one epoch: a run of about a second.
std::vector<std::string> tiny_args(const std::string& out) {
    return {"train", "--config", "experiments/mnist_default.toml", "--out", out, "--quiet", "--no-report",
            "--set", "data.train_size=500", "--set", "data.validation=100", "--set", "train.epochs=1",
            "--set", "model.hidden=[8]"};
}

// The names in a directory that look like temporary files ("x.tmp", "x.tmp.<pid>.<n>").
std::vector<std::string> temporaries_in(const std::string& dir) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (name.find(".tmp") != std::string::npos) found.push_back(name);
    }
    return found;
}

TEST(Issue16, AMetricsJsonDirectoryIsAnErrorNotAnAbort) {
    // remove() of a non-empty directory throws std::filesystem::filesystem_error, which main
    // did not catch: the run aborted with exit status 134.
    TempDir tmp;
    const std::string dir = tmp / "run";
    std::filesystem::create_directories(dir + "/metrics.json/inside");
    const Finished f = run_mlp(tiny_args(dir), tmp / "train");
    EXPECT_EQ(f.signal, 0) << "ended by signal " << f.signal;
    EXPECT_EQ(f.exit_code, 1) << f.err;
    EXPECT_EQ(test::count_lines(f.err), 1) << f.err;
    EXPECT_EQ(f.err.rfind("mlp: error: ", 0), 0u) << f.err;
    EXPECT_NE(f.err.find(dir + "/metrics.json"), std::string::npos) << f.err;
}

TEST(Issue16, ConcurrentWritersOfOneFileNeverLeaveATornFileOrATemporary) {
    // Writer k writes (k + 1) · 4096 + (i mod 13) bytes of the letter 'a' + k. With the old
    // shared "<file>.tmp" two writers truncated and renamed each other's temporary file.
    TempDir tmp;
    const std::string path = tmp / "shared.bin";
    constexpr int kWrites = 300;
    auto write_as = [&](int k) {
        for (int i = 0; i < kWrites; ++i)
            write_file_atomic(path, std::string(std::size_t((k + 1) * 4096 + i % 13), char('a' + k)));
    };
    write_as(0);
    // One writer in another process (forked before any thread starts), two threads here.
    const pid_t child = fork();
    if (child == 0) {
        try {
            write_as(2);
        } catch (...) {
            _exit(1);
        }
        _exit(0);
    }
    ASSERT_GT(child, 0);
    std::atomic<bool> writing{true};
    std::string torn;
    int reads = 0;
    std::thread reader([&] {
        while (writing && torn.empty()) {
            const std::vector<std::uint8_t> bytes = read_file(path);
            ++reads;
            const int k = bytes.empty() ? -1 : bytes[0] - 'a';
            const long extra = long(bytes.size()) - (k + 1) * 4096L;
            bool whole = k >= 0 && k <= 3 && extra >= 0 && extra < 13;
            for (std::uint8_t b : bytes) whole = whole && b == bytes[0];
            if (!whole) torn = std::to_string(bytes.size()) + " bytes starting with '" + char(bytes.empty() ? '?' : bytes[0]) + "'";
        }
    });
    std::thread first(write_as, 0), second(write_as, 1);
    first.join();
    second.join();
    int status = 0;
    waitpid(child, &status, 0);
    writing = false;
    reader.join();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the writer process failed";
    EXPECT_EQ(torn, "") << "a reader saw a torn file";
    EXPECT_GT(reads, 0);
    EXPECT_EQ(temporaries_in(tmp.path), std::vector<std::string>{});
}

// write_file_atomic under a file-size limit (a nearly full disk); returns the error text.
std::string write_with_size_limit(const std::string& path, const std::string& text, rlim_t limit) {
    return test::error_with_file_size_limit(limit, [&] { write_file_atomic(path, text); });
}

TEST(Issue16, AFailedWriteKeepsThePreviousContentAndLeavesNoTemporary) {
    TempDir tmp;
    const std::string path = tmp / "results.json";
    write_file_atomic(path, std::string("previous\n"));
    EXPECT_EQ(write_with_size_limit(path, std::string(8192, 'x'), 4096), path + ": cannot write (File too large)");
    EXPECT_EQ(read_text(path), "previous\n");
    EXPECT_EQ(temporaries_in(tmp.path), std::vector<std::string>{});
    // A directory that does not exist: the error names the file.
    try {
        write_file_atomic(tmp / "missing/file.txt", std::string("x"));
        FAIL() << "writing into a missing directory succeeded";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), (tmp / "missing/file.txt") + ": cannot create (No such file or directory)");
    }
}

TEST(Issue16, StaleTemporariesOfKilledWritersAreRecognised) {
    TempDir tmp;
    for (const char* name : {"checkpoint.bin.tmp", "checkpoint.bin.tmp.4242.0", "model.safetensors.tmp.17.3",
                             "notes.tmp.txt", "checkpoint.bin", "tmp"})
        write_file_atomic(tmp / name, std::string("x"));
    std::vector<std::string> removed = remove_stale_temporaries(tmp.path);
    std::sort(removed.begin(), removed.end());
    EXPECT_EQ(removed, (std::vector<std::string>{tmp / "checkpoint.bin.tmp", tmp / "checkpoint.bin.tmp.4242.0",
                                                 tmp / "model.safetensors.tmp.17.3"}));
    EXPECT_TRUE(file_exists(tmp / "notes.tmp.txt"));
    EXPECT_TRUE(file_exists(tmp / "checkpoint.bin"));
    EXPECT_TRUE(file_exists(tmp / "tmp"));
}

// 10,000 MNIST rows, 784-64-10, 3 epochs of 200 steps, a checkpoint every 5 steps.
std::vector<std::string> long_args(const std::string& out) {
    return {"train", "--config", "experiments/mnist_default.toml", "--out", out, "--quiet", "--no-report",
            "--set", "data.train_size=10000", "--set", "data.validation=1000", "--set", "model.hidden=[64]",
            "--set", "train.batch_size=50", "--set", "train.epochs=3", "--set", "train.checkpoint_every=5"};
}

// Waits until the run in `dir` has written a checkpoint; false if it ended first.
bool wait_for_checkpoint(MlpProcess& process, const std::string& dir) {
    while (process.running()) {
        if (file_exists(dir + "/checkpoint.bin")) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

TEST(Issue16, ASecondWriterOfARunDirectoryIsRefusedWithTheHoldersPid) {
    TempDir tmp;
    const std::string dir = tmp / "run";
    Finished stopped;
    {
        MlpProcess first(long_args(dir), tmp / "first");
        ASSERT_TRUE(wait_for_checkpoint(first, dir)) << first.wait().err;
        EXPECT_EQ(read_text(dir + "/.lock"), std::to_string(first.pid()) + "\n");
        const std::string refusal = "mlp: error: " + dir + ": another mlp process (PID " +
                                    std::to_string(first.pid()) + ") is writing this run directory";
        const auto started = std::chrono::steady_clock::now();
        const Finished second = run_mlp(long_args(dir), tmp / "second");
        const Finished resume = run_mlp({"train", "--resume", dir, "--quiet"}, tmp / "resume");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        for (const Finished* f : {&second, &resume}) {
            EXPECT_EQ(f->exit_code, 1) << f->err;
            EXPECT_EQ(test::count_lines(f->err), 1) << f->err;
            EXPECT_EQ(f->err.rfind(refusal, 0), 0u) << f->err;
        }
        EXPECT_LT(seconds, 5.0) << "the refusals should come before any data is loaded";
        ASSERT_TRUE(first.running()) << "the first run ended before it could be stopped; make it longer";
        EXPECT_FALSE(file_exists(dir + "/metrics.json"));
        first.send(SIGTERM);
        stopped = first.wait();
    }
    ASSERT_EQ(stopped.exit_code, 128 + SIGTERM) << stopped.err;
    // The lock died with its holder: the run can be resumed (to the end of its first epoch).
    const Finished resumed = run_mlp({"train", "--resume", dir, "--quiet", "--no-report", "--set", "train.epochs=1"},
                                     tmp / "resumed");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_TRUE(file_exists(dir + "/metrics.json"));
}

TEST(Issue16, AFullDiskKeepsTheLastCheckpointAndResumeFinishesTheRun) {
    TempDir tmp;
    const std::string dir = tmp / "run";
    ASSERT_EQ(run_mlp(tiny_args(dir), tmp / "first").exit_code, 0);
    const std::vector<std::uint8_t> before = read_file(dir + "/checkpoint.bin");
    const long steps = load_checkpoint(dir + "/checkpoint.bin").state.steps;
    // A second epoch on a disk that takes no file beyond 16 KiB: its checkpoint cannot be written.
    std::vector<std::string> second_epoch{"train", "--resume", dir, "--quiet", "--no-report", "--set",
                                          "train.epochs=2"};
    ASSERT_GT(before.size(), 16u << 10);
    const Finished full = run_mlp(second_epoch, tmp / "full", 16 << 10);
    EXPECT_EQ(full.exit_code, 1) << full.err;
    EXPECT_EQ(full.err, "mlp: error: " + dir + "/checkpoint.bin: cannot write (File too large) (writing the "
                            "checkpoint of step " + std::to_string(2 * steps) + "; the checkpoint of step " +
                            std::to_string(steps) + " is intact)\n");
    EXPECT_EQ(read_file(dir + "/checkpoint.bin"), before);
    EXPECT_EQ(load_checkpoint(dir + "/checkpoint.bin").state.steps, steps);
    EXPECT_EQ(temporaries_in(dir), std::vector<std::string>{});
    EXPECT_FALSE(file_exists(dir + "/metrics.json"));

    // The space is back: the same command finishes the run.
    const Finished resumed = run_mlp(second_epoch, tmp / "resumed");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_EQ(load_checkpoint(dir + "/checkpoint.bin").state.steps, 2 * steps);
    const nlohmann::json metrics = nlohmann::json::parse(read_text(dir + "/metrics.json"));
    EXPECT_EQ(metrics["epochs"], 2);
    EXPECT_EQ(metrics["steps"], 2 * steps);
    EXPECT_EQ(temporaries_in(dir), std::vector<std::string>{});
}

}  // namespace
}  // namespace mlp
