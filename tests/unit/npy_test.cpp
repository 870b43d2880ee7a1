// NPY reader: versions 1–3 on bytes laid out by hand as NumPy writes them, the writer's
// round trip, dtypes, and every malformed-file case.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "data_test_support.hpp"
#include "mlp/data_source.hpp"
#include "mlp/npy.hpp"

namespace mlp {
namespace {

using testing::error_of;

// A .npy file as numpy.save lays it out: magic, version, header length (2 bytes in v1,
// 4 in v2/v3), the dict padded with spaces and ended by '\n' to a multiple of 64.
std::vector<std::uint8_t> npy_file(int major, const std::string& dict, const void* data, std::size_t bytes) {
    const std::size_t prefix = major == 1 ? 10 : 12;
    std::string header = dict;
    header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::vector<std::uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(major), 0};
    for (std::size_t i = 0; i < prefix - 8; ++i) out.push_back(static_cast<std::uint8_t>(header.size() >> (8 * i)));
    out.insert(out.end(), header.begin(), header.end());
    const auto* p = static_cast<const std::uint8_t*>(data);
    out.insert(out.end(), p, p + bytes);
    return out;
}

template <class T>
std::vector<std::uint8_t> npy_of(const std::string& descr, const std::string& shape, const std::vector<T>& values,
                                 int major = 1) {
    return npy_file(major, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }",
                    values.data(), values.size() * sizeof(T));
}

TEST(Npy, ReadsVersionsOneToThree) {
    const std::vector<float> values = {1.5f, -2, 3, 4, 5, 6.25f};
    for (int major : {1, 2, 3}) {
        const NpyArray a = parse_npy(npy_of("<f4", "(2, 3)", values, major), "x.npy");
        EXPECT_EQ(a.header.shape, (std::vector<std::size_t>{2, 3})) << major;
        EXPECT_EQ(a.header.kind, 'f');
        EXPECT_EQ(npy_floats(a, "x.npy"), values) << major;
    }
    const auto wrong = npy_of("<f4", "(2, 3)", values);
    auto v4 = wrong;
    v4[6] = 4;
    EXPECT_NE(error_of([&] { parse_npy(v4, "x.npy"); }).find("x.npy: NPY format version 4.0 (expected 1.0, 2.0 or 3.0)"),
              std::string::npos);
}

TEST(Npy, WriterRoundTripsAndAlignsData) {
    const std::string dir = testing::scratch_dir("npy_write");
    const std::vector<double> values = {0.25, 1e-3, -7, 42};
    write_npy(dir + "/d.npy", "<f8", {4}, values.data(), values.size() * sizeof(double));
    const std::string bytes = testing::read_whole(dir + "/d.npy");
    EXPECT_EQ((bytes.size() - 32) % 64, 0u);  // header is a multiple of 64 bytes
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    const NpyArray a = read_npy(dir + "/d.npy");
    EXPECT_EQ(a.header.descr, "<f8");
    EXPECT_EQ(a.header.shape, (std::vector<std::size_t>{4}));
    EXPECT_EQ(npy_floats(a, "d"), (std::vector<float>{0.25f, 1e-3f, -7.f, 42.f}));
}

