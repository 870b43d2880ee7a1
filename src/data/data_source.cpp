// Dataset kinds by name (each in its kind_*.cpp) and the split rules of the [data] section.
#include "mlp/data_source.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "dataset_kind.hpp"
#include "mlp/error.hpp"
#include "mlp/names.hpp"
#include "mlp/rng.hpp"
#include "mlp/split.hpp"

namespace mlp {
namespace {

// The splits of the source, with data.classes selected.
Sources read_sources(const DataConfig& c) {
    Sources s = dataset_kind(c.dataset).read(c);
    if (!c.classes.empty())
        for (Dataset* d : {s.train.get(), s.validation.get(), s.test.get()})
            if (d) select_classes(*d, c.classes, "data.classes");
    return s;
}

std::vector<int> all_rows(int n) {
    std::vector<int> rows(n);
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

}  // namespace

const std::vector<DatasetKind>& dataset_kinds() {
    static const std::vector<DatasetKind> kinds = {mnist_kind(), fashion_mnist_kind(), cifar10_kind(),
                                                   npy_kind(),   csv_kind(),          images_kind()};
    return kinds;
}

const DatasetKind& dataset_kind(const std::string& name) {
    for (const DatasetKind& kind : dataset_kinds())
        if (kind.name == name) return kind;
    throw Error("unknown dataset '" + name + "' (expected " + join_names(dataset_names()) + ")");
}

std::vector<std::string> dataset_names() {
    std::vector<std::string> names;
    for (const DatasetKind& kind : dataset_kinds()) names.push_back(kind.name);
    return names;
}

const std::string& required(const std::string& value, const std::string& key, const std::string& what) {
    require(!value.empty(), "data." + key + ": required for this dataset (" + what + ")");
    return value;
}

void check_dataset_name(const std::string& dataset) { dataset_kind(dataset); }

bool dataset_reads(const std::string& dataset, const std::string& key) {
    const std::vector<std::string>& keys = dataset_kind(dataset).keys;
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::vector<std::string> datasets_reading(const std::string& key) {
    std::vector<std::string> names;
    for (const DatasetKind& kind : dataset_kinds())
        if (dataset_reads(kind.name, key)) names.push_back(kind.name);
    return names;
}

std::string default_data_dir(const std::string& dataset) { return dataset_kind(dataset).default_dir(); }

DataSplits load_data(const DataConfig& config) {
    Sources s = read_sources(config);
    return make_splits(std::move(s.train), std::move(s.test), config, std::move(s.validation));
}

DataSplits make_splits(std::unique_ptr<Dataset> train, std::unique_ptr<Dataset> test, const DataConfig& config,
                       std::unique_ptr<Dataset> validation) {
    require(train && train->rows > 0, "data: the training set has no rows");
    for (const Dataset* other : {test.get(), validation.get()}) {
        if (!other) continue;
        require(other->features == train->features, "data: train and " + other->name + " " +
                                                        (other == test.get() ? "test" : "validation") +
                                                        " sets have different feature counts (" +
                                                        std::to_string(train->features) + " vs " +
                                                        std::to_string(other->features) + ")");
        require(other->classes == train->classes, "data: train and " + std::string(other == test.get() ? "test" : "validation") +
                                                      " sets have different class counts (" +
                                                      std::to_string(train->classes) + " vs " +
                                                      std::to_string(other->classes) + ")");
    }
    require(train->classes > 0 && train->classes <= kMaxClasses,
            "data: " + std::to_string(train->classes) + " classes (expected 1.." + std::to_string(kMaxClasses) + ")");
    DataSplits splits;
    Rng rng = Rng::for_purpose(config.seed, "split");
    const int K = train->classes;
    std::vector<int> pool = all_rows(train->rows);

    if (test) {
        splits.test = Subset{test.get(), all_rows(test->rows)};
    } else {
        // No test set in the source: hold out test_fraction of the rows, per class, at random.
        const int n_test = static_cast<int>(std::lround(config.test_fraction * train->rows));
        require(config.test_fraction > 0 && config.test_fraction < 1 && n_test >= 1 && n_test < train->rows,
                "data.test_fraction: " + std::to_string(config.test_fraction) + " of " +
                    std::to_string(train->rows) + " rows leaves no test or no training rows (give test files "
                                                  "or another fraction)");
        splits.test = Subset{train.get(), stratified_pick(pool, train->labels, K, n_test, rng, &pool)};
        test = std::make_unique<Dataset>();
        test->name = train->name + " (held-out test rows)";
        test->features = train->features;
        test->classes = train->classes;
        test->class_names = train->class_names;
        test->image_shape = train->image_shape;
    }

    if (config.validation_from_test) {
        splits.validation = splits.test;
    } else if (config.validation < 0 && validation) {
        splits.validation = Subset{validation.get(), all_rows(validation->rows)};
    } else {
        const double v = config.validation < 0 ? dataset_kind(config.dataset).default_validation : config.validation;
        const int available = static_cast<int>(pool.size());
        // Compared as a double before the cast: a count beyond int (3e9) must not wrap.
        const double wanted = v < 1 ? std::floor(v * available) : v;
        if (!(wanted >= 0 && wanted < available)) {
            char text[64];
            std::snprintf(text, sizeof text, "%.0f", wanted);
            throw Error("data.validation: holds out " + std::string(text) + " of " + std::to_string(available) +
                        " training rows (expected fewer)");
        }
        const int held_out = static_cast<int>(wanted);
        splits.validation.data = train.get();
        if (config.stratified) {
            splits.validation.indices = stratified_pick(pool, train->labels, K, held_out, rng, &pool);
        } else {
            splits.validation.indices.assign(pool.end() - held_out, pool.end());
            pool.resize(available - held_out);
        }
    }

    if (config.train_size > 0) {
        require(config.train_size <= static_cast<int>(pool.size()),
                "data.train_size: " + std::to_string(config.train_size) + " exceeds the " +
                    std::to_string(pool.size()) + " training rows available");
        if (config.stratified) pool = stratified_pick(pool, train->labels, K, config.train_size, rng);
        else pool.resize(config.train_size);
    }
    splits.train = Subset{train.get(), pool};

    if (config.test_size > 0) {
        std::vector<int>& rows = splits.test.indices;
        require(config.test_size <= static_cast<int>(rows.size()),
                "data.test_size: " + std::to_string(config.test_size) + " exceeds the " + std::to_string(rows.size()) +
                    " test rows available");
        if (config.stratified) rows = stratified_pick(rows, splits.test.data->labels, K, config.test_size, rng);
        else rows.resize(config.test_size);
        if (config.validation_from_test) splits.validation = splits.test;
    }

    splits.normalizer = Normalizer::fit(parse_normalize(config.normalize), splits.train);
    splits.train_data = std::move(train);
    splits.test_data = std::move(test);
    splits.validation_data = std::move(validation);
    return splits;
}

DataShape data_shape(const DataConfig& c) {
    DataShape shape = dataset_kind(c.dataset).shape(c);
    if (!c.classes.empty()) {
        for (const std::string& name : c.classes)
            require(std::find(shape.class_names.begin(), shape.class_names.end(), name) != shape.class_names.end(),
                    "data.classes: '" + name + "' is not a class of " + c.dataset);
        shape.class_names = c.classes;
        shape.classes = static_cast<int>(c.classes.size());
    }
    return shape;
}

}  // namespace mlp
