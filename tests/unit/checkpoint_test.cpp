// Checkpoint files: exact round trip, and a clear error for every kind of damage:
// empty, foreign, truncated, flipped bits, newer versions, huge declared sizes, bad
// invariants; a failed write leaves the previous file intact.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "mlp/checkpoint.hpp"
#include "mlp/file.hpp"
#include "mlp_process.hpp"

namespace mlp {
namespace {

Checkpoint sample_checkpoint() {
    Checkpoint c;
    c.batch_size = 32;
    TrainState& s = c.state;
    s.epoch = 3;
    s.position = 5;
    s.steps = 47;
    s.next_check = 2;
    s.order = {4, 2, 0, 1, 3, 5};
    Rng rng(7);
    rng.normal();
    s.shuffle = rng.state();
    s.loss_sum = 1.25;
    s.correct = 17;
    s.seen = 40;
    s.best_val = 0.5;
    s.checks_without_improvement = 1;
    s.best_step = 40;
    s.stopped_early = false;
    s.lr_scale = 0.5;
    s.divergence_retries = 1;
    s.seconds = 12.5;
    s.history = {{10, 0.5, 1.0, 0.4, std::nan(""), std::nan(""), 0.1, 1.0}, {20, 1.0, 0.8, 0.6, 0.7, 0.55, 0.1, 2.0}};
    c.params = Buffer<float>(10);
    c.first = Buffer<float>(10);
    c.second = Buffer<float>(10);
    c.best_params = Buffer<float>(10);
    for (int i = 0; i < 10; ++i) {
        c.params[i] = 0.1f * i - 0.3f;
        c.first[i] = 1e-3f * i;
        c.second[i] = 1e-6f * i;
        c.best_params[i] = -0.2f * i;
    }
    c.optimizer_steps = 47;
    return c;
}

std::string decode_error(const std::vector<std::uint8_t>& bytes) {
    try {
        decode_checkpoint(bytes.data(), bytes.size(), "run/checkpoint.bin");
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

// Rewrites the checksum after an edit, to reach the checks behind it.
void reseal(std::vector<std::uint8_t>& bytes) {
    const std::size_t payload = bytes.size() - 24 - 64;
    const std::string sum = sha256_hex(bytes.data() + 24, payload);
    std::memcpy(bytes.data() + 24 + payload, sum.data(), 64);
}

// The offset of the order's element count: header, batch size, then the state scalars.
constexpr std::size_t kOrderCount = 24 + 4 + 130;

TEST(Checkpoint, RoundTripIsExact) {
    const Checkpoint c = sample_checkpoint();
    const std::vector<std::uint8_t> bytes = encode_checkpoint(c);
    const Checkpoint d = decode_checkpoint(bytes.data(), bytes.size(), "x");
    EXPECT_EQ(encode_checkpoint(d), bytes);
    EXPECT_EQ(d.state.order, c.state.order);
    EXPECT_EQ(d.state.steps, 47);
    EXPECT_EQ(d.state.shuffle.s, c.state.shuffle.s);
    EXPECT_EQ(d.state.shuffle.has_spare, true);
    ASSERT_EQ(d.state.history.size(), 2u);
    EXPECT_TRUE(std::isnan(d.state.history[0].val_loss));
    EXPECT_EQ(d.state.history[1].val_acc, 0.55);
    EXPECT_EQ(std::memcmp(d.params.data(), c.params.data(), 40), 0);
    EXPECT_EQ(std::memcmp(d.second.data(), c.second.data(), 40), 0);
    EXPECT_EQ(d.optimizer_steps, 47);
    EXPECT_EQ(std::memcmp(bytes.data(), "MLPCKPT\n", 8), 0);
}

TEST(Checkpoint, ZeroLengthFileIsAClearError) {
    EXPECT_EQ(decode_error({}), "run/checkpoint.bin: empty checkpoint file (0 bytes)");
}

TEST(Checkpoint, ForeignFileHasBadMagic) {
    const std::string text = "step,epoch,train_loss\n";
    EXPECT_EQ(decode_error(std::vector<std::uint8_t>(text.begin(), text.end())),
              "run/checkpoint.bin: not an mlp checkpoint (bad magic)");
}

TEST(Checkpoint, TruncationAnywhereIsDetected) {
    const std::vector<std::uint8_t> bytes = encode_checkpoint(sample_checkpoint());
    for (std::size_t cut : {std::size_t(8), std::size_t(30), bytes.size() / 2, bytes.size() - 1}) {
        const std::string message = decode_error(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + cut));
        EXPECT_NE(message.find("truncated"), std::string::npos) << "cut at " << cut << ": " << message;
    }
}

TEST(Checkpoint, AFlippedBitFailsTheChecksum) {
    const std::vector<std::uint8_t> bytes = encode_checkpoint(sample_checkpoint());
    for (std::size_t at : {std::size_t(24), std::size_t(200), bytes.size() - 70}) {
        std::vector<std::uint8_t> damaged = bytes;
        damaged[at] ^= 0x10;
        EXPECT_EQ(decode_error(damaged), "run/checkpoint.bin: checkpoint checksum mismatch: the file is damaged");
    }
}

TEST(Checkpoint, NewerVersionIsRefused) {
    std::vector<std::uint8_t> bytes = encode_checkpoint(sample_checkpoint());
    bytes[8] = 2;
    EXPECT_EQ(decode_error(bytes), "run/checkpoint.bin: checkpoint version 2 (this mlp reads version 1)");
}

TEST(Checkpoint, HugeDeclaredCountIsRefusedWithoutAllocating) {
    std::vector<std::uint8_t> bytes = encode_checkpoint(sample_checkpoint());
    ASSERT_EQ(bytes[kOrderCount], 6);  // the order has 6 entries
    for (int i = 0; i < 8; ++i) bytes[kOrderCount + i] = i == 7 ? 0x10 : 0;  // 2^60 entries
    reseal(bytes);
    const std::string message = decode_error(bytes);
    EXPECT_NE(message.find("field 'order': declares 1152921504606846976 entries"), std::string::npos) << message;
}

TEST(Checkpoint, OrderMustBeAPermutation) {
    std::vector<std::uint8_t> bytes = encode_checkpoint(sample_checkpoint());
    bytes[kOrderCount + 8] = 2;  // order[0] = 2, which order[1] also is
    reseal(bytes);
    EXPECT_NE(decode_error(bytes).find("not a permutation of the 6 training rows"), std::string::npos);
    bytes[kOrderCount + 8] = 60;  // out of range
    reseal(bytes);
    EXPECT_NE(decode_error(bytes).find("not a permutation"), std::string::npos);
}

TEST(Checkpoint, OptimizerStateMustMatchTheParameters) {
    Checkpoint c = sample_checkpoint();
    c.first = Buffer<float>(3);
    const std::vector<std::uint8_t> bytes = encode_checkpoint(c);
    EXPECT_NE(decode_error(bytes).find("field 'first': 3 values for 10 parameters"), std::string::npos);
}

class CheckpointFile : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/mlp_checkpoint_XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        dir = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    std::string dir;
};

TEST_F(CheckpointFile, SaveAndLoad) {
    save_checkpoint(dir + "/checkpoint.bin", sample_checkpoint());
    EXPECT_EQ(load_checkpoint(dir + "/checkpoint.bin").state.steps, 47);
    EXPECT_FALSE(file_exists(dir + "/checkpoint.bin.tmp"));
}

TEST_F(CheckpointFile, UnwritableDirectoryIsAClearError) {
    // Tests may run as root, which permissions do not stop: a directory under a regular file does.
    write_file_atomic(dir + "/plain", std::string("x"));
    try {
        save_checkpoint(dir + "/plain/checkpoint.bin", sample_checkpoint());
        FAIL() << "writing under a regular file succeeded";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), dir + "/plain/checkpoint.bin: cannot create (Not a directory)");
    }
}

