// TOML config loading with toml++: overrides, unknown keys, and reading and writing every
// key through the schema table (config_schema.hpp).
#include "config.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "config_schema.hpp"
#include "mlp/error.hpp"
#include "mlp/names.hpp"

namespace mlp {
namespace {

const std::vector<std::string> kSections = {"data", "model", "train", "augment"};

// "unknown key 'train.lr_decy' (did you mean 'train.lr_decay'? valid keys in [train]: ...)"
std::string unknown_key(const std::string& source, const std::string& path, const std::string& valid) {
    const std::string guess = closest_config_key(path);
    return source + ": unknown key '" + path + "' (" + (guess.empty() ? "" : "did you mean '" + guess + "'? ") + valid + ")";
}

void check_known_keys(const toml::table& root, const std::string& source) {
    std::vector<std::string> top = config_section_keys("");
    top.insert(top.end(), kSections.begin(), kSections.end());
    for (const auto& [key, node] : root) {
        const std::string k(key.str());
        if (std::find(top.begin(), top.end(), k) == top.end())
            throw Error(unknown_key(source, k, "valid top-level keys: " + comma_list(top)));
        if (std::find(kSections.begin(), kSections.end(), k) == kSections.end()) continue;
        const toml::table* section = node.as_table();
        require(section != nullptr, source + ": '" + k + "' must be a section [" + k + "]");
        const std::vector<std::string> keys = config_section_keys(k);
        for (const auto& [sub, value] : *section) {
            const std::string name(sub.str());
            if (std::find(keys.begin(), keys.end(), name) == keys.end())
                throw Error(unknown_key(source, k + "." + name, "valid keys in [" + k + "]: " + comma_list(keys)));
        }
    }
}

void apply_override(toml::table& root, const std::string& assignment, const std::string& source) {
    const auto eq = assignment.find('=');
    const auto dot = assignment.find('.');
    require(eq != std::string::npos && dot != std::string::npos && dot < eq,
            "--set " + assignment + ": expected section.key=value, e.g. train.lr=0.05");
    const std::string section = assignment.substr(0, dot), key = assignment.substr(dot + 1, eq - dot - 1);
    const std::string value = assignment.substr(eq + 1);
    require(std::find(kSections.begin(), kSections.end(), section) != kSections.end(),
            "--set " + assignment + ": unknown section '" + section + "' (expected " + comma_list(kSections) + ")");
    toml::table parsed;
    try {
        parsed = toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
        parsed.insert_or_assign("v", value);  // a bare word such as relu
    }
    if (!root.contains(section)) root.insert(section, toml::table{});
    toml::table* target = root[section].as_table();
    require(target != nullptr, source + ": '" + section + "' must be a section");
    target->insert_or_assign(key, *parsed.get("v"));
}

}  // namespace

toml::table parse_toml(const std::string& text, const std::string& source) {
    try {
        return toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        throw Error(source + ":" + std::to_string(e.source().begin.line) + ": invalid TOML (" +
                    std::string(e.description()) + ")");
    }
}

Config parse_config(const std::string& text, const std::string& source, const std::vector<std::string>& overrides) {
    toml::table root = parse_toml(text, source);
    for (const auto& assignment : overrides) apply_override(root, assignment, source);
    check_known_keys(root, source);
    Config config;
    config.source = source;
    config.name = std::filesystem::path(source).stem().string();
    for (const ConfigKey& key : config_keys()) {
        const toml::table* table = key.section.empty() ? &root : root[key.section].as_table();
        key.read(ConfigSection(table, source, key.section), config);
    }
    return config;
}

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
    std::error_code ec;
    require(std::filesystem::is_regular_file(path, ec), path + ": no such config file");
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path, overrides);
}

std::string resolved_toml(const Config& c) {
    toml::table root;
    for (const std::string& section : kSections) root.insert(section, toml::table{});
    for (const ConfigKey& key : config_keys())
        key.write(c, key.section.empty() ? root : *root[key.section].as_table(), false);
    if (root["augment"].as_table()->empty()) root.erase("augment");  // written only when used
    std::ostringstream out;
    out << "# Resolved configuration: every setting of this run, defaults included.\n";
    if (c.train.augment.active())
        out << "# Augmented (" << c.train.augment.describe() << "): not permutation-invariant.\n";
    out << root << "\n";
    return out.str();
}

Architecture architecture_of(const Config& config, int inputs, int classes) {
    Architecture arch;
    arch.inputs = inputs;
    arch.hidden = config.model.hidden;
    arch.classes = classes;
    arch.activation.kind = parse_activation(config.model.activation);
    arch.activation.slope = config.model.leaky_slope;
    arch.bias = parse_bias_mode(config.model.bias);
    arch.dropout = config.model.dropout;
    arch.input_dropout = config.model.input_dropout;
    validate(arch);
    return arch;
}

Init init_of(const Config& config) { return Init{parse_init(config.model.init), config.model.init_scale}; }

}  // namespace mlp
