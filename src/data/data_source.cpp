// Dataset lookup by name and the split rules of the [data] section.
#include "mlp/data_source.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mlp/cifar10.hpp"
#include "mlp/csv.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/idx.hpp"
#include "mlp/image_folder.hpp"
#include "mlp/npy.hpp"
#include "mlp/rng.hpp"
#include "mlp/split.hpp"

namespace mlp {
namespace {

constexpr int kMaxClasses = 65536;

// Fashion-MNIST's label names, in label order (zalandoresearch/fashion-mnist README).
const std::vector<std::string> kFashionNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

struct Sources {
    std::unique_ptr<Dataset> train, validation, test;
};

std::string idx_path(const std::string& dir, const std::string& prefix, const std::string& kind,
                     const std::string& dataset) {
    const std::string suffix = dataset == "fashion-mnist" ? ".gz" : "";
    const std::string path = dir + "/" + prefix + "-" + kind + suffix;
    if (!file_exists(path))
        throw Error(path + ": no such file (" +
                    (dataset == "mnist" ? std::string("run scripts/fetch_data.sh mnist")
                                        : std::string("apt-get install dataset-fashion-mnist")) +
                    ", or set data.dir)");
    return path;
}

std::unique_ptr<Dataset> read_idx_pair(const std::string& dir, const std::string& prefix, const std::string& dataset) {
    auto data = std::make_unique<Dataset>(read_idx_dataset(idx_path(dir, prefix, "images-idx3-ubyte", dataset),
                                                           idx_path(dir, prefix, "labels-idx1-ubyte", dataset),
                                                           dataset));
    if (dataset == "fashion-mnist") data->class_names = kFashionNames;
    return data;
}

const std::string& required(const std::string& value, const std::string& key, const std::string& what) {
    require(!value.empty(), "data." + key + ": required for this dataset (" + what + ")");
    return value;
}

// Integer labels of npy data: K from class_names when given (each label must be below it),
// else the largest label + 1 over every split.
void set_integer_classes(const std::vector<Dataset*>& sets, const std::vector<std::string>& names,
                         const std::vector<std::string>& sources) {
    int K = static_cast<int>(names.size());
    for (std::size_t i = 0; i < sets.size(); ++i) {
        for (int r = 0; r < sets[i]->rows; ++r) {
            const int y = sets[i]->labels[r];
            require(names.empty() || y < static_cast<int>(names.size()),
                    sources[i] + ": label " + std::to_string(y) + " at row " + std::to_string(r) + " (expected 0.." +
                        std::to_string(names.size() - 1) + " for the " + std::to_string(names.size()) +
                        " class_names)");
            require(y < kMaxClasses, sources[i] + ": label " + std::to_string(y) + " at row " + std::to_string(r) +
                                         " (class indices must be below " + std::to_string(kMaxClasses) + ")");
            if (names.empty()) K = std::max(K, y + 1);
        }
    }
    std::vector<std::string> class_names = names;
    for (int k = static_cast<int>(class_names.size()); k < K; ++k) class_names.push_back(std::to_string(k));
    for (Dataset* d : sets) {
        d->classes = K;
        d->class_names = class_names;
    }
}

CsvOptions csv_options(const DataConfig& c) {
    CsvOptions o;
    o.label_name = c.label_column;
    o.label_index = c.label_index;
    o.header = c.header;
    return o;
}

ImageOptions image_options(const DataConfig& c) { return ImageOptions{c.image_height, c.image_width, c.grayscale}; }

Sources read_sources(const DataConfig& c) {
    Sources s;
    if (c.dataset == "mnist" || c.dataset == "fashion-mnist") {
        const std::string dir = c.dir.empty() ? default_data_dir(c.dataset) : c.dir;
        s.train = read_idx_pair(dir, "train", c.dataset);
        s.test = read_idx_pair(dir, "t10k", c.dataset);
    } else if (c.dataset == "cifar10") {
        const std::string dir = c.dir.empty() ? find_cifar10_dir() : c.dir;
        s.train = std::make_unique<Dataset>(read_cifar10(dir, true));
        s.test = std::make_unique<Dataset>(read_cifar10(dir, false));
    } else if (c.dataset == "npy") {
        s.train = std::make_unique<Dataset>(
            read_npy_dataset(required(c.features, "features", "a .npy file of features, shape (N, D)"),
                             required(c.labels, "labels", "a .npy file of integer labels, shape (N,)"), "npy"));
        std::vector<Dataset*> sets{s.train.get()};
        std::vector<std::string> sources{c.labels};
        if (!c.test_features.empty() || !c.test_labels.empty()) {
            s.test = std::make_unique<Dataset>(read_npy_dataset(
                required(c.test_features, "test_features", "test_labels is set, so test_features must be too"),
                required(c.test_labels, "test_labels", "test_features is set, so test_labels must be too"), "npy"));
            sets.push_back(s.test.get());
            sources.push_back(c.test_labels);
        }
        set_integer_classes(sets, c.class_names, sources);
    } else if (c.dataset == "csv") {
        std::vector<CsvTable> tables{read_csv(required(c.file, "file", "a .csv file with a label column"),
                                              csv_options(c))};
        std::vector<std::string> sources{c.file};
        if (!c.test_file.empty()) {
            tables.push_back(read_csv(c.test_file, csv_options(c)));
            sources.push_back(c.test_file);
        }
        std::vector<Dataset> sets = csv_datasets(tables, sources, c.class_names, "csv");
        s.train = std::make_unique<Dataset>(std::move(sets[0]));
        if (sets.size() > 1) s.test = std::make_unique<Dataset>(std::move(sets[1]));
    } else if (c.dataset == "images") {
        const std::string& root = required(c.dir, "dir", "the image-folder root: <dir>/<class>/*.png");
        const ImageFolderLayout layout = image_folder_layout(root);
        const std::vector<std::string> classes = image_classes(layout.train);
        s.train = std::make_unique<Dataset>(read_image_folder(layout.train, classes, image_options(c), "images"));
        // Validation and test images are brought to the training images' size.
        ImageOptions same = image_options(c);
        same.height = s.train->image_shape[1];
        same.width = s.train->image_shape[2];
        if (!layout.validation.empty())
            s.validation = std::make_unique<Dataset>(read_image_folder(layout.validation, classes, same, "images", true));
        if (!layout.test.empty())
            s.test = std::make_unique<Dataset>(read_image_folder(layout.test, classes, same, "images", true));
    } else {
        check_dataset_name(c.dataset);
    }
    if (!c.classes.empty())
        for (Dataset* d : {s.train.get(), s.validation.get(), s.test.get()})
            if (d) select_classes(*d, c.classes, "data.classes");
    return s;
}

double default_validation(const std::string& dataset) {
    if (dataset == "mnist" || dataset == "fashion-mnist") return 10000;
    if (dataset == "cifar10") return 5000;
    return 0.1;
}

std::vector<int> all_rows(int n) {
    std::vector<int> rows(n);
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

}  // namespace

void check_dataset_name(const std::string& dataset) {
    for (const char* name : {"mnist", "fashion-mnist", "cifar10", "npy", "csv", "images"})
        if (dataset == name) return;
    throw Error("unknown dataset '" + dataset + "' (expected mnist, fashion-mnist, cifar10, npy, csv or images)");
}

std::string default_data_dir(const std::string& dataset) {
    check_dataset_name(dataset);
    if (dataset == "mnist") return "data/mnist";
    if (dataset == "fashion-mnist") return "/usr/share/datasets/fashion-mnist";
    if (dataset == "cifar10") {
        try {
            return find_cifar10_dir();
        } catch (const Error&) {
            return "data/cifar10";
        }
    }
    return "";  // npy and csv name their files; images need data.dir
}

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
        const double v = config.validation < 0 ? default_validation(config.dataset) : config.validation;
        const int available = static_cast<int>(pool.size());
        const int held_out = v < 1 ? static_cast<int>(v * available) : static_cast<int>(v);
        require(held_out < available, "data.validation: holds out " + std::to_string(held_out) + " of " +
                                          std::to_string(available) + " training rows (expected fewer)");
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
    DataShape shape;
    if (c.dataset == "mnist" || c.dataset == "fashion-mnist") {
        const std::string dir = c.dir.empty() ? default_data_dir(c.dataset) : c.dir;
        const std::string path = idx_path(dir, "train", "images-idx3-ubyte", c.dataset);
        std::vector<std::uint8_t> head = read_file_head(path, 16);
        IdxImages header = parse_idx_header(head, path);
        shape.features = header.height * header.width;
        shape.image_shape = {1, header.height, header.width};
        shape.classes = 10;
        if (c.dataset == "fashion-mnist") shape.class_names = kFashionNames;
        else
            for (int k = 0; k < 10; ++k) shape.class_names.push_back(std::to_string(k));
    } else if (c.dataset == "cifar10") {
        shape.features = kCifarPixels;
        shape.image_shape = {3, 32, 32};
        shape.class_names = read_cifar10_class_names(c.dir.empty() ? find_cifar10_dir() : c.dir);
        shape.classes = 10;
    } else if (c.dataset == "npy") {
        const std::string& path = required(c.features, "features", "a .npy file of features, shape (N, D)");
        const NpyHeader h = read_npy_header(path);
        require(!h.shape.empty(), path + ": a 0-d array (expected features of shape (N, D))");
        std::size_t D = 1;
        for (std::size_t i = 1; i < h.shape.size(); ++i) D *= h.shape[i];
        shape.features = static_cast<int>(D);
        if (h.shape.size() == 3) shape.image_shape = {1, int(h.shape[1]), int(h.shape[2])};
        if (h.shape.size() == 4 && (h.shape[1] == 1 || h.shape[1] == 3))
            shape.image_shape = {int(h.shape[1]), int(h.shape[2]), int(h.shape[3])};
        if (!c.class_names.empty()) {
            shape.class_names = c.class_names;
        } else {
            // Labels are small (N integers): read them for the class count.
            int K = 0;
            for (const std::string& labels : {c.labels, c.test_labels}) {
                if (labels.empty()) continue;
                for (int y : npy_labels(read_npy(labels), labels)) K = std::max(K, y + 1);
            }
            for (int k = 0; k < K; ++k) shape.class_names.push_back(std::to_string(k));
        }
        shape.classes = static_cast<int>(shape.class_names.size());
    } else if (c.dataset == "images") {
        const ImageFolderLayout layout =
            image_folder_layout(required(c.dir, "dir", "the image-folder root: <dir>/<class>/*.png"));
        shape.class_names = image_classes(layout.train);
        shape.classes = static_cast<int>(shape.class_names.size());
        shape.image_shape = image_folder_shape(layout.train, shape.class_names, image_options(c));
        shape.features = shape.image_shape[0] * shape.image_shape[1] * shape.image_shape[2];
    } else {
        // csv (and anything whose class list needs every row): read it.
        Sources s = read_sources(c);
        shape.features = s.train->features;
        shape.classes = s.train->classes;
        shape.image_shape = s.train->image_shape;
        shape.class_names = s.train->class_names;
        return shape;
    }
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