TEST(Npy, DatasetKeepsBytesAsBytesAndReadsIntegerLabels) {
    const std::string dir = testing::scratch_dir("npy_dataset");
    const std::vector<std::uint8_t> pixels = {0, 1, 2, 3, 250, 251, 252, 253};  // (2, 2, 2) grey images
    testing::write_bytes(dir + "/x.npy", npy_of("|u1", "(2, 2, 2)", pixels));
    for (const auto& [descr, bytes] :
         {std::pair<std::string, std::vector<std::uint8_t>>{"<i8", npy_of("<i8", "(2,)", std::vector<std::int64_t>{3, 1})},
          {"<i4", npy_of("<i4", "(2, 1)", std::vector<std::int32_t>{3, 1})},
          {"|u1", npy_of("|u1", "(2,)", std::vector<std::uint8_t>{3, 1})}}) {
        testing::write_bytes(dir + "/y.npy", bytes);
        const Dataset d = read_npy_dataset(dir + "/x.npy", dir + "/y.npy", "npy");
        EXPECT_EQ(d.rows, 2) << descr;
        EXPECT_EQ(d.features, 4);
        EXPECT_TRUE(d.is_u8());
        EXPECT_EQ(d.u8, pixels);
        EXPECT_EQ(d.labels, (std::vector<int>{3, 1})) << descr;
        EXPECT_EQ(d.classes, 4);
        EXPECT_EQ(d.image_shape, (std::array<int, 3>{1, 2, 2}));
    }
    testing::write_bytes(dir + "/x.npy", npy_of("<f8", "(2, 2)", std::vector<double>{1, 2, 3, 4}));
    const Dataset f = read_npy_dataset(dir + "/x.npy", dir + "/y.npy", "npy");
    EXPECT_FALSE(f.is_u8());
    EXPECT_EQ(f.f32, (std::vector<float>{1, 2, 3, 4}));
}

TEST(Npy, NonFiniteFeaturesNameRowAndColumn) {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const auto with_nan = parse_npy(npy_of("<f4", "(2, 3)", std::vector<float>{0, 1, 2, 3, nan, 5}), "f.npy");
    EXPECT_NE(error_of([&] { npy_floats(with_nan, "f.npy"); }).find("f.npy: row 1, column 1 is NaN"),
              std::string::npos);
    const auto with_inf = parse_npy(npy_of("<f4", "(2, 3)", std::vector<float>{0, 1, -inf, 3, 4, 5}), "f.npy");
    EXPECT_NE(error_of([&] { npy_floats(with_inf, "f.npy"); }).find("f.npy: row 0, column 2 is infinite"),
              std::string::npos);
}

