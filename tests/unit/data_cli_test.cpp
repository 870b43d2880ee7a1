// The datasets as a user meets them through the built `mlp`: `mlp train` on every dataset
// kind (real files for Fashion-MNIST, CIFAR-10 and the faces; generated NPY and CSV),
// `mlp data info`, `mlp predict`, `mlp eval` with the saved statistics, and every bad-file
// case as one line `mlp: error: <file>...` on stderr with exit status 1.
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "data_test_support.hpp"
#include "mlp/gemm.hpp"
#include "mlp/npy.hpp"

namespace mlp {
namespace {

using testing::CommandResult;
using testing::run_mlp;

// A small, quickly trained network; the [data] section comes from the test.
const char* kModel =
    "[model]\nhidden = [32]\nactivation = \"relu\"\ninit = \"he\"\n"
    "[train]\nepochs = 2\nbatch_size = 32\nlr = 0.001\noptimizer = \"adam\"\nseed = 1\n";

std::string write_config(const std::string& dir, const std::string& data_section) {
    const std::string path = dir + "/experiment.toml";
    testing::write_text(path, "[data]\n" + data_section + kModel);
    return path;
}

nlohmann::json metrics_of(const std::string& run) {
    return nlohmann::json::parse(testing::read_whole(run + "/metrics.json"));
}

// Trains, expects success, and returns the metrics.
nlohmann::json train_ok(const std::string& dir, const std::string& data_section, const std::string& overrides = "") {
    const CommandResult r =
        run_mlp("train --quiet --config " + write_config(dir, data_section) + " --out " + dir + "/run " + overrides);
    EXPECT_EQ(r.status, 0) << r.err;
    if (r.status != 0) return nlohmann::json::object();
    return metrics_of(dir + "/run");
}

// `mlp train` fails with exactly one line on stderr that names the problem; no run is recorded.
void expect_train_error(const std::string& dir, const std::string& data_section, const std::string& fragment) {
    const CommandResult r = run_mlp("train --config " + write_config(dir, data_section) + " --out " + dir + "/run");
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.err.rfind("mlp: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << "expected '" << fragment << "' in: " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir + "/run/metrics.json"));
}

std::string quoted(const std::string& path) { return "\"" + path + "\""; }

void put_u32(std::vector<std::uint8_t>& b, std::uint32_t x) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(x >> shift));
}

// An MNIST-style directory of four IDX files holding n 2×2 images with labels i % 10.
void write_idx_dir(const std::string& dir, int n) {
    for (const char* prefix : {"train", "t10k"}) {
        std::vector<std::uint8_t> images, labels;
        put_u32(images, 0x803), put_u32(images, n), put_u32(images, 2), put_u32(images, 2);
        put_u32(labels, 0x801), put_u32(labels, n);
        for (int i = 0; i < n; ++i) {
            for (int p = 0; p < 4; ++p) images.push_back(static_cast<std::uint8_t>(25 * (i % 10) + p));
            labels.push_back(static_cast<std::uint8_t>(i % 10));
        }
        testing::write_bytes(dir + "/" + prefix + "-images-idx3-ubyte", images);
        testing::write_bytes(dir + "/" + prefix + "-labels-idx1-ubyte", labels);
    }
}

// Two separable classes in D = 4 float32 features: class = (x0 > 0).
void write_npy_pair(const std::string& dir, int n, std::vector<float>* features_out = nullptr) {
    std::vector<float> x;
    std::vector<std::int64_t> y;
    for (int i = 0; i < n; ++i) {
        const int label = i % 2;
        const float sign = label ? 1.0f : -1.0f;
        x.insert(x.end(), {sign * (1.0f + 0.01f * (i % 7)), 0.1f * (i % 5), -0.2f * (i % 3), 0.5f});
        y.push_back(label);
    }
    write_npy(dir + "/x.npy", "<f4", {std::size_t(n), 4}, x.data(), x.size() * sizeof(float));
    write_npy(dir + "/y.npy", "<i8", {std::size_t(n)}, y.data(), y.size() * sizeof(std::int64_t));
    if (features_out) *features_out = x;
}

std::string npy_section(const std::string& dir) {
    return "dataset = \"npy\"\nfeatures = " + quoted(dir + "/x.npy") + "\nlabels = " + quoted(dir + "/y.npy") +
           "\nclass_names = [\"left\", \"right\"]\nstratified = true\n";
}

TEST(DataCli, DataInfoAndPredictHaveHelp) {
    for (const char* sub : {"data info", "predict"}) {
        const CommandResult r = run_mlp(std::string(sub) + " --help");
        EXPECT_EQ(r.status, 0) << sub;
        EXPECT_NE(r.out.find(sub == std::string("predict") ? "--model" : "--config"), std::string::npos) << r.out;
    }
    const CommandResult bare = run_mlp("data");
    EXPECT_NE(bare.status, 0);
}

// ---- mlp train on each dataset kind -------------------------------------------------

TEST(DataCli, TrainsOnFashionMnistFromTheDebianPackage) {
    const std::string dir = testing::scratch_dir("cli_fashion");
    const auto m = train_ok(dir, "dataset = \"fashion-mnist\"\ntrain_size = 3000\nvalidation = 1000\n");
    ASSERT_TRUE(m.contains("test_accuracy"));
    EXPECT_GE(m["test_accuracy"].get<double>(), 0.6);  // chance is 0.1
    EXPECT_EQ(m["splits"]["test"]["count"].get<int>(), 10000);
    EXPECT_EQ(m["class_names"][9], "Ankle boot");
    EXPECT_TRUE(m["data_sha256"].contains("train-images-idx3-ubyte.gz"));
}

TEST(DataCli, TrainsOnCifar10AndEvalAppliesTheSavedStatistics) {
    const std::string dir = testing::scratch_dir("cli_cifar");
    const std::string section = "dataset = \"cifar10\"\ndir = " + quoted(std::string(MLP_SHARED_DATA) +
                                                                         "/cifar-10-batches-bin") +
                                "\ntrain_size = 2000\nvalidation = 500\nnormalize = \"per_channel\"\n";
    // 64 units: 3072·64 weights into them, enough for one row to split along K on two threads.
    const auto m = train_ok(dir, section, "--set 'model.hidden=[64]'");
    ASSERT_TRUE(m.contains("test_accuracy"));
    EXPECT_GE(m["test_accuracy"].get<double>(), 0.2);  // chance is 0.1
    EXPECT_EQ(m["class_names"][0], "airplane");
    EXPECT_EQ(m["data_sha256"]["test_batch.bin"], "e8eb486685a8e541e6634d4c530c7d90746d368f1a33d0a617c960d7c00ae1ff");
    // eval re-reads the test set and normalises it with the per-channel statistics in the model.
    const CommandResult e = run_mlp("eval --model " + dir + "/run");
    ASSERT_EQ(e.status, 0) << e.err;
    char expected[64];
    std::snprintf(expected, sizeof expected, "accuracy: %.4f", m["test_accuracy"].get<double>());
    EXPECT_NE(e.out.find(expected), std::string::npos) << e.out;
    // predict decodes a PNG and brings it to the model's 3×32×32.
    std::vector<std::uint8_t> rgb(40 * 40 * 3, 90);
    ASSERT_NE(stbi_write_png((dir + "/photo.png").c_str(), 40, 40, 3, rgb.data(), 40 * 3), 0);
    const CommandResult p = run_mlp("predict --model " + dir + "/run " + dir + "/photo.png");
    ASSERT_EQ(p.status, 0) << p.err;
    EXPECT_NE(p.out.find("(3072 inputs, 10 classes)"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("airplane"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("\n1      "), std::string::npos) << p.out;
    // Both cores: one row splits the first layer's weights between them (the sums change
    // order, not what four decimals show); a batch of rows splits by rows.
    ThreadTeam team(2);
    EXPECT_TRUE(gemm_splits_k(Context{&team}, 1, 64, 3072));
    const CommandResult p2 = run_mlp("predict --threads 2 --model " + dir + "/run " + dir + "/photo.png");
    ASSERT_EQ(p2.status, 0) << p2.err;
    EXPECT_EQ(p2.out, p.out);
    const CommandResult e2 = run_mlp("eval --threads 2 --model " + dir + "/run");
    ASSERT_EQ(e2.status, 0) << e2.err;
    EXPECT_EQ(e2.out, e.out);
    EXPECT_NE(run_mlp("eval --threads 0 --model " + dir + "/run").status, 0);
}

TEST(DataCli, DataInfoOnCifar10MatchesTheKnownStatistics) {
    const std::string dir = testing::scratch_dir("cli_cifar_info");
    const std::string cfg = write_config(dir, "dataset = \"cifar10\"\ndir = " +
                                                  quoted(std::string(MLP_SHARED_DATA) + "/cifar-10-batches-bin") +
                                                  "\nvalidation = 0\nnormalize = \"per_channel\"\n");
    const CommandResult r = run_mlp("data info --config " + cfg);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("features: 3072 (uint8), image 3x32x32"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("rows: train 50000, val 0, test 10000"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("airplane             5000        0     1000"), std::string::npos) << r.out;
    // The README's train means (0.4914, 0.4822, 0.4465) · 255 and stds (0.2470, 0.2435, 0.2616) · 255.
    EXPECT_NE(r.out.find("channel 0 mean 125.3"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("channel 1 mean 122.9"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("channel 2 mean 113.8"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("std 62.99"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("e8eb486685a8e541e6634d4c530c7d90746d368f1a33d0a617c960d7c00ae1ff  test_batch.bin"),
              std::string::npos)
        << r.out;
}

TEST(DataCli, TrainsOnTheFacesImageFoldersAndPredictsAnActor) {
    const std::string dir = testing::scratch_dir("cli_faces");
    const std::string faces = std::string(MLP_SHARED_DATA) + "/faces";
    auto m = train_ok(dir, "dataset = \"images\"\ndir = " + quoted(faces) +
                               "\nimage_size = 32\ngrayscale = true\nnormalize = \"per_feature\"\n");
    ASSERT_TRUE(m.contains("test_accuracy"));
    EXPECT_GE(m["test_accuracy"].get<double>(), 0.4);  // chance is 1/6
    EXPECT_EQ(m["splits"]["val"]["count"].get<int>(), 112);  // the val/ folder
    EXPECT_EQ(m["class_names"][2], "carell");
    const std::string photo = faces + "/test/carell/carell1.png";
    const CommandResult p = run_mlp("predict --model " + dir + "/run " + photo);
    ASSERT_EQ(p.status, 0) << p.err;
    EXPECT_NE(p.out.find("(1024 inputs, 6 classes)"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("baldwin"), std::string::npos) << p.out;
}

TEST(DataCli, TrainsOnNpyFeaturesAndPredictsNpyRows) {
    const std::string dir = testing::scratch_dir("cli_npy");
    std::vector<float> x;
    write_npy_pair(dir, 400, &x);
    const auto m = train_ok(dir, npy_section(dir), "--set train.epochs=10 --set train.lr=0.01");
    ASSERT_TRUE(m.contains("test_accuracy"));
    EXPECT_EQ(m["splits"]["test"]["count"].get<int>(), 80);  // test_fraction 0.2 held out
    EXPECT_GE(m["test_accuracy"].get<double>(), 0.95);
    // Three rows to predict: the first three training rows (labels 0, 1, 0).
    write_npy(dir + "/new.npy", "<f4", {3, 4}, x.data(), 12 * sizeof(float));
    const CommandResult p = run_mlp("predict --model " + dir + "/run " + dir + "/new.npy");
    ASSERT_EQ(p.status, 0) << p.err;
    EXPECT_NE(p.out.find("(3 rows)"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("\n1      left"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("\n2      right"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("\n3      left"), std::string::npos) << p.out;
}

TEST(DataCli, TrainsOnCsvWithWordLabelsAndPredictsCsvRows) {
    const std::string dir = testing::scratch_dir("cli_csv");
    std::string table = "width,kind,height\n";
    for (int i = 0; i < 300; ++i)
        table += (i % 2 ? "3." : "-3.") + std::to_string(i % 10) + "," + (i % 2 ? "tall" : "short") + "," +
                 std::to_string(i % 4) + "\n";
    testing::write_text(dir + "/t.csv", table);
    const auto m = train_ok(dir, "dataset = \"csv\"\nfile = " + quoted(dir + "/t.csv") + "\nlabel_column = \"kind\"\n",
                            "--set train.epochs=10 --set train.lr=0.01");
    ASSERT_TRUE(m.contains("test_accuracy"));
    EXPECT_EQ(m["class_names"], (nlohmann::json{"short", "tall"}));
    EXPECT_GE(m["test_accuracy"].get<double>(), 0.95);
    // Rows without the label column, and rows with it (its place comes from the run's config).
    testing::write_text(dir + "/new.csv", "width,height\n3.5,1\n-3.5,2\n");
    const CommandResult p = run_mlp("predict --model " + dir + "/run " + dir + "/new.csv");
    ASSERT_EQ(p.status, 0) << p.err;
    EXPECT_NE(p.out.find("\n1      tall"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("\n2      short"), std::string::npos) << p.out;
    testing::write_text(dir + "/labelled.csv", "width,kind,height\n-3.1,short,1\n");
    const CommandResult q = run_mlp("predict --model " + dir + "/run " + dir + "/labelled.csv");
    ASSERT_EQ(q.status, 0) << q.err;
    EXPECT_NE(q.out.find("\n1      short"), std::string::npos) << q.out;
    // A row of the wrong width is an error naming the file.
    testing::write_text(dir + "/wide.csv", "1,2,3,4\n");
    const CommandResult w = run_mlp("predict --model " + dir + "/run " + dir + "/wide.csv");
    EXPECT_EQ(w.status, 1);
    EXPECT_NE(w.err.find("mlp: error: " + dir + "/wide.csv: rows have 4 feature columns, the model takes 2"),
              std::string::npos)
        << w.err;
}

// ---- bad files: one line naming the file (and row/record) and what was expected ------

TEST(DataCli, WrongIdxMagicIsAnError) {
    const std::string dir = testing::scratch_dir("cli_bad_magic");
    write_idx_dir(dir, 20);
    std::string text = testing::read_whole(dir + "/train-images-idx3-ubyte");
    text[3] = 0x01;  // the label-file magic
    testing::write_text(dir + "/train-images-idx3-ubyte", text);
    expect_train_error(dir, "dataset = \"mnist\"\ndir = " + quoted(dir) + "\nvalidation = 2\n",
                       dir + "/train-images-idx3-ubyte: bad IDX magic 0x00000801 (expected 0x00000803)");
}

TEST(DataCli, IdxLabelOutOfRangeIsAnError) {
    const std::string dir = testing::scratch_dir("cli_bad_label");
    write_idx_dir(dir, 20);
    std::string text = testing::read_whole(dir + "/t10k-labels-idx1-ubyte");
    text[8 + 7] = 12;
    testing::write_text(dir + "/t10k-labels-idx1-ubyte", text);
    expect_train_error(dir, "dataset = \"mnist\"\ndir = " + quoted(dir) + "\nvalidation = 2\n",
                       dir + "/t10k-labels-idx1-ubyte: label 12 at record 7 (expected 0..9)");
}

TEST(DataCli, TruncatedCifarRecordIsAnError) {
    const std::string dir = testing::scratch_dir("cli_bad_cifar");
    std::string record(3073, '\x05');
    record[0] = 1;
    for (int k = 1; k <= 5; ++k) testing::write_text(dir + "/data_batch_" + std::to_string(k) + ".bin", record + record);
    testing::write_text(dir + "/test_batch.bin", record + record.substr(0, 500));
    expect_train_error(dir, "dataset = \"cifar10\"\ndir = " + quoted(dir) + "\nvalidation = 1\n",
                       dir + "/test_batch.bin: record 1 is truncated (500 of 3073 bytes");
}

TEST(DataCli, NpyDeclaringMoreThanTheFileHoldsIsAnError) {
    const std::string dir = testing::scratch_dir("cli_bad_npy_size");
    write_npy_pair(dir, 10);
    // 160 bytes of data under a header that claims a million rows: refused before allocating.
    std::vector<float> x(40, 1.0f);
    write_npy(dir + "/x.npy", "<f4", {1000000, 4}, x.data(), x.size() * sizeof(float));
    expect_train_error(dir, npy_section(dir),
                       dir + "/x.npy: truncated NPY data (shape (1000000, 4) of '<f4' needs 16000000 bytes, 160 follow "
                             "the header)");
}

TEST(DataCli, NonFiniteFeaturesAreErrors) {
    const std::string dir = testing::scratch_dir("cli_bad_nan");
    write_npy_pair(dir, 10);
    std::vector<float> x(40, 0.5f);
    x[2 * 4 + 3] = std::numeric_limits<float>::quiet_NaN();
    write_npy(dir + "/x.npy", "<f4", {10, 4}, x.data(), x.size() * sizeof(float));
    expect_train_error(dir, npy_section(dir), dir + "/x.npy: row 2, column 3 is NaN");

    testing::write_text(dir + "/t.csv", "a,b,label\n1,2,0\n3,inf,1\n");
    expect_train_error(dir, "dataset = \"csv\"\nfile = " + quoted(dir + "/t.csv") + "\n",
                       dir + "/t.csv:3: column 1 ('b'): 'inf' is not a finite number");
}

TEST(DataCli, RaggedCsvRowIsAnError) {
    const std::string dir = testing::scratch_dir("cli_bad_csv");
    testing::write_text(dir + "/t.csv", "a,b,label\n1,2,0\n3,1\n");
    expect_train_error(dir, "dataset = \"csv\"\nfile = " + quoted(dir + "/t.csv") + "\n",
                       dir + "/t.csv:3: 2 fields, expected 3 (as in line 1)");
}

TEST(DataCli, UndecodableImageIsAnError) {
    const std::string dir = testing::scratch_dir("cli_bad_image");
    std::vector<std::uint8_t> rgb(4 * 4 * 3, 7);
    std::filesystem::create_directories(dir + "/folder/a");
    ASSERT_NE(stbi_write_png((dir + "/folder/a/ok.png").c_str(), 4, 4, 3, rgb.data(), 12), 0);
    testing::write_text(dir + "/folder/a/z.jpg", "not a jpeg at all");
    expect_train_error(dir, "dataset = \"images\"\ndir = " + quoted(dir + "/folder") + "\n",
                       dir + "/folder/a/z.jpg: cannot decode image (");
}

TEST(DataCli, EmptyClassFolderIsAnError) {
    const std::string dir = testing::scratch_dir("cli_empty_class");
    std::vector<std::uint8_t> rgb(4 * 4 * 3, 7);
    std::filesystem::create_directories(dir + "/folder/a");
    std::filesystem::create_directories(dir + "/folder/b");
    ASSERT_NE(stbi_write_png((dir + "/folder/a/ok.png").c_str(), 4, 4, 3, rgb.data(), 12), 0);
    expect_train_error(dir, "dataset = \"images\"\ndir = " + quoted(dir + "/folder") + "\n",
                       dir + "/folder/b: empty class folder (expected .png, .jpg");
}

TEST(DataCli, MismatchedFeatureAndLabelCountsAreAnError) {
    const std::string dir = testing::scratch_dir("cli_bad_counts");
    write_npy_pair(dir, 10);
    std::vector<std::int64_t> y(9, 0);
    write_npy(dir + "/y.npy", "<i8", {9}, y.data(), y.size() * sizeof(std::int64_t));
    expect_train_error(dir, npy_section(dir), dir + "/y.npy: 9 labels for 10 feature rows in " + dir + "/x.npy");
}

TEST(DataCli, DataInfoReportsBadFilesTheSameWay) {
    const std::string dir = testing::scratch_dir("cli_info_bad");
    testing::write_text(dir + "/t.csv", "a,label\n1,0\nx,1\n");
    const CommandResult r =
        run_mlp("data info --config " + write_config(dir, "dataset = \"csv\"\nfile = " + quoted(dir + "/t.csv") + "\n"));
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "mlp: error: " + dir + "/t.csv:3: column 0 ('a'): 'x' is not a number\n");
}

}  // namespace
}  // namespace mlp
