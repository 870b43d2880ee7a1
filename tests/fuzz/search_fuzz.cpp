// Fuzz target: search configs (an experiment with a [search] section). Any text must give
// a plan whose every trial's config loads, or throw mlp::Error.
#include <cstdint>
#include <string>

#include "config.hpp"
#include "mlp/error.hpp"
#include "search.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const mlp::SearchPlan plan = mlp::plan_search_text(text, "fuzz.toml");
        for (const auto& trial : plan.trials) mlp::parse_config(plan.base_config, "fuzz.toml", trial.overrides);
    } catch (const mlp::Error&) {
    }
    return 0;
}
