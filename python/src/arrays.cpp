// NumPy ⇄ Dataset and buffer views (arrays.hpp).
#include "arrays.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>

#include "mlp/error.hpp"

namespace mlp::python {
namespace {

// The most classes a dataset may have, as for the file readers (src/data/dataset_kind.hpp).
constexpr int kMaxClasses = 65536;
// What a feature array needs to be read in place: C order, aligned, of the element type.
constexpr int kInPlace = py::array::c_style | py::array::forcecast | py::detail::npy_api::NPY_ARRAY_ALIGNED_;

// Whether x[0, n) are all finite: no exponent field of all ones (±inf, NaN). Without a
// branch per value, so the compiler vectorises it.
bool all_finite(const float* x, std::size_t n) {
    constexpr std::uint32_t kExponent = 0x7f800000u;
    std::uint32_t any = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, x + i, sizeof bits);
        any |= std::uint32_t((bits & kExponent) == kExponent);
    }
    return any == 0;
}

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
    // A C-contiguous, aligned array of the right type is read in place; anything else is
    // converted once.
    is_u8 = x.dtype().is(py::dtype::of<std::uint8_t>());
    if (is_u8) {
        values = py::array_t<std::uint8_t, kInPlace>::ensure(x);
    } else {
        values = py::array_t<float, kInPlace>::ensure(x);
        require(bool(values), what + ": cannot be read as float32 numbers");
    }
    copied = values.data() != x.data();
}

void FeatureRows::check_finite(int first, int count) const {
    if (is_u8) return;
    const float* x = static_cast<const float*>(values.data());
    const std::size_t begin = std::size_t(first) * features, end = begin + std::size_t(count) * features;
    // A fast pass over blocks (a training set is read once more than training reads it);
    // only a block that holds a bad value is searched for the first one.
    constexpr std::size_t kBlock = 1 << 16;
    std::size_t block = begin;
    while (block < end && all_finite(x + block, std::min(kBlock, end - block))) block += kBlock;
    for (std::size_t i = block; i < end; ++i) {
        if (std::isfinite(x[i])) continue;
        throw Error(what + ": row " + std::to_string(i / features) + ", feature " + std::to_string(i % features) +
                    " is " + (std::isnan(x[i]) ? "NaN" : "infinite or beyond float32 range") +
                    ", expected finite numbers");
    }
}

Dataset FeatureRows::dataset() const {
    Dataset data;
    data.name = what;
    data.rows = rows;
    data.features = features;
    data.image_shape = image_shape;
    // The Dataset holds a reference to the array; dropping it takes the GIL.
    data.borrowed.owner = std::shared_ptr<const void>(new py::object(values), [](const py::object* array) {
        const py::gil_scoped_acquire gil;
        delete array;
    });
    if (is_u8) data.borrowed.u8 = static_cast<const std::uint8_t*>(values.data());
    else data.borrowed.f32 = static_cast<const float*>(values.data());
    return data;
}

Dataset features_from_array(const py::array& x, int D, const std::string& what) {
    const FeatureRows rows(x, D, what);
    rows.check_finite(0, rows.rows);
    return rows.dataset();
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
        const bool known = label >= 0 && label < kMaxClasses, in_range = classes == 0 || label < classes;
        if (!known || !in_range) {  // the message is only built for a bad label
            const std::string at = what + ": label " + std::to_string(label) + " at row " + std::to_string(r);
            require(known, at + ", expected 0.." + std::to_string(kMaxClasses - 1));
            require(in_range, at + ", expected 0.." + std::to_string(classes - 1) +
                                  " (the classes of the training labels)");
        }
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
