// Fuzz target: the IDX reader (MNIST / Fashion-MNIST images and labels). Any input must
// either parse or throw mlp::Error; a crash, a sanitizer report or another exception fails.
#include <cstdint>
#include <vector>

#include "mlp/error.hpp"
#include "mlp/idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::uint8_t> bytes(data, data + size);
    try {
        mlp::parse_idx_images(bytes, "fuzz-images.idx");
    } catch (const mlp::Error&) {
    }
    try {
        mlp::parse_idx_labels(bytes, "fuzz-labels.idx");
    } catch (const mlp::Error&) {
    }
    return 0;
}
