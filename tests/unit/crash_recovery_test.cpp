// `mlp train` under SIGKILL, Ctrl-C, SIGTERM, damaged checkpoints, unwritable and full
// disks, and divergence, run as a real process on MNIST. A killed or interrupted run,
// resumed with `mlp train --resume`, must end exactly where an uninterrupted run ends:
// model.safetensors byte for byte, and every history column but `seconds` (wall time)
// bit for bit, compared through the full-precision history in the final checkpoint.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "mlp/checkpoint.hpp"
#include "mlp/file.hpp"
#include "mlp_process.hpp"

namespace mlp {
namespace {

using test::Finished;
using test::MlpProcess;
using test::TempDir;
using test::run_mlp;

// 10,000 MNIST rows, 784-64-10, 2 epochs of 200 steps, 5 checks per epoch, early stopping.
std::vector<std::string> train_args(const std::string& out, long checkpoint_every) {
    return {"train", "--config", "experiments/mnist_default.toml", "--out", out, "--quiet",
            "--set", "data.train_size=10000", "--set", "data.validation=2000", "--set", "model.hidden=[64]",
            "--set", "train.batch_size=50", "--set", "train.epochs=2", "--set", "train.patience=3",
            "--set", "train.checkpoint_every=" + std::to_string(checkpoint_every)};
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The finished run in `dir` equals the reference run in `ref`.
void expect_same_run(const std::string& ref, const std::string& dir) {
    EXPECT_EQ(read_file(ref + "/model.safetensors"), read_file(dir + "/model.safetensors"))
        << "model.safetensors differs";
    const Checkpoint a = load_checkpoint(ref + "/checkpoint.bin"), b = load_checkpoint(dir + "/checkpoint.bin");
    EXPECT_EQ(a.state.steps, b.state.steps);
    ASSERT_EQ(a.state.history.size(), b.state.history.size());
    for (std::size_t i = 0; i < a.state.history.size(); ++i) {
        const HistoryRow &x = a.state.history[i], &y = b.state.history[i];
        SCOPED_TRACE("history row " + std::to_string(i));
        EXPECT_EQ(x.step, y.step);
        EXPECT_TRUE(same_bits(x.epoch, y.epoch));
        EXPECT_TRUE(same_bits(x.train_loss, y.train_loss)) << x.train_loss << " vs " << y.train_loss;
        EXPECT_TRUE(same_bits(x.train_acc, y.train_acc));
        EXPECT_TRUE(same_bits(x.val_loss, y.val_loss)) << x.val_loss << " vs " << y.val_loss;
        EXPECT_TRUE(same_bits(x.val_acc, y.val_acc));
        EXPECT_TRUE(same_bits(x.lr, y.lr));
    }
    EXPECT_EQ(std::memcmp(a.params.data(), b.params.data(), a.params.size() * 4), 0);
    // history.csv too, without its last column (seconds).
    auto without_seconds = [](const std::string& csv) {
        std::string out;
        std::istringstream in(csv);
        for (std::string line; std::getline(in, line);) out += line.substr(0, line.rfind(',')) + "\n";
        return out;
    };
    EXPECT_EQ(without_seconds(read_text(ref + "/history.csv")), without_seconds(read_text(dir + "/history.csv")));
}

class CrashRecovery : public ::testing::Test {
protected:
    // The uninterrupted run to compare with (checkpoints only at epoch ends).
    std::string reference() {
        const std::string dir = tmp / "reference";
        const Finished f = run_mlp(train_args(dir, 0), dir);
        EXPECT_EQ(f.exit_code, 0) << f.err;
        return dir;
    }
    TempDir tmp;
    std::mt19937 random{std::random_device{}()};
};

// Waits until the run in `dir` has checkpointed step `step` or later; false if it ended first.
bool wait_for_checkpoint(MlpProcess& process, const std::string& dir, long step) {
    ino_t seen = 0;
    while (process.running()) {
        const ino_t now = test::inode_of(dir + "/checkpoint.bin");
        if (now != 0 && now != seen) {
            seen = now;
            try {
                if (load_checkpoint(dir + "/checkpoint.bin").state.steps >= step) return true;
            } catch (const Error&) {  // replaced while being read: look again
                seen = 0;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
}

TEST_F(CrashRecovery, KilledAtARandomStepResumesToTheSameWeightsAndHistory) {
    const long target = std::uniform_int_distribution<long>(7, 300)(random);
    const int delay_ms = std::uniform_int_distribution<int>(0, 20)(random);
    SCOPED_TRACE("SIGKILL " + std::to_string(delay_ms) + " ms after the checkpoint of step >= " +
                 std::to_string(target));
    const std::string ref = reference();
    const std::string dir = tmp / "killed";
    {
        MlpProcess run(train_args(dir, 7), tmp / "killed");
        ASSERT_TRUE(wait_for_checkpoint(run, dir, target)) << "the run ended before step " << target << ": "
                                                           << run.wait().err;
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        run.send(SIGKILL);
        const Finished f = run.wait();
        ASSERT_EQ(f.signal, SIGKILL) << "the run ended on its own before the kill: " << f.err;
    }
    EXPECT_FALSE(file_exists(dir + "/metrics.json"));
    const long resumed_at = load_checkpoint(dir + "/checkpoint.bin").state.steps;
    EXPECT_GE(resumed_at, target);
    const Finished resumed = run_mlp({"train", "--resume", dir}, tmp / "resumed");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("resuming at step " + std::to_string(resumed_at)), std::string::npos) << resumed.err;
    expect_same_run(ref, dir);
}

class Interrupted : public CrashRecovery, public ::testing::WithParamInterface<int> {};

TEST_P(Interrupted, WritesACheckpointExitsWithAResumeHintAndResumesExactly) {
    const int signal = GetParam();
    const long target = std::uniform_int_distribution<long>(11, 300)(random);
    SCOPED_TRACE("signal " + std::to_string(signal) + " after the checkpoint of step >= " + std::to_string(target));
    const std::string ref = reference();
    const std::string dir = tmp / "interrupted";
    Finished f;
    {
        MlpProcess run(train_args(dir, 11), tmp / "interrupted");
        ASSERT_TRUE(wait_for_checkpoint(run, dir, target)) << run.wait().err;
        run.send(signal);
        f = run.wait();
    }
    ASSERT_EQ(f.exit_code, 128 + signal) << f.err;
    const std::string name = signal == SIGINT ? "SIGINT" : "SIGTERM";
    const long steps = load_checkpoint(dir + "/checkpoint.bin").state.steps;
    EXPECT_NE(f.err.find("mlp: interrupted by " + name + " at step " + std::to_string(steps)), std::string::npos)
        << f.err;
    EXPECT_NE(f.err.find("resume with: mlp train --resume " + dir + "\n"), std::string::npos) << f.err;
    EXPECT_FALSE(file_exists(dir + "/metrics.json"));
    const Finished resumed = run_mlp({"train", "--resume", dir, "--quiet"}, tmp / "resumed");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    expect_same_run(ref, dir);
}

INSTANTIATE_TEST_SUITE_P(Signals, Interrupted, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) { return info.param == SIGINT ? "SIGINT" : "SIGTERM"; });

// A short finished run to damage: 1 epoch of 500 rows.
std::vector<std::string> small_args(const std::string& out) {
    return {"train", "--config", "experiments/mnist_default.toml", "--out", out, "--quiet",
            "--set", "data.train_size=500", "--set", "data.validation=500", "--set", "model.hidden=[16]",
            "--set", "train.epochs=1", "--set", "train.patience=0"};
}

TEST_F(CrashRecovery, DamagedCheckpointIsAClearError) {
    const std::string dir = tmp / "run";
    ASSERT_EQ(run_mlp(small_args(dir), tmp / "first").exit_code, 0);
    std::vector<std::uint8_t> bytes = read_file(dir + "/checkpoint.bin");
    bytes[bytes.size() / 2] ^= 1;
    write_file_atomic(dir + "/checkpoint.bin", bytes.data(), bytes.size());
    const Finished f = run_mlp({"train", "--resume", dir}, tmp / "resume");
    EXPECT_EQ(f.exit_code, 1);
    EXPECT_EQ(f.err, "mlp: error: " + dir + "/checkpoint.bin: checkpoint checksum mismatch: the file is damaged\n");

    write_file_atomic(dir + "/checkpoint.bin", std::string());
    EXPECT_EQ(run_mlp({"train", "--resume", dir}, tmp / "resume").err,
              "mlp: error: " + dir + "/checkpoint.bin: empty checkpoint file (0 bytes)\n");
}

TEST_F(CrashRecovery, ResumeWithoutACheckpointSaysHowToStartAgain) {
    const std::string dir = tmp / "run";
    make_directories(dir);
    write_file_atomic(dir + "/config.toml", read_text("experiments/mnist_default.toml"));
    const Finished f = run_mlp({"train", "--resume", dir}, tmp / "resume");
    EXPECT_EQ(f.exit_code, 1);
    EXPECT_NE(f.err.find("no checkpoint to resume from"), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("mlp train --config " + dir + "/config.toml --out " + dir), std::string::npos) << f.err;
    EXPECT_EQ(run_mlp({"train", "--resume", tmp / "nothing"}, tmp / "resume").err,
              "mlp: error: " + (tmp / "nothing") + ": not a run directory (no config.toml)\n");
}

TEST_F(CrashRecovery, UnwritableRunDirectoryIsAClearError) {
    // Tests may run as root, which permissions do not stop: a path under a regular file,
    // and /proc, refuse everyone.
    write_file_atomic(tmp / "plain", std::string("x"));
    Finished f = run_mlp(small_args(tmp / "plain/run"), tmp / "under_file");
    EXPECT_EQ(f.exit_code, 1);
    EXPECT_NE(f.err.find("mlp: error: " + (tmp / "plain/run") + ": cannot create directory"), std::string::npos)
        << f.err;
    f = run_mlp(small_args("/proc/mlp_run"), tmp / "proc");
    EXPECT_EQ(f.exit_code, 1);
    EXPECT_NE(f.err.find("mlp: error: /proc/mlp_run: cannot create directory"), std::string::npos) << f.err;
}

TEST_F(CrashRecovery, FullDiskWhileCheckpointingKeepsThePreviousCheckpoint) {
    const std::string dir = tmp / "run";
    ASSERT_EQ(run_mlp(small_args(dir), tmp / "first").exit_code, 0);
    const std::vector<std::uint8_t> before = read_file(dir + "/checkpoint.bin");
    const long steps = load_checkpoint(dir + "/checkpoint.bin").state.steps;
    // A second epoch whose checkpoint cannot be written: files are limited to 64 KiB.
    const Finished f = run_mlp({"train", "--resume", dir, "--set", "train.epochs=2"}, tmp / "full", 64 << 10);
    EXPECT_EQ(f.exit_code, 1);
    EXPECT_NE(f.err.find("mlp: error: " + dir + "/checkpoint.bin: cannot write (File too large) (writing the "
                                                 "checkpoint of step " + std::to_string(2 * steps) +
                         "; the checkpoint of step " + std::to_string(steps) + " is intact)"),
              std::string::npos)
        << f.err;
    EXPECT_EQ(read_file(dir + "/checkpoint.bin"), before);
    EXPECT_FALSE(file_exists(dir + "/checkpoint.bin.tmp"));
}

TEST_F(CrashRecovery, FullDiskWhileWritingResultsIsAClearError) {
    const std::string dir = tmp / "run";
    ASSERT_EQ(run_mlp(small_args(dir), tmp / "first").exit_code, 0);
    const std::vector<std::uint8_t> model = read_file(dir + "/model.safetensors");
    // Resuming a finished run only rewrites its results; the model file cannot be written.
    const Finished f = run_mlp({"train", "--resume", dir}, tmp / "full", 16 << 10);
    EXPECT_EQ(f.exit_code, 1);
    EXPECT_NE(f.err.find("mlp: error: " + dir + "/model.safetensors: cannot write (File too large)"),
              std::string::npos)
        << f.err;
    EXPECT_EQ(read_file(dir + "/model.safetensors"), model);
    EXPECT_FALSE(file_exists(dir + "/metrics.json"));  // an unfinished result is never presented as one
}

TEST_F(CrashRecovery, DivergenceNamesTheStepAndKeepsTheLastGoodCheckpoint) {
    // Raw pixels (0..255) into a linear model at lr 1e36: step 1 leaves finite weights near
    // 1e37, whose logits at step 2 overflow float (Inf, then a NaN loss).
    const std::string dir = tmp / "run";
    const Finished f = run_mlp({"train", "--config", "experiments/mnist_default.toml", "--out", dir, "--quiet",
                                "--set", "data.train_size=1000", "--set", "data.validation=100", "--set",
                                "data.normalize=none", "--set", "model.hidden=[]", "--set", "train.optimizer=sgd",
                                "--set", "train.lr=1e36", "--set", "train.patience=0", "--set",
                                "train.checkpoint_every=1"},
                               tmp / "diverged");
    EXPECT_EQ(f.exit_code, 1);
    const Checkpoint last = load_checkpoint(dir + "/checkpoint.bin");
    const long step = last.state.steps + 1;
    EXPECT_NE(f.err.find("mlp: error: training diverged at step " + std::to_string(step) + " (epoch 1): "),
              std::string::npos)
        << f.err;
    EXPECT_NE(f.err.find("the last good checkpoint (step " + std::to_string(last.state.steps) +
                         ") is kept: resume it with a lower lr, e.g. mlp train --resume " + dir +
                             " --force --set train.lr=5e+35\n"),
              std::string::npos)
        << f.err;
    for (float w : last.params) ASSERT_TRUE(std::isfinite(w));
    EXPECT_FALSE(file_exists(dir + "/metrics.json"));
}

}  // namespace
}  // namespace mlp
