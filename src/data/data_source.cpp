// Dataset lookup by name and the split rules of the [data] section.
#include "mlp/data_source.hpp"

#include <numeric>

#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/idx.hpp"

namespace mlp {
namespace {

std::unique_ptr<Dataset> read_idx_pair(const std::string& dir, const std::string& prefix, const std::string& suffix,
                                       const std::string& name) {
    const std::string images = dir + "/" + prefix + "-images-idx3-ubyte" + suffix;
    const std::string labels = dir + "/" + prefix + "-labels-idx1-ubyte" + suffix;
    for (const std::string& path : {images, labels})
        if (!file_exists(path))
            throw Error(path + ": no such file (" +
                        (name == "mnist" ? std::string("run scripts/fetch_data.sh mnist")
                                         : std::string("apt-get install dataset-fashion-mnist")) +
                        ", or set data.dir)");
    return std::make_unique<Dataset>(read_idx_dataset(images, labels, name));
}

}  // namespace

std::string default_data_dir(const std::string& dataset) {
    if (dataset == "mnist") return "data/mnist";
    if (dataset == "fashion-mnist") return "/usr/share/datasets/fashion-mnist";
    throw Error("unknown dataset '" + dataset + "' (expected mnist or fashion-mnist)");
}

DataSplits load_data(const DataConfig& config) {
    const std::string dir = config.dir.empty() ? default_data_dir(config.dataset) : config.dir;
    default_data_dir(config.dataset);  // validates the name
    const std::string suffix = config.dataset == "fashion-mnist" ? ".gz" : "";
    auto train = read_idx_pair(dir, "train", suffix, config.dataset);
    auto test = read_idx_pair(dir, "t10k", suffix, config.dataset);
    return make_splits(std::move(train), std::move(test), config);
}

DataSplits make_splits(std::unique_ptr<Dataset> train, std::unique_ptr<Dataset> test, const DataConfig& config) {
    require(train->features == test->features, "data: train and test have different feature counts (" +
                                                   std::to_string(train->features) + " vs " +
                                                   std::to_string(test->features) + ")");
    DataSplits splits;
    const int N = train->rows;
    int held_out = 0;
    if (!config.validation_from_test && config.validation > 0)
        held_out = config.validation < 1 ? static_cast<int>(config.validation * N) : static_cast<int>(config.validation);
    require(held_out < N, "data.validation: holds out " + std::to_string(held_out) + " of " + std::to_string(N) +
                              " training rows (expected fewer)");
    int train_rows = N - held_out;
    if (config.train_size > 0) {
        require(config.train_size <= train_rows, "data.train_size: " + std::to_string(config.train_size) +
                                                     " exceeds the " + std::to_string(train_rows) +
                                                     " training rows available");
        train_rows = config.train_size;
    }
    splits.train.data = train.get();
    splits.train.indices.resize(train_rows);
    std::iota(splits.train.indices.begin(), splits.train.indices.end(), 0);
    splits.test.data = test.get();
    splits.test.indices.resize(test->rows);
    std::iota(splits.test.indices.begin(), splits.test.indices.end(), 0);
    if (config.validation_from_test) {
        splits.validation = splits.test;
    } else {
        splits.validation.data = train.get();
        for (int r = N - held_out; r < N; ++r) splits.validation.indices.push_back(r);
    }
    splits.normalizer = Normalizer::fit(parse_normalize(config.normalize), splits.train);
    splits.train_data = std::move(train);
    splits.test_data = std::move(test);
    return splits;
}

}  // namespace mlp
