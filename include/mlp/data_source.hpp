// From a [data] config to train/validation/test splits: finds the named dataset's files,
// reads them, holds out validation, takes the training subset, fits normalisation.
#pragma once
#include <memory>
#include <string>

#include "mlp/dataset.hpp"

namespace mlp {

struct DataConfig {
    std::string dataset = "mnist";  // mnist | fashion-mnist
    std::string dir;                // "" → the dataset's usual place
    int train_size = 0;             // first N training rows after the hold-out; 0 → all
    // Validation rows: a count (≥ 1) or fraction (< 1) held out from the end of the
    // training file, or taken from the test set (validation_from_test); 0 → none.
    double validation = 10000;
    bool validation_from_test = false;
    std::string normalize = "global";
};

struct DataSplits {
    std::unique_ptr<Dataset> train_data;  // owned here; Subsets point into them
    std::unique_ptr<Dataset> test_data;
    Subset train, validation, test;
    Normalizer normalizer;
};

std::string default_data_dir(const std::string& dataset);
DataSplits load_data(const DataConfig& config);
// Applies the split rules to datasets already loaded (tests use this with generated data).
DataSplits make_splits(std::unique_ptr<Dataset> train, std::unique_ptr<Dataset> test, const DataConfig& config);

}  // namespace mlp
