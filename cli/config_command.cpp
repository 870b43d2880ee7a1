// `mlp config --list`: every config key from the schema table, as text or as the README's
// Markdown table.
#include <cstdio>

#include "commands.hpp"
#include "config_schema.hpp"

namespace mlp {

int config_command(const ConfigOptions& options) {
    const std::string table = options.markdown ? config_keys_markdown() : config_keys_text();
    std::fputs(table.c_str(), stdout);
    return 0;
}

}  // namespace mlp
