// From a [data] config to train/validation/test splits: finds the named dataset's files,
// reads them, selects classes, holds out test and validation rows, takes subsets, and
// fits the normalisation on the training split only.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlp/dataset.hpp"

namespace mlp {

struct DataConfig {
    std::string dataset = "mnist";  // mnist | fashion-mnist | cifar10 | npy | csv | images
    std::string dir;                // "" → the dataset's usual place (images: required)
    int train_size = 0;             // the first N training rows after the hold-outs; 0 → all
    int test_size = 0;              // the first N test rows; 0 → all
    // Validation rows: a count (≥ 1) or fraction (< 1) held out from the training rows, or
    // the test set (validation_from_test). < 0 (auto): the dataset's own validation split
    // (an image folder's val/), else 10,000 (mnist, fashion-mnist), 5,000 (cifar10) or 0.1.
    double validation = -1;
    bool validation_from_test = false;
    // Hold-outs and train_size pick rows at random per class (seeded) instead of taking
    // the last (validation) or first (train_size) rows.
    bool stratified = false;
    double test_fraction = 0.2;        // held out for testing when a dataset has no test set
    std::uint64_t seed = 0;            // of the random hold-outs
    std::vector<std::string> classes;  // keep only these classes, in this order; empty → all
    std::vector<std::string> class_names;  // names of integer labels (npy, csv)
    std::string normalize = "global";
    // npy: features (N, ...) and labels (N) in separate files; test files optional.
    std::string features, labels, test_features, test_labels;
    // csv: a table with a label column; test file optional.
    std::string file, test_file;
    std::string label_column;         // by header name, or
    std::optional<int> label_index;   // by 0-based index
    std::string header = "auto";      // auto | true | false
    // images: every image resized to image_height × image_width (0: keep the source size).
    int image_height = 0, image_width = 0;
    bool grayscale = false;
};

struct DataSplits {
    std::unique_ptr<Dataset> train_data;  // owned here; Subsets point into them
    // The test set. When the source has none, test rows are held out of train_data and
    // test_data is an empty Dataset with the same shape and classes.
    std::unique_ptr<Dataset> test_data;
    std::unique_ptr<Dataset> validation_data;  // a separate validation set (val/ folder); may be null
    Subset train, validation, test;
    Normalizer normalizer;
};

// What a model for this data looks like, read from headers and metadata where the format
// allows (IDX, CIFAR-10, NPY headers, image-folder listings); CSV and NPY labels are read.
struct DataShape {
    int features = 0;  // D
    int classes = 0;   // K
    std::array<int, 3> image_shape{0, 0, 0};
    std::vector<std::string> class_names;
};

// The dataset kinds' names (mnist, fashion-mnist, cifar10, npy, csv, images), each kind's
// facts in one file (src/data/kind_*.cpp).
std::vector<std::string> dataset_names();
// Where a kind's files usually are; "" where the config names them.
std::string default_data_dir(const std::string& dataset);
// Throws Error unless `dataset` is a known name.
void check_dataset_name(const std::string& dataset);
// Whether a dataset kind reads one of the [data] keys only some kinds read (features,
// file, image_size, ...), and which kinds read it.
bool dataset_reads(const std::string& dataset, const std::string& key);
std::vector<std::string> datasets_reading(const std::string& key);
DataSplits load_data(const DataConfig& config);
DataShape data_shape(const DataConfig& config);
// Applies the split rules to datasets already loaded (tests use this with generated data).
// test may be null (rows are held out of train); validation may be null.
DataSplits make_splits(std::unique_ptr<Dataset> train, std::unique_ptr<Dataset> test, const DataConfig& config,
                       std::unique_ptr<Dataset> validation = nullptr);

}  // namespace mlp
