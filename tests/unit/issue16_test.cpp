// Issue 16, hostile settings and files: counts beyond int in the config, an NPY shape whose
// product overflows, a CSV test label the training set never has, non-finite numbers, and
// batch sizes from absurd to merely larger than the training split.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "config.hpp"
#include "config_schema.hpp"
#include "data_test_support.hpp"
#include "mlp/csv.hpp"
#include "mlp/file.hpp"
#include "mlp/data_source.hpp"
#include "mlp/init.hpp"
#include "mlp/npy.hpp"
#include "mlp/trainer.hpp"
#include "synthetic_data.hpp"

namespace mlp {
namespace {

using testing::error_of;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Issue16, HugeValidationCountIsAnErrorNotAnAbort) {
    for (const char* count : {"3e9", "1e12", "3000000000", "2147483648"}) {
        const std::string e = error_of([&] { parse_config("[data]\nvalidation = " + std::string(count) + "\n", "c.toml"); });
        EXPECT_TRUE(contains(e, "c.toml: data.validation: a count of ")) << count << ": " << e;
        EXPECT_TRUE(contains(e, "expected at most 2147483647")) << e;
        EXPECT_EQ(e.find('\n'), std::string::npos) << e;
    }
    EXPECT_EQ(error_of([] { parse_config("[data]\nvalidation = 2147483647\n", "c.toml"); }), "");
    // Given directly to make_splits, a count beyond int is an error too, not a wrapped cast.
    DataConfig config;
    config.normalize = "none";
    for (double count : {3e9, 1e12, 2147483647.0}) {
        config.validation = count;
        const std::string e = error_of([&] { make_splits(test::gaussian_clusters(60, 3, 2, 1), nullptr, config); });
        EXPECT_TRUE(contains(e, "data.validation: holds out ")) << count << ": " << e;
    }
    // The command of the report: a one-line error naming the key, exit 1 (was 134, std::length_error).
    const testing::CommandResult r =
        testing::run_mlp("data info --config experiments/mnist_default.toml --set data.validation=3e9");
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_TRUE(contains(r.err, "data.validation: a count of 3000000000 rows")) << r.err;
}

// An NPY file whose header declares `shape` for float32 features, with `values` floats behind it.
std::string npy_with_shape(const std::string& path, const std::string& shape, std::size_t values) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string file = std::string("\x93NUMPY\x01\x00", 8) + char(header.size() & 0xff) + char(header.size() >> 8);
    file += header + std::string(values * 4, '\0');
    testing::write_text(path, file);
    return path;
}

TEST(Issue16, NpyShapeWhoseProductOverflowsIsAClearError) {
    const std::string dir = testing::scratch_dir("issue16_npy");
    const std::vector<std::int64_t> labels = {0, 1};
    write_npy(dir + "/y.npy", "<i8", {2}, labels.data(), labels.size() * sizeof(std::int64_t));
    DataConfig config;
    config.dataset = "npy";
    config.labels = dir + "/y.npy";
    struct Case {
        std::string shape, message;
    };
    const std::vector<Case> cases = {
        // 65536 · 65537 = 2^32 + 65536 features per row: wrapped to 65536 by an int cast.
        {"(2, 65536, 65537)", "has 4295032832 features per row (expected at most 1073741824; corrupt header?)"},
        // 2^32 · (2^32 + 1) wraps around 64 bits.
        {"(2, 4294967296, 4294967297)", "has more than 2^64 features per row"},
        // Fits an int, but the file holds 8 floats, not 2 · 2^30.
        {"(2, 32768, 32768)", "of '<f4' needs more bytes than the 32 the file holds after its header"},
        {"(3000000000, 1)", "has 3000000000 rows (expected at most 2147483647)"},
        {"(2, 0)", "holds no values"},
    };
    for (const Case& c : cases) {
        config.features = npy_with_shape(dir + "/x.npy", c.shape, 8);
        const std::string want = config.features + ": shape " + c.shape + " ";
        const std::string shape_error = error_of([&] { data_shape(config); });
        EXPECT_EQ(shape_error.rfind(want + c.message, 0), 0u) << shape_error;
        // Reading the whole file fails as clearly (there the data length is checked first).
        const std::string load_error = error_of([&] { load_data(config); });
        EXPECT_EQ(load_error.rfind(config.features + ": ", 0), 0u) << c.shape << ": " << load_error;
    }
    // With the class names given, data_shape reads only the header: still the same error.
    config.class_names = {"a", "b"};
    config.features = npy_with_shape(dir + "/x.npy", "(2, 65536, 65537)", 8);
    EXPECT_TRUE(contains(error_of([&] { data_shape(config); }), "(2, 65536, 65537) has 4295032832 features per row"));
    // A sane file still reads.
    config.features = npy_with_shape(dir + "/x.npy", "(2, 2, 2)", 8);
    EXPECT_EQ(data_shape(config).features, 4);
}