TEST(Npy, UnsupportedLayoutsAreClearErrors) {
    const std::vector<float> v = {1, 2, 3, 4};
    auto fortran = npy_file(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", v.data(), 16);
    EXPECT_NE(error_of([&] { parse_npy(fortran, "f.npy"); }).find("f.npy: Fortran-order array (expected C order"),
              std::string::npos);
    auto big = npy_file(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", v.data(), 16);
    EXPECT_NE(error_of([&] { parse_npy(big, "b.npy"); }).find("b.npy: big-endian dtype '>f4' is not supported"),
              std::string::npos);
    auto complex = npy_file(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", v.data(), 16);
    EXPECT_NE(error_of([&] { parse_npy(complex, "c.npy"); }).find("c.npy: unsupported dtype '<c8'"), std::string::npos);
    auto structured = npy_file(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", v.data(), 8);
    EXPECT_NE(error_of([&] { parse_npy(structured, "s.npy"); }).find("structured arrays are not supported"),
              std::string::npos);
    std::vector<std::uint8_t> not_npy = {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_NE(error_of([&] { parse_npy(not_npy, "z.npy"); }).find("z.npy: not an NPY file"), std::string::npos);
}

TEST(Npy, DeclaredSizesAreCheckedAgainstTheFile) {
    const std::vector<float> v = {1, 2, 3, 4};
    auto truncated = npy_of("<f4", "(2, 3)", v);
    EXPECT_NE(error_of([&] { parse_npy(truncated, "t.npy"); })
                  .find("t.npy: truncated NPY data (shape (2, 3) of '<f4' needs 24 bytes, 16 follow the header)"),
              std::string::npos);
    // A corrupt shape whose product overflows 64 bits must neither wrap nor allocate.
    auto huge = npy_of("<f4", "(4000000000, 4000000000, 4000000000)", v);
    EXPECT_NE(error_of([&] { parse_npy(huge, "h.npy"); }).find("h.npy: shape (4000000000, 4000000000, 4000000000)"),
              std::string::npos);
    auto trailing = npy_of("<f4", "(3,)", v);
    EXPECT_NE(error_of([&] { parse_npy(trailing, "x.npy"); }).find("x.npy: 4 bytes after the data"),
              std::string::npos);
    auto cut_header = npy_of("<f4", "(4,)", v);
    cut_header.resize(40);
    EXPECT_NE(error_of([&] { parse_npy(cut_header, "c.npy"); }).find("c.npy: truncated NPY header"), std::string::npos);
}

TEST(Npy, LabelErrorsNameFileAndRow) {
    const std::string dir = testing::scratch_dir("npy_labels");
    testing::write_bytes(dir + "/x.npy", npy_of("<f4", "(3, 1)", std::vector<float>{1, 2, 3}));
    testing::write_bytes(dir + "/y.npy", npy_of("<i8", "(2,)", std::vector<std::int64_t>{0, 1}));
    EXPECT_NE(error_of([&] { read_npy_dataset(dir + "/x.npy", dir + "/y.npy", "n"); })
                  .find(dir + "/y.npy: 2 labels for 3 feature rows in " + dir + "/x.npy"),
              std::string::npos);
    testing::write_bytes(dir + "/y.npy", npy_of("<i8", "(3,)", std::vector<std::int64_t>{0, -1, 1}));
    EXPECT_NE(error_of([&] { read_npy_dataset(dir + "/x.npy", dir + "/y.npy", "n"); })
                  .find(dir + "/y.npy: label -1 at row 1"),
              std::string::npos);
    testing::write_bytes(dir + "/y.npy", npy_of("<f4", "(3,)", std::vector<float>{0, 1, 1}));
    EXPECT_NE(error_of([&] { read_npy_dataset(dir + "/x.npy", dir + "/y.npy", "n"); })
                  .find("labels have dtype '<f4' (expected integers"),
              std::string::npos);
}

TEST(Npy, LabelBeyondClassNamesIsAnError) {
    const std::string dir = testing::scratch_dir("npy_range");
    testing::write_bytes(dir + "/x.npy", npy_of("<f4", "(3, 1)", std::vector<float>{1, 2, 3}));
    testing::write_bytes(dir + "/y.npy", npy_of("<i8", "(3,)", std::vector<std::int64_t>{0, 2, 1}));
    DataConfig config;
    config.dataset = "npy";
    config.features = dir + "/x.npy";
    config.labels = dir + "/y.npy";
    config.class_names = {"a", "b"};
    EXPECT_NE(error_of([&] { load_data(config); }).find(dir + "/y.npy: label 2 at row 1 (expected 0..1 for the 2 class_names)"),
              std::string::npos);
}

TEST(Npy, LoadDataHoldsOutATestSetWhenNoneIsGiven) {
    const std::string dir = testing::scratch_dir("npy_load");
    std::vector<float> x;
    std::vector<std::int64_t> y;
    for (int i = 0; i < 100; ++i) {
        x.push_back(float(i));
        x.push_back(float(i % 4));
        y.push_back(i % 4);
    }
    testing::write_bytes(dir + "/x.npy", npy_of("<f4", "(100, 2)", x));
    testing::write_bytes(dir + "/y.npy", npy_of("<i8", "(100,)", y));
    DataConfig config;
    config.dataset = "npy";
    config.features = dir + "/x.npy";
    config.labels = dir + "/y.npy";
    config.class_names = {"a", "b", "c", "d"};
    const DataSplits data = load_data(config);
    EXPECT_EQ(data.test.size(), 20);       // test_fraction 0.2, per class
    EXPECT_EQ(data.validation.size(), 8);  // auto: 10% of the 80 left
    EXPECT_EQ(data.train.size(), 72);
    EXPECT_EQ(data.test_data->rows, 0);    // the test rows live in train_data
    EXPECT_EQ(data.test.data, data.train_data.get());
    EXPECT_EQ(data.train_data->class_names.at(3), "d");
    const DataShape shape = data_shape(config);
    EXPECT_EQ(shape.features, 2);
    EXPECT_EQ(shape.classes, 4);
}

}  // namespace
}  // namespace mlp
