// Fuzz target: the history.csv reader (`mlp report`, `mlp search` read finished runs with it).
// Any text must either parse or throw mlp::Error.
#include <cstdint>
#include <string>

#include "mlp/error.hpp"
#include "run_dir.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        mlp::parse_history_csv(std::string(reinterpret_cast<const char*>(data), size), "fuzz-history.csv");
    } catch (const mlp::Error&) {
    }
    return 0;
}
