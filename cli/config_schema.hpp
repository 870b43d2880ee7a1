// The config schema: every key of an experiment's TOML once, with its type, default,
// allowed values, where it applies, whether it changes a run's results, a line of doc,
// and how it is read, checked and written. Parsing, --set, the resolved config.toml,
// unknown-key suggestions, `mlp config --list` and the README's key table all come from
// this one table (config_schema.cpp); adding a key is one row there.
#pragma once
#include <functional>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "config.hpp"

namespace mlp {

// Typed reads of one section's values, naming "file: section.key" in every error.
class ConfigSection {
public:
    ConfigSection(const toml::table* table, std::string source, std::string name)
        : table_(table), source_(std::move(source)), name_(std::move(name)) {}

    std::string where(const std::string& key) const;
    const toml::node* get(const std::string& key) const { return table_ ? table_->get(key) : nullptr; }

    // Each leaves `out` alone when the key is absent.
    void read(const std::string& key, double& out) const;
    void read(const std::string& key, int& out) const;
    void read(const std::string& key, std::string& out) const;
    void read(const std::string& key, bool& out) const;
    void read(const std::string& key, std::vector<int>& out) const;  // positive layer widths
    void read(const std::string& key, std::vector<std::string>& out) const;

    static std::string text_of(const toml::node& node);  // a value as TOML writes it
    static std::string type_of(const toml::node& node);  // "a string", "an integer", ...

private:
    const toml::table* table_;
    std::string source_, name_;
};

struct ConfigKey {
    std::string section;           // "" (top level), "data", "model", "train" or "augment"
    std::string name;
    std::string type;              // "number", "integer", "string", "boolean", ...
    std::string allowed;           // the range or the names, for people
    std::string applies;           // "" (always), else the datasets or optimizers it is for
    bool changes_results = true;   // false: only what is printed or how fast (a resume may differ)
    std::string doc;
    // Reads and checks the key's value where the section has one.
    std::function<void(const ConfigSection&, Config&)> read;
    // Puts the resolved value into its section's table: always when asked for the default,
    // otherwise only where it applies.
    std::function<void(const Config&, toml::table&, bool always)> write;

    std::string path() const { return section.empty() ? name : section + "." + name; }
};

// Every key, in the order of the README's table.
const std::vector<ConfigKey>& config_keys();
// The keys of one section ("" for the top level).
std::vector<std::string> config_section_keys(const std::string& section);
// The known key closest to a misspelt one ("train.lr_decy" → "train.lr_decay"), or "".
std::string closest_config_key(const std::string& path);
// The keys that change results whose values differ between two configs, each as
// "train.lr (0.1 → 0.05)": what a resume must not change silently.
std::vector<std::string> changed_result_keys(const Config& before, const Config& after);
// The default of a key as TOML writes it (the value Config{} resolves to).
std::string config_key_default(const ConfigKey& key);
// The table for people: Markdown (the README's) or plain text (`mlp config --list`).
std::string config_keys_markdown();
std::string config_keys_text();

}  // namespace mlp