TEST(Issue16, CsvTestLabelTheTrainingSetNeverHasIsAnError) {
    const std::string dir = testing::scratch_dir("issue16_csv");
    std::string train = "f1,f2,label\n", test = "f1,f2,label\n";
    for (int i = 0; i < 40; ++i) train += std::to_string(i) + "," + std::to_string(i % 3) + "," + std::to_string(i % 10) + "\n";
    for (int i = 0; i < 5; ++i) test += std::to_string(i) + ",1," + std::to_string(i) + "\n";
    testing::write_text(dir + "/train.csv", train);
    testing::write_text(dir + "/test.csv", test + "7,1,10\n");
    DataConfig config;
    config.dataset = "csv";
    config.file = dir + "/train.csv";
    config.test_file = dir + "/test.csv";
    config.normalize = "none";
    const std::string e = error_of([&] { load_data(config); });
    EXPECT_TRUE(contains(e, dir + "/test.csv:7: label 10 never occurs in the training file " + dir + "/train.csv")) << e;
    EXPECT_TRUE(contains(error_of([&] { data_shape(config); }), "test.csv:7: label 10 never occurs")) << e;
    // Word labels too: a test word the training table lacks is not a new class.
    CsvOptions by_name;
    by_name.label_name = "y";
    const CsvTable words = parse_csv("x,y\n1,cat\n2,dog\n", "train.csv", by_name);
    const CsvTable more = parse_csv("x,y\n1,cat\n2,emu\n", "test.csv", by_name);
    EXPECT_EQ(error_of([&] { csv_datasets({words, more}, {"train.csv", "test.csv"}, {}, "csv"); }),
              "test.csv:3: label emu never occurs in the training file train.csv (the model would have no class for "
              "it; list every class in data.class_names to allow it)");
    // With class_names, the names decide: label 10 of 11 names is fine, as are the words.
    config.class_names.clear();
    for (int k = 0; k <= 10; ++k) config.class_names.push_back("c" + std::to_string(k));
    const DataSplits data = load_data(config);
    EXPECT_EQ(data.test_data->classes, 11);
    EXPECT_EQ(csv_datasets({words, more}, {"train.csv", "test.csv"}, {"cat", "dog", "emu"}, "csv")[1].labels,
              (std::vector<int>{0, 2}));
    // Without a stray label, the classes are the training set's.
    testing::write_text(dir + "/test.csv", test + "7,1,07\n");
    config.class_names.clear();
    EXPECT_EQ(load_data(config).test_data->classes, 10);
}

// The same for NPY: test labels beyond the training labels are no silent extra class.
TEST(Issue16, NpyTestLabelTheTrainingLabelsNeverReachIsAnError) {
    const std::string dir = testing::scratch_dir("issue16_npy_labels");
    const std::vector<float> x(8 * 2, 0.5f);
    const std::vector<std::int64_t> train = {0, 1, 2, 0, 1, 2, 0, 1}, test = {0, 3};
    write_npy(dir + "/x.npy", "<f4", {8, 2}, x.data(), x.size() * sizeof(float));
    write_npy(dir + "/tx.npy", "<f4", {2, 2}, x.data(), 4 * sizeof(float));
    write_npy(dir + "/y.npy", "<i8", {8}, train.data(), train.size() * sizeof(std::int64_t));
    write_npy(dir + "/ty.npy", "<i8", {2}, test.data(), test.size() * sizeof(std::int64_t));
    DataConfig config;
    config.dataset = "npy";
    config.features = dir + "/x.npy";
    config.labels = dir + "/y.npy";
    config.test_features = dir + "/tx.npy";
    config.test_labels = dir + "/ty.npy";
    config.normalize = "none";
    config.validation = 0;
    EXPECT_TRUE(contains(error_of([&] { load_data(config); }),
                         dir + "/ty.npy: label 3 at row 1 never occurs in the training labels " + dir + "/y.npy"));
    config.class_names = {"a", "b", "c", "d"};  // named, a class may be absent from training
    EXPECT_EQ(load_data(config).test_data->classes, 4);
}

TEST(Issue16, NonFiniteNumbersAreRefusedForEveryNumberKey) {
    int checked = 0;
    for (const ConfigKey& k : config_keys()) {
        if (k.type.rfind("number", 0) != 0) continue;  // "number", "number or string"
        for (const char* value : {"inf", "-inf", "nan", "+inf"}) {
            const std::string text = "[" + k.section + "]\n" + k.name + " = " + value + "\n";
            const std::string e = error_of([&] { parse_config(text, "c.toml"); });
            EXPECT_TRUE(contains(e, "c.toml: " + k.path() + ": expected a finite number, got ")) << k.path() << " = "
                                                                                               << value << ": " << e;
        }
        ++checked;
    }
    EXPECT_GE(checked, 12);  // lr, momentum, beta1, beta2, epsilon, l2, max_norm, lr_decay, dropouts, ...
    EXPECT_TRUE(contains(error_of([] { parse_config("", "c.toml", {"train.lr=inf"}); }),
                         "c.toml: train.lr: expected a finite number, got inf"));
}

