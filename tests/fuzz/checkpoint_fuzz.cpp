// Fuzz target: the checkpoint reader. Any input must either decode or throw mlp::Error;
// one that decodes must encode back to the same bytes (the format has one spelling).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "mlp/checkpoint.hpp"
#include "mlp/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    mlp::Checkpoint checkpoint;
    try {
        checkpoint = mlp::decode_checkpoint(data, size, "fuzz-checkpoint.bin");
    } catch (const mlp::Error&) {
        return 0;
    }
    const std::vector<std::uint8_t> again = mlp::encode_checkpoint(checkpoint);
    if (again.size() != size || std::memcmp(again.data(), data, size) != 0) std::abort();
    return 0;
}
