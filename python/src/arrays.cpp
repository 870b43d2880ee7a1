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

Dataset features_from_array(const py::array& x, int D, const std::string& what) {
    require(x.ndim() >= 1 && x.size() > 0, what + ": shape " + shape_text(x) + ", expected (N, D) with N, D ≥ 1" +
                                               (D > 0 ? " or one row (" + std::to_string(D) + ",)" : ""));
    const char kind = x.dtype().kind();
    require(kind == 'u' || kind == 'i' || kind == 'f' || kind == 'b',
            what + ": dtype " + std::string(py::str(x.dtype())) + ", expected numbers (uint8 or float32)");
    Dataset data;
    data.name = what;
    const bool one_row = x.ndim() == 1 && D > 0;
    require(x.ndim() >= 2 || one_row, what + ": shape " + shape_text(x) + ", expected (N, D)");
    data.rows = one_row ? 1 : static_cast<int>(x.shape(0));
    const py::ssize_t width = one_row ? x.shape(0) : x.size() / x.shape(0);
    require(D == 0 || width == D, what + ": " + std::to_string(width) + " values per row (shape " + shape_text(x) +
                                      "), expected the model's " + std::to_string(D) + " inputs");
    require(width <= (1 << 30), what + ": " + std::to_string(width) + " values per row, expected at most 2^30");
    data.features = static_cast<int>(width);
    if (x.ndim() == 3) data.image_shape = {1, int(x.shape(1)), int(x.shape(2))};
    if (x.ndim() == 4 && (x.shape(1) == 1 || x.shape(1) == 3))
        data.image_shape = {int(x.shape(1)), int(x.shape(2)), int(x.shape(3))};

    if (x.dtype().is(py::dtype::of<std::uint8_t>())) {
        auto bytes = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>::ensure(x);
        data.u8.assign(bytes.data(), bytes.data() + bytes.size());
        return data;
    }
    auto floats = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(x);
    require(bool(floats), what + ": cannot be read as float32 numbers");
    data.f32.assign(floats.data(), floats.data() + floats.size());
    for (std::size_t i = 0; i < data.f32.size(); ++i) {
        const float v = data.f32[i];
        if (std::isfinite(v)) continue;
        throw Error(what + ": row " + std::to_string(i / width) + ", feature " + std::to_string(i % width) + " is " +
                    (std::isnan(v) ? "NaN" : "infinite or beyond float32 range") + ", expected finite numbers");
    }
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
