// Fuzz target: the CIFAR-10 binary batch reader. Any input must either parse or throw
// mlp::Error (a length that is not a whole number of records, a label above 9).
#include <cstdint>
#include <vector>

#include "mlp/cifar10.hpp"
#include "mlp/dataset.hpp"
#include "mlp/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::uint8_t> bytes(data, data + size);
    try {
        mlp::Dataset dataset;
        mlp::parse_cifar10_batch(bytes, "fuzz_batch.bin", dataset);
    } catch (const mlp::Error&) {
    }
    return 0;
}
