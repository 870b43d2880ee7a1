// NumPy .npy files (format versions 1–3): little-endian float32/float64/uint8 features and
// integer labels, C order. Fortran order, big-endian and structured dtypes are errors.
// Features and labels come in separate files (e.g. CNN features saved with np.save).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "mlp/dataset.hpp"

namespace mlp {

struct NpyHeader {
    char kind = 0;      // 'f' float, 'i' signed integer, 'u' unsigned integer, 'b' bool
    int item_size = 0;  // bytes per element
    std::vector<std::size_t> shape;
    std::size_t data_offset = 0;  // bytes before the first element
    std::string descr;            // as written, e.g. "<f4"
};

struct NpyArray {
    NpyHeader header;
    std::vector<std::uint8_t> bytes;  // the elements, little-endian, C order
    std::size_t count() const;        // product of the shape
};

// Parses the header; `head` may be just the file's first bytes. Throws Error naming `name`.
NpyHeader parse_npy_header(const std::vector<std::uint8_t>& head, const std::string& name);
// Parses a whole file already in memory, checking the data length against the shape.
NpyArray parse_npy(const std::vector<std::uint8_t>& bytes, const std::string& name);
NpyArray read_npy(const std::string& path);
NpyHeader read_npy_header(const std::string& path);

// Elements as float, checking every value is finite (errors name row and column of a
// 2-D view: rows = shape[0], columns = the rest).
std::vector<float> npy_floats(const NpyArray& array, const std::string& name);
// A 1-D (N) or (N, 1) integer array as labels, each ≥ 0.
std::vector<int> npy_labels(const NpyArray& array, const std::string& name);

// D, the features per row (the product of shape[1:]) of a features array (N, ...), checked
// with overflow detection: N must fit an int, D at most 2^30, N·D ≥ 1 values, and the N·D
// elements must fit in the data_bytes that follow the header. Throws Error naming the
// file and shape, so no caller ever sees a wrapped-around width.
int npy_row_width(const NpyHeader& header, std::size_t data_bytes, const std::string& name);

// Writes a version-1 .npy file; descr is e.g. "<f4", "|u1", "<i8".
void write_npy(const std::string& path, const std::string& descr, const std::vector<std::size_t>& shape,
               const void* data, std::size_t bytes);

// Features (N, ...) and labels (N) into one Dataset: uint8 features stay uint8, floats
// become float32. classes = max label + 1 (the caller may raise it to agree with other splits).
Dataset read_npy_dataset(const std::string& features_path, const std::string& labels_path, const std::string& name);

}  // namespace mlp
