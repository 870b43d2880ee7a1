// Fuzz target: the NumPy .npy reader, and its float and label views (NaN/Inf features and
// negative labels must be errors). Any input must either parse or throw mlp::Error.
#include <cstdint>
#include <vector>

#include "mlp/error.hpp"
#include "mlp/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::uint8_t> bytes(data, data + size);
    try {
        const mlp::NpyArray array = mlp::parse_npy(bytes, "fuzz.npy");
        try {
            mlp::npy_floats(array, "fuzz.npy");
        } catch (const mlp::Error&) {
        }
        mlp::npy_labels(array, "fuzz.npy");
    } catch (const mlp::Error&) {
    }
    return 0;
}
