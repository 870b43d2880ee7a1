// CIFAR-10 binary reader on generated batch files, its malformed-file errors, and the
// real copy in the shared data folder.
#include <gtest/gtest.h>

#include <cmath>

#include "data_test_support.hpp"
#include "mlp/cifar10.hpp"
#include "mlp/data_source.hpp"
#include "mlp/file.hpp"

namespace mlp {
namespace {

using testing::error_of;

// A record whose R, G and B planes are filled with r, g, b, and pixel (0, 1) of R set to 7.
std::vector<std::uint8_t> record(int label, int r, int g, int b) {
    std::vector<std::uint8_t> rec(kCifarRecord);
    rec[0] = static_cast<std::uint8_t>(label);
    std::fill(rec.begin() + 1, rec.begin() + 1 + 1024, r);
    std::fill(rec.begin() + 1 + 1024, rec.begin() + 1 + 2048, g);
    std::fill(rec.begin() + 1 + 2048, rec.end(), b);
    rec[1 + 1] = 7;
    return rec;
}

std::string write_cifar_dir(const std::string& name) {
    const std::string dir = testing::scratch_dir(name);
    for (int k = 1; k <= 5; ++k) {
        std::vector<std::uint8_t> bytes;
        for (int i = 0; i < 2; ++i) {
            const auto rec = record((k + i) % 10, 10 * k, 100 + i, 200);
            bytes.insert(bytes.end(), rec.begin(), rec.end());
        }
        testing::write_bytes(dir + "/data_batch_" + std::to_string(k) + ".bin", bytes);
    }
    testing::write_bytes(dir + "/test_batch.bin", record(3, 1, 2, 3));
    testing::write_text(dir + "/batches.meta.txt", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
    return dir;
}

TEST(Cifar10, ReadsPlanesAsChannelMajorBytes) {
    const std::string dir = write_cifar_dir("cifar_ok");
    const Dataset train = read_cifar10(dir, true);
    EXPECT_EQ(train.rows, 10);
    EXPECT_EQ(train.features, 3072);
    EXPECT_EQ(train.image_shape, (std::array<int, 3>{3, 32, 32}));
    EXPECT_TRUE(train.is_u8());
    EXPECT_TRUE(train.f32.empty());  // no float copy of the set
    EXPECT_EQ(train.labels, (std::vector<int>{1, 2, 2, 3, 3, 4, 4, 5, 5, 6}));
    // Row 4 is batch 3, record 0: R plane 30, G plane 100, B plane 200, R pixel (0, 1) = 7.
    EXPECT_EQ(train.u8[4 * 3072 + 0], 30);
    EXPECT_EQ(train.u8[4 * 3072 + 1], 7);
    EXPECT_EQ(train.u8[4 * 3072 + 1024], 100);
    EXPECT_EQ(train.u8[4 * 3072 + 3071], 200);
    EXPECT_EQ(train.class_names.front(), "a");
    EXPECT_EQ(train.class_names.back(), "j");
    EXPECT_EQ(train.checksums.size(), 5u);
    const Dataset test = read_cifar10(dir, false);
    EXPECT_EQ(test.rows, 1);
    EXPECT_EQ(test.labels[0], 3);
}

TEST(Cifar10, TruncatedRecordNamesFileAndRecord) {
    const std::string dir = write_cifar_dir("cifar_trunc");
    auto bytes = record(1, 0, 0, 0);
    const auto second = record(2, 0, 0, 0);
    bytes.insert(bytes.end(), second.begin(), second.begin() + 100);
    testing::write_bytes(dir + "/data_batch_2.bin", bytes);
    const std::string e = error_of([&] { read_cifar10(dir, true); });
    EXPECT_NE(e.find(dir + "/data_batch_2.bin: record 1 is truncated (100 of 3073 bytes"), std::string::npos) << e;
}

TEST(Cifar10, LabelOutOfRangeNamesRecord) {
    const std::string dir = write_cifar_dir("cifar_label");
    auto bytes = record(1, 0, 0, 0);
    const auto bad = record(10, 0, 0, 0);
    bytes.insert(bytes.end(), bad.begin(), bad.end());
    testing::write_bytes(dir + "/test_batch.bin", bytes);
    const std::string e = error_of([&] { read_cifar10(dir, false); });
    EXPECT_NE(e.find(dir + "/test_batch.bin: record 1 has label 10 (expected 0..9)"), std::string::npos) << e;
}

TEST(Cifar10, MissingFilesAndBadMetadataAreErrors) {
    const std::string dir = write_cifar_dir("cifar_missing");
    std::filesystem::remove(dir + "/data_batch_4.bin");
    EXPECT_NE(error_of([&] { read_cifar10(dir, true); }).find(dir + "/data_batch_4.bin: no such file"),
              std::string::npos);
    testing::write_text(dir + "/batches.meta.txt", "a\nb\n");
    EXPECT_NE(error_of([&] { read_cifar10(dir, false); }).find("2 class names (expected 10"), std::string::npos);
}

TEST(Cifar10, NotFoundErrorSaysWhereToGetIt) {
    // The lookup is relative to the working directory; a scratch directory has neither place.
    const auto cwd = std::filesystem::current_path();
    // Two levels down, so that not even ../shared/data beside the scratch folder exists.
    const std::string nowhere = testing::scratch_dir("cifar_nowhere") + "/a/b";
    std::filesystem::create_directories(nowhere);
    std::filesystem::current_path(nowhere);
    const std::string e = error_of([] { find_cifar10_dir(); });
    std::filesystem::current_path(cwd);
    EXPECT_NE(e.find("https://www.cs.toronto.edu/~kriz/cifar.html"), std::string::npos) << e;
    EXPECT_NE(e.find("data/cifar10"), std::string::npos) << e;
}

// The verified copy described in the shared data README: every file's sha256, 1000 test
// images per class, and the known per-channel test mean (0.4942, 0.4851, 0.4504).
TEST(Cifar10, SharedCopyMatchesItsReadme) {
    const std::string dir = std::string(MLP_SHARED_DATA) + "/cifar-10-batches-bin";
    const Dataset test = read_cifar10(dir, false);
    EXPECT_EQ(test.checksums.at("test_batch.bin"), "e8eb486685a8e541e6634d4c530c7d90746d368f1a33d0a617c960d7c00ae1ff");
    EXPECT_EQ(test.class_names.at(0), "airplane");
    EXPECT_EQ(test.class_names.at(9), "truck");
    std::vector<int> counts(10, 0);
    for (int y : test.labels) ++counts[y];
    for (int k = 0; k < 10; ++k) EXPECT_EQ(counts[k], 1000);
    const double expected[3] = {0.4942, 0.4851, 0.4504};
    for (int c = 0; c < 3; ++c) {
        double sum = 0;
        for (int r = 0; r < test.rows; ++r)
            for (int p = 0; p < 1024; ++p) sum += test.u8[std::size_t(r) * 3072 + c * 1024 + p];
        EXPECT_NEAR(sum / (test.rows * 1024.0) / 255.0, expected[c], 5e-4) << "channel " << c;
    }
}

// Memory: the 50,000 training images stay one uint8 copy (150 MiB); floats are made per batch.
TEST(Cifar10, TrainingSetStaysUint8) {
    DataConfig config;
    config.dataset = "cifar10";
    config.dir = std::string(MLP_SHARED_DATA) + "/cifar-10-batches-bin";
    config.normalize = "per_channel";
    const DataSplits data = load_data(config);
    EXPECT_TRUE(data.train_data->is_u8());
    EXPECT_TRUE(data.train_data->f32.empty());
    EXPECT_EQ(data.train_data->u8.size(), std::size_t(50000) * kCifarPixels);
    EXPECT_TRUE(data.test_data->f32.empty());
    EXPECT_EQ(data.train.size(), 45000);  // 5,000 held out for validation by default
    EXPECT_EQ(data.validation.size(), 5000);
}

TEST(Cifar10, DataShapeReadsNoPixels) {
    DataConfig config;
    config.dataset = "cifar10";
    config.dir = std::string(MLP_SHARED_DATA) + "/cifar-10-batches-bin";
    const DataShape shape = data_shape(config);
    EXPECT_EQ(shape.features, 3072);
    EXPECT_EQ(shape.classes, 10);
    EXPECT_EQ(shape.image_shape, (std::array<int, 3>{3, 32, 32}));
}

}  // namespace
}  // namespace mlp
