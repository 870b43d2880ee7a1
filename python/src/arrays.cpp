// NumPy ⇄ Dataset and buffer views (arrays.hpp).
#include "arrays.hpp"

#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>

#include "mlp/error.hpp"

namespace mlp::python {
namespace {

// The most classes a dataset may have, as for the file readers (src/data/dataset_kind.hpp).
constexpr int kMaxClasses = 65536;

std::string shape_text(const py::array& a) {
    std::string text = "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) text += (i ? ", " : "") + std::to_string(a.shape(i));
    return text + (a.ndim() == 1 ? ",)" : ")");
}

}  // namespace

FeatureRows::FeatureRows(const py::array& x, int D, const std::string& what) : what(what) {
    require(x.ndim() >= 1 && x.size() > 0, what + ": shape " + shape_text(x) + ", expected (N, D) with N, D ≥ 1" +
                                               (D > 0 ? " or one row (" + std::to_string(D) + ",)" : ""));
    const char kind = x.dtype().kind();
    require(kind == 'u' || kind == 'i' || kind == 'f' || kind == 'b',
            what + ": dtype " + std::string(py::str(x.dtype())) + ", expected numbers (uint8 or float32)");
    const bool one_row = x.ndim() == 1 && D > 0;
    require(x.ndim() >= 2 || one_row, what + ": shape " + shape_text(x) + ", expected (N, D)");
    rows = one_row ? 1 : static_cast<int>(x.shape(0));
    const py::ssize_t width = one_row ? x.shape(0) : x.size() / x.shape(0);
    require(D == 0 || width == D, what + ": " + std::to_string(width) + " values per row (shape " + shape_text(x) +
                                      "), expected the model's " + std::to_string(D) + " inputs");
    require(width <= (1 << 30), what + ": " + std::to_string(width) + " values per row, expected at most 2^30");
    features = static_cast<int>(width);
    if (x.ndim() == 3) image_shape = {1, int(x.shape(1)), int(x.shape(2))};
    if (x.ndim() == 4 && (x.shape(1) == 1 || x.shape(1) == 3))
        image_shape = {int(x.shape(1)), int(x.shape(2)), int(x.shape(3))};
    // A C-contiguous array of the right type is read in place; anything else converted once.
    is_u8 = x.dtype().is(py::dtype::of<std::uint8_t>());
    if (is_u8) {
        bytes = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>::ensure(x);
    } else {
        floats = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(x);
        require(bool(floats), what + ": cannot be read as float32 numbers");
    }
}

void FeatureRows::copy(int first, int count, Dataset& out) const {
    const std::size_t begin = std::size_t(first) * features, end = begin + std::size_t(count) * features;
    out.name = what;
    out.rows = count;
    out.features = features;
    out.image_shape = image_shape;
    if (is_u8) {
        out.u8.assign(bytes.data() + begin, bytes.data() + end);
        return;
    }
    const float* values = floats.data();
    for (std::size_t i = begin; i < end; ++i) {
        if (std::isfinite(values[i])) continue;
        throw Error(what + ": row " + std::to_string(i / features) + ", feature " + std::to_string(i % features) +
                    " is " + (std::isnan(values[i]) ? "NaN" : "infinite or beyond float32 range") +
                    ", expected finite numbers");
    }
    out.f32.assign(values + begin, values + end);
}

Dataset features_from_array(const py::array& x, int D, const std::string& what) {
    const FeatureRows rows(x, D, what);
    Dataset data;
    rows.copy(0, rows.rows, data);
    return data;
}

void set_labels(Dataset& data, const py::array& y, int classes, const std::string& what) {
    const char kind = y.dtype().kind();
    require(kind == 'i' || kind == 'u', what + ": dtype " + std::string(py::str(y.dtype())) +
                                            ", expected integer class indices 0..K-1");
    require(y.size() == data.rows, what + ": " + std::to_string(y.size()) + " labels for " +
                                       std::to_string(data.rows) + " rows, expected one per row");
    auto labels = py::array_t<long long, py::array::c_style | py::array::forcecast>::ensure(y);
    int K = classes;
    data.labels.resize(data.rows);
    for (int r = 0; r < data.rows; ++r) {
        const long long label = labels.data()[r];
        const std::string at = what + ": label " + std::to_string(label) + " at row " + std::to_string(r);
        require(label >= 0 && label < kMaxClasses, at + ", expected 0.." + std::to_string(kMaxClasses - 1));
        require(classes == 0 || label < classes, at + ", expected 0.." + std::to_string(classes - 1) +
                                                     " (the classes of the training labels)");
        data.labels[r] = static_cast<int>(label);
        if (classes == 0) K = std::max(K, data.labels[r] + 1);
    }
    data.classes = K;
    for (int k = 0; k < K; ++k) data.class_names.push_back(std::to_string(k));
}

py::array_t<float> matrix_view(float* data, int rows, int columns, py::handle owner) {
    const py::ssize_t item = sizeof(float);
    return py::array_t<float>({py::ssize_t(rows), py::ssize_t(columns)}, {columns * item, item}, data, owner);
}

py::array_t<float> vector_view(float* data, int size, py::handle owner) {
    return py::array_t<float>({py::ssize_t(size)}, {py::ssize_t(sizeof(float))}, data, owner);
}

}  // namespace mlp::python
