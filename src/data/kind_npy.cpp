// NPY: features (N, ...) and integer labels (N) in separate .npy files, test files
// optional; classes from data.class_names, else the largest label + 1.
#include <algorithm>
#include <filesystem>

#include "dataset_kind.hpp"
#include "mlp/error.hpp"
#include "mlp/npy.hpp"

namespace mlp {
namespace {

// Integer labels: K from class_names when given (each label must be below it), else the
// training labels' largest + 1; a test label the training labels never reach is an error
// (it would be a class no step ever trains).
void set_integer_classes(const std::vector<Dataset*>& sets, const std::vector<std::string>& names,
                         const std::vector<std::string>& sources) {
    int K = static_cast<int>(names.size());
    for (std::size_t i = 0; i < sets.size(); ++i) {
        for (int r = 0; r < sets[i]->rows; ++r) {
            const int y = sets[i]->labels[r];
            const std::string at = sources[i] + ": label " + std::to_string(y) + " at row " + std::to_string(r);
            require(names.empty() || y < static_cast<int>(names.size()),
                    at + " (expected 0.." + std::to_string(names.size() - 1) + " for the " +
                        std::to_string(names.size()) + " class_names)");
            require(y < kMaxClasses, at + " (class indices must be below " + std::to_string(kMaxClasses) + ")");
            require(!names.empty() || i == 0 || y < K,
                    at + " never occurs in the training labels " + sources[0] +
                        " (list every class in data.class_names to allow it)");
            if (names.empty() && i == 0) K = std::max(K, y + 1);
        }
    }
    std::vector<std::string> class_names = names;
    for (int k = static_cast<int>(class_names.size()); k < K; ++k) class_names.push_back(std::to_string(k));
    for (Dataset* d : sets) {
        d->classes = K;
        d->class_names = class_names;
    }
}

const std::string& features_file(const DataConfig& c) {
    return required(c.features, "features", "a .npy file of features, shape (N, D)");
}

Sources read(const DataConfig& c) {
    Sources s;
    s.train = std::make_unique<Dataset>(
        read_npy_dataset(features_file(c), required(c.labels, "labels", "a .npy file of integer labels, shape (N,)"), "npy"));
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
    return s;
}

// From the features' header, and the labels (N integers) when class_names are not given.
DataShape shape(const DataConfig& c) {
    const std::string& path = features_file(c);
    const NpyHeader h = read_npy_header(path);
    const std::uintmax_t size = std::filesystem::file_size(path);
    DataShape s;
    s.features = npy_row_width(h, size > h.data_offset ? size - h.data_offset : 0, path);
    if (h.shape.size() == 3) s.image_shape = {1, int(h.shape[1]), int(h.shape[2])};
    if (h.shape.size() == 4 && (h.shape[1] == 1 || h.shape[1] == 3))
        s.image_shape = {int(h.shape[1]), int(h.shape[2]), int(h.shape[3])};
    if (!c.class_names.empty()) {
        s.class_names = c.class_names;
    } else {
        int K = 0;
        for (const std::string& labels : {c.labels, c.test_labels}) {
            if (labels.empty()) continue;
            for (int y : npy_labels(read_npy(labels), labels)) K = std::max(K, y + 1);
        }
        for (int k = 0; k < K; ++k) s.class_names.push_back(std::to_string(k));
    }
    s.classes = static_cast<int>(s.class_names.size());
    return s;
}

}  // namespace

DatasetKind npy_kind() {
    return {"npy", [] { return std::string(); }, 0.1, read, shape,
            {"features", "labels", "test_features", "test_labels", "class_names", "test_fraction"}};
}

}  // namespace mlp
