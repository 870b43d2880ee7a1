// The CIFAR-10 binary format: records of 1 label byte + 3072 pixel bytes (the R, G and B
// planes of a 32×32 image, each row-major); data_batch_1..5.bin, test_batch.bin, and
// batches.meta.txt with one class name per line. Pixels stay uint8, channel-major (CHW).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "mlp/dataset.hpp"

namespace mlp {

constexpr int kCifarPixels = 3 * 32 * 32;
constexpr int kCifarRecord = 1 + kCifarPixels;

// Appends the records of one batch file (bytes already in memory) to data's u8 pixels and
// labels; `name` is used in error messages (record numbers count from 0).
void parse_cifar10_batch(const std::vector<std::uint8_t>& bytes, const std::string& name, Dataset& data);

// The class names of batches.meta.txt in dir; the standard ten names if the file is absent.
std::vector<std::string> read_cifar10_class_names(const std::string& dir);

// The training set (data_batch_1..5.bin) or the test set (test_batch.bin) in dir.
Dataset read_cifar10(const std::string& dir, bool train);

// Where `dataset = "cifar10"` looks when data.dir is not set: data/cifar10, then
// ../shared/data/cifar-10-batches-bin (both relative to the working directory).
// Returns the first that holds test_batch.bin, or throws Error saying how to get it.
std::string find_cifar10_dir();

}  // namespace mlp
