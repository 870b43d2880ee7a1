// Fuzz target: TOML config loading and validation. Any text must either load or throw
// mlp::Error; a config that loads must load again from its resolved form (config.toml).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config.hpp"
#include "mlp/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    mlp::Config config;
    try {
        config = mlp::parse_config(text, "fuzz.toml");
    } catch (const mlp::Error&) {
        return 0;
    }
    try {
        mlp::parse_config(mlp::resolved_toml(config), "fuzz-resolved.toml");
    } catch (const mlp::Error&) {
        std::abort();  // a run directory's config.toml that cannot be read back
    }
    return 0;
}
