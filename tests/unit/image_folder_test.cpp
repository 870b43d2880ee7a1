// Image folders: generated PNG/JPEG class folders (written with stb_image_write), layout,
// grey conversion, resizing, split sub-folders, the faces set, and the bad-folder errors.
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include "data_test_support.hpp"
#include "mlp/data_source.hpp"
#include "mlp/image_folder.hpp"

namespace mlp {
namespace {

using testing::error_of;

// A W×H RGB image of one colour, with pixel (row 0, column 1) set to `mark`.
void write_png(const std::string& path, int W, int H, std::array<std::uint8_t, 3> colour,
               std::array<std::uint8_t, 3> mark = {0, 0, 0}) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::vector<std::uint8_t> rgb(std::size_t(W) * H * 3);
    for (int p = 0; p < W * H; ++p)
        for (int c = 0; c < 3; ++c) rgb[p * 3 + c] = colour[c];
    for (int c = 0; c < 3; ++c) rgb[3 + c] = mark[c];
    ASSERT_NE(stbi_write_png(path.c_str(), W, H, 3, rgb.data(), W * 3), 0);
}

TEST(ImageFolder, ClassFoldersSortedPixelsChannelMajor) {
    const std::string root = testing::scratch_dir("images_basic");
    write_png(root + "/zebra/1.png", 3, 2, {10, 20, 30}, {200, 100, 50});
    write_png(root + "/ant/b.png", 3, 2, {1, 2, 3});
    write_png(root + "/ant/a.PNG", 3, 2, {4, 5, 6});
    testing::write_text(root + "/ant/notes.txt", "not an image");
    write_png(root + "/.hidden/x.png", 3, 2, {0, 0, 0});
    const auto classes = image_classes(root);
    EXPECT_EQ(classes, (std::vector<std::string>{"ant", "zebra"}));
    const Dataset d = read_image_folder(root, classes, ImageOptions{}, "images");
    EXPECT_EQ(d.rows, 3);
    EXPECT_EQ(d.image_shape, (std::array<int, 3>{3, 2, 3}));
    EXPECT_EQ(d.features, 18);
    EXPECT_EQ(d.labels, (std::vector<int>{0, 0, 1}));
    EXPECT_EQ(d.u8[0], 4);  // ant/a.PNG sorts before ant/b.png
    // zebra/1.png: R plane starts at 2·18, G plane 6 bytes later; pixel (0, 1) is the mark.
    const std::uint8_t* z = d.u8.data() + 2 * 18;
    EXPECT_EQ(z[0], 10);
    EXPECT_EQ(z[1], 200);
    EXPECT_EQ(z[6], 20);
    EXPECT_EQ(z[7], 100);
    EXPECT_EQ(z[12 + 1], 50);
    // One checksum for the folder, keyed by its name: a digest of every file's sha256 and path.
    ASSERT_EQ(d.checksums.size(), 1u);
    EXPECT_EQ(d.checksums.begin()->first, std::filesystem::path(root).filename().string() + "/");
    EXPECT_EQ(d.checksums.begin()->second.size(), 64u);
}

TEST(ImageFolder, GreyAndResize) {
    const std::string root = testing::scratch_dir("images_grey");
    write_png(root + "/red/r.png", 8, 6, {255, 0, 0}, {255, 0, 0});
    const Dataset d = read_image_folder(root, {"red"}, ImageOptions{3, 4, true}, "images");
    EXPECT_EQ(d.image_shape, (std::array<int, 3>{1, 3, 4}));
    ASSERT_EQ(d.u8.size(), 12u);
    // stb's luma: (77·R + 150·G + 29·B) >> 8; a uniform image stays uniform when resized.
    for (std::uint8_t v : d.u8) EXPECT_EQ(v, (77 * 255) >> 8);
}

TEST(ImageFolder, DecodesJpeg) {
    const std::string root = testing::scratch_dir("images_jpeg");
    std::vector<std::uint8_t> rgb(16 * 16 * 3, 128);
    std::filesystem::create_directories(root + "/grey");
    ASSERT_NE(stbi_write_jpg((root + "/grey/x.jpg").c_str(), 16, 16, 3, rgb.data(), 95), 0);
    std::array<int, 3> shape{};
    const auto pixels = read_image(root + "/grey/x.jpg", ImageOptions{}, shape);
    EXPECT_EQ(shape, (std::array<int, 3>{3, 16, 16}));
    for (std::uint8_t v : pixels) EXPECT_NEAR(v, 128, 2);
}

TEST(ImageFolder, UndecodableImageNamesTheFile) {
    const std::string root = testing::scratch_dir("images_bad");
    write_png(root + "/a/good.png", 2, 2, {1, 1, 1});
    testing::write_text(root + "/a/broken.png", "\x89PNG\r\n\x1a\n but then nothing");
    const std::string e = error_of([&] { read_image_folder(root, {"a"}, ImageOptions{}, "images"); });
    EXPECT_NE(e.find(root + "/a/broken.png: cannot decode image ("), std::string::npos) << e;
}

TEST(ImageFolder, EmptyClassFolderIsAnError) {
    const std::string root = testing::scratch_dir("images_empty");
    write_png(root + "/a/x.png", 2, 2, {1, 1, 1});
    std::filesystem::create_directories(root + "/b");
    testing::write_text(root + "/b/readme.txt", "no images here");
    const std::string e = error_of([&] { read_image_folder(root, image_classes(root), ImageOptions{}, "images"); });
    EXPECT_NE(e.find(root + "/b: empty class folder (expected .png, .jpg"), std::string::npos) << e;
}

TEST(ImageFolder, SizesMustAgreeWithoutImageSize) {
    const std::string root = testing::scratch_dir("images_sizes");
    write_png(root + "/a/1.png", 4, 4, {1, 1, 1});
    write_png(root + "/a/2.png", 5, 4, {1, 1, 1});
    const std::string e = error_of([&] { read_image_folder(root, {"a"}, ImageOptions{}, "images"); });
    EXPECT_NE(e.find(root + "/a/2.png: 5x4 pixels, expected 4x4"), std::string::npos) << e;
    EXPECT_NE(e.find("set data.image_size"), std::string::npos) << e;
    EXPECT_EQ(read_image_folder(root, {"a"}, ImageOptions{4, 4, false}, "images").rows, 2);
}

TEST(ImageFolder, SplitSubfoldersBecomeValidationAndTest) {
    const std::string root = testing::scratch_dir("images_split");
    for (int i = 0; i < 4; ++i) {
        write_png(root + "/train/cat/" + std::to_string(i) + ".png", 6, 6, {200, 10, 10});
        write_png(root + "/train/dog/" + std::to_string(i) + ".png", 6, 6, {10, 10, 200});
    }
    write_png(root + "/val/dog/v.png", 6, 6, {10, 10, 200});
    write_png(root + "/test/cat/t.png", 12, 12, {200, 10, 10});  // brought to 6×6
    DataConfig config;
    config.dataset = "images";
    config.dir = root;
    const DataSplits data = load_data(config);
    EXPECT_EQ(data.train.size(), 8);
    EXPECT_EQ(data.validation.size(), 1);
    EXPECT_EQ(data.validation.data, data.validation_data.get());
    EXPECT_EQ(data.validation_data->labels, (std::vector<int>{1}));
    EXPECT_EQ(data.test.size(), 1);
    EXPECT_EQ(data.test_data->image_shape, (std::array<int, 3>{3, 6, 6}));
    EXPECT_EQ(data.test_data->class_names, (std::vector<std::string>{"cat", "dog"}));
    const DataShape shape = data_shape(config);
    EXPECT_EQ(shape.features, 108);
    EXPECT_EQ(shape.classes, 2);

    write_png(root + "/test/cow/t.png", 6, 6, {1, 1, 1});
    EXPECT_NE(error_of([&] { load_data(config); }).find(root + "/test/cow: a class folder that the training set does not have"),
              std::string::npos);
}

// The six-actor face set: train/val/test sub-folders with the counts of its README.
TEST(ImageFolder, FacesSet) {
    DataConfig config;
    config.dataset = "images";
    config.dir = std::string(MLP_SHARED_DATA) + "/faces";
    config.image_height = config.image_width = 32;
    config.grayscale = true;
    const DataSplits data = load_data(config);
    EXPECT_EQ(data.train.size(), 351);
    EXPECT_EQ(data.validation.size(), 112);
    EXPECT_EQ(data.test.size(), 112);
    EXPECT_EQ(data.train_data->class_names,
              (std::vector<std::string>{"baldwin", "bracco", "carell", "gilpin", "hader", "harmon"}));
    EXPECT_EQ(data.train_data->features, 1024);
    const std::vector<int> expected_train = {64, 64, 64, 41, 64, 54};
    std::vector<int> counts(6, 0);
    for (int y : data.train_data->labels) ++counts[y];
    EXPECT_EQ(counts, expected_train);
}

}  // namespace
}  // namespace mlp