// Writes a second checkpoint over the first in a child process whose file-size limit is
// below the checkpoint's size, as a nearly full disk would; reports the error text.
std::string save_with_size_limit(const std::string& path, const Checkpoint& c, rlim_t limit) {
    return test::error_with_file_size_limit(limit, [&] { save_checkpoint(path, c); });
}

TEST_F(CheckpointFile, FailedWriteLeavesThePreviousCheckpointIntact) {
    const std::string path = dir + "/checkpoint.bin";
    save_checkpoint(path, sample_checkpoint());
    const std::vector<std::uint8_t> before = read_file(path);
    Checkpoint next = sample_checkpoint();
    next.state.steps = 48;
    const std::string message = save_with_size_limit(path, next, before.size() / 2);
    EXPECT_EQ(message, path + ": cannot write (File too large)");
    EXPECT_EQ(read_file(path), before);
    EXPECT_FALSE(file_exists(path + ".tmp"));
}

TEST_F(CheckpointFile, FullDiskLeavesThePreviousCheckpointIntact) {
    // A real ENOSPC needs a small file system; mounting one needs privileges CI may lack.
    const std::string mount_point = dir + "/small";
    std::filesystem::create_directory(mount_point);
    if (mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=16k") != 0)
        GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno) << ")";
    const std::string path = mount_point + "/checkpoint.bin";
    Checkpoint small = sample_checkpoint();
    std::string message = "(no error)";
    try {
        save_checkpoint(path, small);
        const std::vector<std::uint8_t> before = read_file(path);
        Checkpoint big = small;  // 4 × 8000 floats do not fit beside the first file
        for (Buffer<float>* b : {&big.params, &big.first, &big.second, &big.best_params}) *b = Buffer<float>(8000);
        try {
            save_checkpoint(path, big);
        } catch (const Error& e) {
            message = e.what();
        }
        EXPECT_EQ(read_file(path), before);
        EXPECT_FALSE(file_exists(path + ".tmp"));
    } catch (...) {
        umount(mount_point.c_str());
        throw;
    }
    umount(mount_point.c_str());
    EXPECT_EQ(message, path + ": cannot write (No space left on device)");
}

}  // namespace
}  // namespace mlp
