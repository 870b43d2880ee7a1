// IDX reader: raw and gzip files, and every malformed-file case named in the data issue.
#include <gtest/gtest.h>
#include <zlib.h>

#include "data_test_support.hpp"
#include "mlp/data_source.hpp"
#include "mlp/file.hpp"
#include "mlp/idx.hpp"

namespace mlp {
namespace {

using testing::error_of;

void put_u32(std::vector<std::uint8_t>& b, std::uint32_t x) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(x >> shift));
}

std::vector<std::uint8_t> image_file(std::uint32_t n, std::uint32_t h, std::uint32_t w, std::size_t pixels) {
    std::vector<std::uint8_t> b;
    put_u32(b, 0x00000803);
    put_u32(b, n);
    put_u32(b, h);
    put_u32(b, w);
    for (std::size_t i = 0; i < pixels; ++i) b.push_back(static_cast<std::uint8_t>(i * 7));
    return b;
}

std::vector<std::uint8_t> label_file(const std::vector<std::uint8_t>& labels) {
    std::vector<std::uint8_t> b;
    put_u32(b, 0x00000801);
    put_u32(b, static_cast<std::uint32_t>(labels.size()));
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
}

void write_gz(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
    gzclose(f);
}

TEST(Idx, ReadsRawAndGzipIdentically) {
    const std::string dir = testing::scratch_dir("idx_gz");
    const auto images = image_file(3, 2, 2, 12);
    const auto labels = label_file({4, 0, 9});
    testing::write_bytes(dir + "/raw-images", images);
    testing::write_bytes(dir + "/raw-labels", labels);
    write_gz(dir + "/gz-images.gz", images);
    write_gz(dir + "/gz-labels.gz", labels);
    const Dataset raw = read_idx_dataset(dir + "/raw-images", dir + "/raw-labels", "t");
    const Dataset gz = read_idx_dataset(dir + "/gz-images.gz", dir + "/gz-labels.gz", "t");
    EXPECT_NE(testing::read_whole(dir + "/gz-images.gz"), testing::read_whole(dir + "/raw-images"));
    for (const Dataset* d : {&raw, &gz}) {
        EXPECT_EQ(d->rows, 3);
        EXPECT_EQ(d->features, 4);
        EXPECT_EQ(d->image_shape, (std::array<int, 3>{1, 2, 2}));
        EXPECT_EQ(d->labels, (std::vector<int>{4, 0, 9}));
        ASSERT_EQ(d->u8.size(), 12u);
        EXPECT_EQ(d->u8[5], static_cast<std::uint8_t>(35));
    }
    EXPECT_EQ(raw.u8, gz.u8);
}

TEST(Idx, WrongMagicNamesFileAndBothMagics) {
    auto bytes = image_file(1, 2, 2, 4);
    bytes[3] = 0x01;
    const std::string e = error_of([&] { parse_idx_images(bytes, "x-images"); });
    EXPECT_NE(e.find("x-images: bad IDX magic 0x00000801 (expected 0x00000803)"), std::string::npos) << e;
}

TEST(Idx, TruncatedFileIsAnError) {
    const std::string e = error_of([] { parse_idx_images(image_file(3, 2, 2, 11), "x-images"); });
    EXPECT_NE(e.find("x-images: truncated IDX file (27 bytes, header declares 28)"), std::string::npos) << e;
}

TEST(Idx, DeclaredSizeBeyondTheFileAllocatesNothing) {
    // 4e9 images of 4096×4096 would be 2^56 bytes: the check must come before any copy.
    const std::string e = error_of([] { parse_idx_images(image_file(0x7fffffff, 4096, 4096, 8), "huge"); });
    EXPECT_NE(e.find("huge: truncated IDX file"), std::string::npos) << e;
    const std::string labels = error_of([] {
        auto b = label_file({1, 2});
        b[4] = 0xff;  // declares 4 billion labels
        parse_idx_labels(b, "huge-labels");
    });
    EXPECT_NE(labels.find("huge-labels: truncated IDX file"), std::string::npos) << labels;
}

TEST(Idx, LabelOutOfRangeNamesRecord) {
    const std::string dir = testing::scratch_dir("idx_label");
    testing::write_bytes(dir + "/images", image_file(3, 1, 1, 3));
    testing::write_bytes(dir + "/labels", label_file({1, 2, 10}));
    const std::string e = error_of([&] { read_idx_dataset(dir + "/images", dir + "/labels", "t"); });
    EXPECT_NE(e.find(dir + "/labels: label 10 at record 2 (expected 0..9)"), std::string::npos) << e;
}

TEST(Idx, MismatchedCountsNameBothFiles) {
    const std::string dir = testing::scratch_dir("idx_counts");
    testing::write_bytes(dir + "/images", image_file(3, 1, 1, 3));
    testing::write_bytes(dir + "/labels", label_file({1, 2}));
    const std::string e = error_of([&] { read_idx_dataset(dir + "/images", dir + "/labels", "t"); });
    EXPECT_NE(e.find("2 labels for 3 images in " + dir + "/images"), std::string::npos) << e;
}

