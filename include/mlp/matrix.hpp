// A non-owning row-major view of a rows×cols matrix with a leading dimension.
// Views point into Buffers; they never allocate.
#pragma once
#include <cstddef>

namespace mlp {

template <class T>
struct MatrixView {
    T* data = nullptr;
    int rows = 0;
    int cols = 0;
    int ld = 0;  // elements between the starts of consecutive rows

    MatrixView() = default;
    MatrixView(T* d, int r, int c) : data(d), rows(r), cols(c), ld(c) {}
    MatrixView(T* d, int r, int c, int stride) : data(d), rows(r), cols(c), ld(stride) {}

    T& operator()(int i, int j) const { return data[static_cast<std::ptrdiff_t>(i) * ld + j]; }
    T* row(int i) const { return data + static_cast<std::ptrdiff_t>(i) * ld; }
    std::size_t size() const { return static_cast<std::size_t>(rows) * cols; }
    // The first `r` rows: a smaller batch inside a workspace sized for the largest one.
    MatrixView top(int r) const { return MatrixView(data, r, cols, ld); }
    operator MatrixView<const T>() const { return MatrixView<const T>(data, rows, cols, ld); }
};

template <class T>
using ConstView = MatrixView<const T>;

}  // namespace mlp
