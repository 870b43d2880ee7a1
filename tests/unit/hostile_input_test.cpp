// Hostile input across every file reader: zero-length files and sizes declared far beyond
// the file are clear errors (never a crash, never a huge allocation). The fuzz targets in
// tests/fuzz explore the same readers at random; inputs they found live here by name.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "config.hpp"
#include "mlp/checkpoint.hpp"
#include "mlp/cifar10.hpp"
#include "mlp/csv.hpp"
#include "mlp/error.hpp"
#include "mlp/idx.hpp"
#include "mlp/npy.hpp"
#include "mlp/safetensors.hpp"
#include "run_dir.hpp"

namespace mlp {
namespace {

template <class F>
std::string error_of(F&& read) {
    try {
        read();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(HostileInput, ZeroLengthFilesAreClearErrors) {
    const std::vector<std::uint8_t> none;
    EXPECT_NE(error_of([&] { parse_idx_images(none, "x.idx"); }).find("x.idx: truncated IDX header"),
              std::string::npos);
    EXPECT_NE(error_of([&] { parse_idx_labels(none, "x.idx"); }).find("x.idx: truncated IDX header"),
              std::string::npos);
    EXPECT_EQ(error_of([&] { parse_safetensors(none, "m.safetensors", nullptr); }),
              "m.safetensors: truncated safetensors file (0 bytes)");
    EXPECT_EQ(error_of([&] { decode_checkpoint(none.data(), 0, "checkpoint.bin"); }),
              "checkpoint.bin: empty checkpoint file (0 bytes)");
    EXPECT_EQ(error_of([&] { parse_history_csv("", "history.csv"); }).rfind("history.csv: not a history file", 0), 0u);
    Dataset cifar;
    EXPECT_EQ(error_of([&] { parse_cifar10_batch(none, "b.bin", cifar); }).rfind("b.bin: empty file", 0), 0u);
    EXPECT_EQ(error_of([&] { parse_npy(none, "x.npy"); }).rfind("x.npy: ", 0), 0u);
    EXPECT_EQ(error_of([&] { parse_npy(none, "x.npy"); }).find("(no error)"), std::string::npos);
    EXPECT_EQ(error_of([&] { parse_csv("", "t.csv", CsvOptions{}); }), "t.csv: no data rows (the file is empty)");
    // An empty config is valid: every key has a default.
    EXPECT_EQ(error_of([&] { parse_config("", "empty.toml"); }), "(no error)");
}

// A safetensors file with one tensor entry `entry` (JSON) and `data` bytes behind the header.
std::vector<std::uint8_t> safetensors_with(const std::string& entry, std::size_t data) {
    const std::string header = "{\"w\":" + entry + "}";
    std::string file(8, '\0');  // the header length, little-endian
    for (int i = 0; i < 8; ++i) file[i] = static_cast<char>(header.size() >> (8 * i));
    file += header;
    file.append(data, '\0');
    return {file.begin(), file.end()};
}

TEST(HostileInput, SafetensorsShapeWhoseElementCountWrapsAroundIsRefused) {
    // 2^32 · 2^32 elements wrap to 0 in 64 bits, which would match the 0 data bytes declared.
    const auto bytes = safetensors_with(
        R"({"dtype":"F32","shape":[65536,65536,65536,65536],"data_offsets":[0,0]})", 0);
    EXPECT_EQ(error_of([&] { parse_safetensors(bytes, "m.safetensors", nullptr); }),
              "m.safetensors: tensor 'w' has shape [65536,65536,65536,65536], more elements than the file's 0 data "
              "bytes hold");
}

TEST(HostileInput, SafetensorsHugeOffsetsAreRefused) {
    const auto bytes = safetensors_with(
        R"({"dtype":"F32","shape":[4],"data_offsets":[0,18446744073709551615]})", 16);
    EXPECT_EQ(error_of([&] { parse_safetensors(bytes, "m.safetensors", nullptr); }),
              "m.safetensors: tensor 'w' has data_offsets outside the file");
}

TEST(HostileInput, IdxHugeDeclaredImageCountIsRefused) {
    // 2^31−1 images of 255×255: 139 GB declared in a 16-byte file.
    const std::vector<std::uint8_t> bytes{0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 255, 0, 0, 0, 255};
    EXPECT_NE(error_of([&] { parse_idx_images(bytes, "x.idx"); }).find("x.idx"), std::string::npos);
    EXPECT_EQ(error_of([&] { parse_idx_images(bytes, "x.idx"); }).find("(no error)"), std::string::npos);
}

TEST(HostileInput, HistoryCsvNonNumericAndShortRowsAreRefused) {
    const std::string header = "step,epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n";
    EXPECT_EQ(error_of([&] { parse_history_csv(header + "1,2,3\n", "h.csv"); }), "h.csv:2: expected 8 columns, found 3");
    EXPECT_EQ(error_of([&] { parse_history_csv(header + "1,2,x,4,5,6,7,8\n", "h.csv"); }),
              "h.csv:2: malformed value 'x'");
}

// Found by the history_csv fuzz target (tests/fuzz/regressions/history_csv/): a step of
// 3e27 was cast to long, which is undefined behaviour.
TEST(HostileInput, HistoryCsvStepBeyondTheRangeOfLongIsRefused) {
    const std::string header = "step,epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n";
    for (const char* step : {"3000000000000000000000000044", "nan", "-1", "2.5", "inf"})
        EXPECT_EQ(error_of([&] { parse_history_csv(header + step + ",0.4,0.8,0,0.9,0.0,1,1.5\n", "h.csv"); }),
                  "h.csv:2: step must be a whole number from 0 to 1e15")
            << step;
    EXPECT_EQ(parse_history_csv(header + "172,0.4,0.8,0,0.9,0.0,1,1.5\n", "h.csv").at(0).step, 172);
}

// Found by the npy fuzz target (tests/fuzz/regressions/npy/): a uint64 label of 2^64 − 1
// was cast to long long for the error message, which is undefined behaviour.
TEST(HostileInput, NpyUint64LabelBeyondLongLongIsAClearError) {
    std::string header = "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header += '\n';
    std::string file = std::string("\x93NUMPY\x01\x00", 8) + char(header.size() & 0xff) + char(header.size() >> 8);
    file += header + std::string(8, '\xff');
    const std::vector<std::uint8_t> bytes(file.begin(), file.end());
    EXPECT_EQ(error_of([&] { npy_labels(parse_npy(bytes, "y.npy"), "y.npy"); }),
              "y.npy: label 18446744073709551616 at row 0 (expected a class index 0..K-1)");
}

}  // namespace
}  // namespace mlp
