// Fuzz target: --set overrides. Each line of the input is one `section.key=value`; any
// set of them must give a config or throw mlp::Error (never another exception, never a
// crash), and a config that loads must give a network description or mlp::Error.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "config.hpp"
#include "mlp/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
    std::vector<std::string> overrides;
    for (std::string line; std::getline(lines, line);) overrides.push_back(line);
    try {
        const mlp::Config config = mlp::parse_config("", "fuzz.toml", overrides);
        mlp::resolved_toml(config);
        mlp::architecture_of(config, 784, 10);
    } catch (const mlp::Error&) {
    }
    return 0;
}
