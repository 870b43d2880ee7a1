// The IDX format of MNIST and Fashion-MNIST (raw or gzip): big-endian magic 0x00000803
// then N, rows, cols, then N·rows·cols uint8 pixels; labels: magic 0x00000801, N, N bytes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "mlp/dataset.hpp"

namespace mlp {

struct IdxImages {
    int count = 0, height = 0, width = 0;
    std::vector<std::uint8_t> pixels;  // count·height·width
};

// Only the 16-byte header of an image file: count, height, width (no pixels).
IdxImages parse_idx_header(const std::vector<std::uint8_t>& head, const std::string& name);
// Parse from bytes already in memory; `name` is used in error messages.
IdxImages parse_idx_images(std::vector<std::uint8_t> bytes, const std::string& name);  // its pixels take over bytes
std::vector<int> parse_idx_labels(const std::vector<std::uint8_t>& bytes, const std::string& name);

// Reads an image file and a label file into one Dataset with K = 10 classes,
// checking counts agree and every label is in range; records both files' sha256.
Dataset read_idx_dataset(const std::string& images_path, const std::string& labels_path, const std::string& name);

}  // namespace mlp