TEST(Idx, CorruptGzipIsAnError) {
    const std::string dir = testing::scratch_dir("idx_badgz");
    std::vector<std::uint8_t> junk = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8};
    testing::write_bytes(dir + "/x.gz", junk);
    const std::string e = error_of([&] { read_idx_dataset(dir + "/x.gz", dir + "/x.gz", "t"); });
    EXPECT_NE(e.find(dir + "/x.gz: cannot decompress"), std::string::npos) << e;
}

TEST(Idx, TruncatedHeaderIsAnError) {
    const std::vector<std::uint8_t> b = {0, 0, 8, 3, 0};
    const std::string e = error_of([&] { parse_idx_images(b, "f"); });
    EXPECT_NE(e.find("truncated IDX header"), std::string::npos) << e;
}

TEST(Idx, TrailingBytesAreAnError) {
    EXPECT_EQ(error_of([] { parse_idx_labels(label_file({1, 2}), "f"); }), "");
    auto b = label_file({1, 2});
    b.push_back(9);
    const std::string e = error_of([&] { parse_idx_labels(b, "f"); });
    EXPECT_NE(e.find("after the declared data"), std::string::npos) << e;
}

TEST(Idx, MissingFileSaysNoSuchFile) {
    const std::string e = error_of([] { read_file("no/such/file"); });
    EXPECT_NE(e.find("no/such/file: no such file"), std::string::npos) << e;
}

TEST(Idx, DatasetRecordsEachFilesSha256) {
    const std::string dir = testing::scratch_dir("idx_sha");
    const auto images = image_file(3, 2, 2, 12);
    testing::write_bytes(dir + "/img", images);
    testing::write_bytes(dir + "/lab", label_file({1, 2, 3}));
    const Dataset d = read_idx_dataset(dir + "/img", dir + "/lab", "t");
    EXPECT_EQ(d.checksums.at("img"), sha256_hex(images.data(), images.size()));
}

TEST(Sha256, KnownVectors) {
    const std::string abc = "abc";
    EXPECT_EQ(sha256_hex(reinterpret_cast<const std::uint8_t*>(abc.data()), 3),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(nullptr, 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const std::string long_text(1000, 'a');
    EXPECT_EQ(sha256_hex(reinterpret_cast<const std::uint8_t*>(long_text.data()), long_text.size()),
              "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

// The SHA-extensions path (x86 SHA-NI) and the portable one agree on the known vectors and
// on every length around the block and padding boundaries.
TEST(Sha256, ExtensionsAndPortableAgree) {
    if (!sha256_extensions_supported()) GTEST_SKIP() << "this CPU has no SHA extensions (cpuid leaf 7 EBX bit 29)";
    const std::string abc = "abc";
    for (Sha256Path path : {Sha256Path::portable, Sha256Path::extensions}) {
        EXPECT_EQ(sha256_hex(reinterpret_cast<const std::uint8_t*>(abc.data()), 3, path),
                  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        EXPECT_EQ(sha256_hex(nullptr, 0, path), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        EXPECT_EQ(sha256_hex(reinterpret_cast<const std::uint8_t*>(two_blocks.data()), two_blocks.size(), path),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
    std::vector<std::uint8_t> bytes(1 << 16);
    std::uint32_t x = 12345;
    for (auto& b : bytes) b = static_cast<std::uint8_t>((x = x * 1664525u + 1013904223u) >> 24);
    for (std::size_t size = 0; size <= 300; ++size)
        EXPECT_EQ(sha256_hex(bytes.data(), size, Sha256Path::portable), sha256_hex(bytes.data(), size, Sha256Path::extensions))
            << size << " bytes";
    EXPECT_EQ(sha256_hex(bytes.data(), bytes.size(), Sha256Path::portable),
              sha256_hex(bytes.data(), bytes.size(), Sha256Path::extensions));
}

// The Debian package dataset-fashion-mnist: gzipped IDX, 6000 train and 1000 test images per class.
TEST(Idx, FashionMnistFromItsDebianPackage) {
    DataConfig config;
    config.dataset = "fashion-mnist";
    EXPECT_EQ(default_data_dir("fashion-mnist"), "/usr/share/datasets/fashion-mnist");
    const DataShape shape = data_shape(config);
    EXPECT_EQ(shape.features, 784);
    EXPECT_EQ(shape.class_names.at(9), "Ankle boot");
    config.validation = 0;
    const DataSplits data = load_data(config);
    EXPECT_EQ(data.train.size(), 60000);
    EXPECT_EQ(data.test.size(), 10000);
    std::vector<int> counts(10, 0);
    for (int y : data.test_data->labels) ++counts[y];
    for (int k = 0; k < 10; ++k) EXPECT_EQ(counts[k], 1000);
    EXPECT_EQ(data.train_data->checksums.at("train-images-idx3-ubyte.gz").size(), 64u);
    EXPECT_TRUE(data.train_data->is_u8());
}

}  // namespace
}  // namespace mlp