Network<float> small_network(int inputs, int classes) {
    Architecture arch;
    arch.inputs = inputs;
    arch.hidden = {4};
    arch.classes = classes;
    Network<float> net(arch);
    Rng rng(2);
    initialize(net, Init{InitScheme::xavier_normal, 0}, rng);
    return net;
}

TEST(Issue16, AbsurdBatchSizeIsRefusedAndALargeOneIsOneStepOfAllRows) {
    const DataSplits data = test::clusters_splits(40, 3, 2, 0);
    Network<float> net = small_network(3, 2);
    TrainSettings settings;
    settings.epochs = 2;
    // 2^31 − 1 used to hang (N + B − 1 overflowed to a negative step count); 1e8 to run out of memory.
    for (int B : {2147483647, 100000000, (1 << 24) + 1, 0, -5}) {
        settings.batch_size = B;
        const std::string e = error_of([&] { Trainer trainer(net, settings, data); });
        EXPECT_EQ(e, "train.batch_size: " + std::to_string(B) + " rows per step (expected 1..16777216; a batch larger "
                                                                  "than the training rows is one step over all of them)");
    }
    // Up to 2^24 a batch larger than the 40 training rows is one step over all of them.
    for (int B : {1 << 24, 41, 40}) {
        settings.batch_size = B;
        Trainer trainer(net, settings, data);
        EXPECT_EQ(trainer.steps_per_epoch(), 1) << B;
        const TrainResult result = trainer.run();
        EXPECT_EQ(result.steps, 2) << B;
        ASSERT_FALSE(result.history.empty());
        EXPECT_TRUE(std::isfinite(result.history.back().train_loss)) << B;
    }
    settings.batch_size = 16;
    EXPECT_EQ(Trainer(net, settings, data).steps_per_epoch(), 3);
}

// --resume keeps what changes results: a changed setting of that kind, or a changed data
// file, is refused with the difference named, unless --force, which the run records.
TEST(Issue16, ResumeRefusesChangedSettingsOrDataUnlessForced) {
    const std::string dir = testing::scratch_dir("issue16_resume") + "/run";
    const std::string tiny = " --quiet --no-report --set data.train_size=500 --set data.validation=100 --set model.hidden=[8]";
    ASSERT_EQ(testing::run_mlp("train --config experiments/mnist_default.toml --out " + dir + tiny +
                               " --set train.epochs=1").status, 0);
    ASSERT_TRUE(file_exists(dir + "/data_sha256.json"));
    // More epochs change how long it runs, not what a step computes: allowed.
    testing::CommandResult r = testing::run_mlp("train --resume " + dir + " --quiet --no-report --set train.epochs=2");
    ASSERT_EQ(r.status, 0) << r.err;
    r = testing::run_mlp("train --resume " + dir + " --quiet --no-report --set train.epochs=3 --set train.lr=0.5");
    EXPECT_EQ(r.status, 1);
    EXPECT_TRUE(contains(r.err, "resuming would change what this run computes: train.lr (0.001 → 0.5); resume as it "
                                "was, or add --force")) << r.err;
    // A data file that is not what the run was trained on.
    const std::string sums = testing::read_whole(dir + "/data_sha256.json");
    const auto at = sums.find(": \"") + 3;
    std::string tampered = sums;
    tampered[at] = tampered[at] == '0' ? '1' : '0';
    testing::write_text(dir + "/data_sha256.json", tampered);
    r = testing::run_mlp("train --resume " + dir + " --quiet --no-report --set train.epochs=3");
    EXPECT_EQ(r.status, 1);
    EXPECT_TRUE(contains(r.err, "(its sha256 changed)")) << r.err;
    // Forced: it runs, and the run says so.
    r = testing::run_mlp("train --resume " + dir + " --quiet --no-report --force --set train.epochs=3 --set train.lr=0.5");
    EXPECT_EQ(r.status, 0) << r.err;
    const std::string log = testing::read_whole(dir + "/resumes.log");
    EXPECT_TRUE(contains(log, "resumed with --force: train.lr (0.001 → 0.5); data file ")) << log;
}

// Limits stated and enforced: a network or a step that cannot fit in this machine's memory
// is refused before anything is allocated, with the figures.
TEST(Issue16, AModelLargerThanMemoryIsRefusedBeforeAllocating) {
    Architecture huge;
    huge.inputs = 784;
    huge.hidden = {1 << 20, 1 << 20};  // 1.1·10¹² weights: 8 TiB of weights and gradients
    huge.classes = 10;
    const std::string e = error_of([&] { Network<float> net(huge); });
    EXPECT_TRUE(contains(e, "model: 1100346294282 parameters (weights and gradients) needs 8.0 TiB, more than this "
                            "machine's ")) << e;
    const testing::CommandResult r = testing::run_mlp(
        "train --config experiments/mnist_default.toml --out " + testing::scratch_dir("issue16_memory") +
        "/run --quiet --no-report --set 'model.hidden=[1048576, 1048576]'");
    EXPECT_EQ(r.status, 1);
    EXPECT_TRUE(contains(r.err, "mlp: error: model: 1100346294282 parameters")) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace mlp
