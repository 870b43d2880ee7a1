// Fuzz target: the safetensors reader (model files). Any input must either parse or throw
// mlp::Error, without reading outside the input or allocating more than it could describe.
#include <cstdint>
#include <vector>

#include "mlp/error.hpp"
#include "mlp/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::uint8_t> bytes(data, data + size);
    try {
        std::map<std::string, std::string> metadata;
        mlp::parse_safetensors(bytes, "fuzz.safetensors", &metadata);
    } catch (const mlp::Error&) {
    }
    return 0;
}
