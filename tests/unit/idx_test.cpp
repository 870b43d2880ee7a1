// The IDX reader on small generated files, good and corrupted.
#include <gtest/gtest.h>

#include <zlib.h>

#include <functional>

#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/idx.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

void put_u32(std::vector<std::uint8_t>& b, std::uint32_t x) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(x >> s));
}

std::vector<std::uint8_t> images(std::uint32_t n, std::uint32_t h, std::uint32_t w, std::size_t pixels) {
    std::vector<std::uint8_t> b;
    put_u32(b, 0x803), put_u32(b, n), put_u32(b, h), put_u32(b, w);
    for (std::size_t i = 0; i < pixels; ++i) b.push_back(static_cast<std::uint8_t>(i * 7));
    return b;
}

std::vector<std::uint8_t> labels(std::vector<std::uint8_t> values) {
    std::vector<std::uint8_t> b;
    put_u32(b, 0x801), put_u32(b, static_cast<std::uint32_t>(values.size()));
    b.insert(b.end(), values.begin(), values.end());
    return b;
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(Idx, ParsesImagesAndLabels) {
    const IdxImages img = parse_idx_images(images(3, 2, 4, 24), "x");
    EXPECT_EQ(img.count, 3);
    EXPECT_EQ(img.height, 2);
    EXPECT_EQ(img.width, 4);
    ASSERT_EQ(img.pixels.size(), 24u);
    EXPECT_EQ(img.pixels[5], 35);
    EXPECT_EQ(parse_idx_labels(labels({3, 1, 4}), "y"), (std::vector<int>{3, 1, 4}));
}

TEST(Idx, BadMagicNamesFileAndMagic) {
    auto b = images(1, 2, 2, 4);
    b[3] = 0x01;
    const std::string m = message_of([&] { parse_idx_images(b, "train-images"); });
    EXPECT_NE(m.find("train-images: bad IDX magic 0x00000801 (expected 0x00000803)"), std::string::npos) << m;
}

TEST(Idx, TruncatedDataIsAnError) {
    const std::string m = message_of([&] { parse_idx_images(images(10, 28, 28, 100), "f"); });
    EXPECT_NE(m.find("truncated"), std::string::npos) << m;
    EXPECT_NE(m.find("7856"), std::string::npos) << m;  // 16 + 10·784 declared
}

TEST(Idx, TruncatedHeaderIsAnError) {
    std::vector<std::uint8_t> b = {0, 0, 8, 3, 0};
    EXPECT_NE(message_of([&] { parse_idx_images(b, "f"); }).find("truncated IDX header"), std::string::npos);
}

TEST(Idx, HugeDeclaredCountDoesNotAllocate) {
    // 4 billion images of 28×28 declared in a 20-byte file: rejected before any allocation.
    const std::string m = message_of([&] { parse_idx_images(images(0xffffffffu, 28, 28, 4), "f"); });
    EXPECT_NE(m.find("truncated"), std::string::npos) << m;
}

TEST(Idx, TrailingBytesAreAnError) {
    EXPECT_EQ(message_of([&] { parse_idx_labels(labels({1, 2}), "f"); }), "(no error)");
    auto b = labels({1, 2});
    b.push_back(9);
    EXPECT_NE(message_of([&] { parse_idx_labels(b, "f"); }).find("after the declared data"), std::string::npos);
}

TEST(Idx, DatasetChecksCountsAndLabelRange) {
    const std::string dir = test::temp_dir("idx");
    const auto img = images(3, 2, 2, 12);
    write_file_atomic(dir + "/img", img.data(), img.size());
    const auto two = labels({1, 2});
    write_file_atomic(dir + "/two", two.data(), two.size());
    const auto bad = labels({1, 12, 3});
    write_file_atomic(dir + "/bad", bad.data(), bad.size());
    const auto good = labels({1, 2, 3});
    write_file_atomic(dir + "/good", good.data(), good.size());
    EXPECT_NE(message_of([&] { read_idx_dataset(dir + "/img", dir + "/two", "t"); }).find("2 labels for 3 images"),
              std::string::npos);
    EXPECT_NE(message_of([&] { read_idx_dataset(dir + "/img", dir + "/bad", "t"); }).find("label 12 at record 1"),
              std::string::npos);
    const Dataset d = read_idx_dataset(dir + "/img", dir + "/good", "t");
    EXPECT_EQ(d.rows, 3);
    EXPECT_EQ(d.features, 4);
    EXPECT_EQ(d.checksums.at("img"), sha256_hex(img.data(), img.size()));
}

TEST(Idx, GzipFilesReadTransparently) {
    const std::string dir = test::temp_dir("idx-gz");
    const auto img = images(2, 3, 3, 18);
    gzFile f = gzopen((dir + "/img.gz").c_str(), "wb");
    gzwrite(f, img.data(), static_cast<unsigned>(img.size()));
    gzclose(f);
    const IdxImages parsed = parse_idx_images(read_file(dir + "/img.gz"), "img.gz");
    EXPECT_EQ(parsed.count, 2);
    EXPECT_EQ(parsed.pixels[17], static_cast<std::uint8_t>(17 * 7));
}

TEST(Idx, MissingFileSaysNoSuchFile) {
    EXPECT_NE(message_of([&] { read_file("no/such/file"); }).find("no/such/file: no such file"), std::string::npos);
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

}  // namespace
}  // namespace mlp
