// Reading and checking group.toml (reproduce_group.hpp).
#include "reproduce_group.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <toml++/toml.h>

#include "config.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"

namespace mlp {
namespace {

std::vector<std::string> strings(const toml::node* node, const std::string& where) {
    std::vector<std::string> out;
    if (!node) return out;
    const toml::array* list = node->as_array();
    require(list != nullptr, where + ": expected a list of strings");
    for (const auto& item : *list) {
        auto s = item.value<std::string>();
        require(s.has_value(), where + ": expected a list of strings");
        out.push_back(*s);
    }
    return out;
}

GroupCommand load_command(const toml::node& node, const std::string& path) {
    const toml::table* t = node.as_table();
    require(t && (*t)["name"].is_string() && (*t)["args"].is_array(),
            path + ": every [[command]] needs name = \"...\" and args = [\"sub-command\", ...]");
    GroupCommand c;
    c.name = (*t)["name"].value_or(std::string());
    c.label = (*t)["label"].value_or(c.name);
    c.args = strings((*t)["args"].node(), path + ": command " + c.name + ".args");
    c.quick_args = strings((*t)["quick_args"].node(), path + ": command " + c.name + ".quick_args");
    c.collect = strings((*t)["collect"].node(), path + ": command " + c.name + ".collect");
    require(c.quick_args.size() % 2 == 0, path + ": command " + c.name + ".quick_args must be --option value pairs");
    require(!c.args.empty(), path + ": command " + c.name + " has empty args");
    return c;
}

}  // namespace

Group load_group(const std::string& group) {
    Group g;
    g.dir = file_exists(group + "/group.toml") ? group : "experiments/" + group;
    g.name = std::filesystem::path(g.dir).filename().string();
    const std::string path = g.dir + "/group.toml";
    require(file_exists(path), path + ": no such group (groups are the folders of experiments/ with a group.toml)");
    toml::table table;
    try {
        table = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        throw Error(path + ":" + std::to_string(e.source().begin.line) + ": invalid TOML (" +
                    std::string(e.description()) + ")");
    }
    g.title = table["title"].value_or(g.name);
    g.description = table["description"].value_or(std::string());
    if (const toml::table* protocols = table["protocols"].as_table())
        for (const auto& [name, node] : *protocols)
            g.protocols.push_back({std::string(name.str()), strings(&node, path + ": protocols." + std::string(name.str()))});
    if (g.protocols.empty()) g.protocols.push_back({"default", {}});
    const toml::array* runs = table["run"].as_array();
    for (const auto& node : runs ? *runs : toml::array()) {
        const toml::table* t = node.as_table();
        require(t && (*t)["config"].is_string(), path + ": every [[run]] needs config = \"file.toml\"");
        GroupRun r;
        r.config = g.dir + "/" + (*t)["config"].value_or(std::string());
        r.overrides = strings((*t)["set"].node(), path + ": run " + r.config + ".set");
        r.quick_overrides = strings((*t)["quick_set"].node(), path + ": run " + r.config + ".quick_set");
        r.requires_files = strings((*t)["requires"].node(), path + ": run " + r.config + ".requires");
        r.requires_hint = (*t)["requires_hint"].value_or(std::string());
        r.name = (*t)["name"].value_or(load_config(r.config, r.overrides).name);
        r.label = (*t)["label"].value_or(r.name);
        if (const toml::table* report = (*t)["report"].as_table())
            for (const auto& [key, value] : *report) r.report[std::string(key.str())] = value.value_or(NAN);
        if (const toml::node* target = t->get("target")) {
            const double v = target->value_or(NAN);
            require(target->is_number() && v > 0 && v <= 1,
                    path + ": run " + r.name + ".target: expected a test accuracy in (0, 1], e.g. 0.99");
            r.target = v;
        }
        r.anchor = (*t)["anchor"].value_or(std::string());
        g.runs.push_back(r);
    }
    if (const toml::array* seeds = table["seeds"].as_array())
        for (const auto& seed : *seeds) {
            require(seed.is_integer(), path + ": seeds must be a list of integers");
            g.seeds.push_back(seed.value_or(std::int64_t(0)));
        }
    if (const toml::node* subset = table.get("test_subset")) {
        require(subset->is_integer() && subset->value_or(0) > 0, path + ": test_subset must be a positive integer");
        g.test_subset = int(subset->value_or(0));
    }
    if (const toml::array* commands = table["command"].as_array())
        for (const auto& node : *commands) g.commands.push_back(load_command(node, path));
    require(!g.runs.empty() || !g.commands.empty(), path + ": no [[run]] or [[command]] entries");
    if (const toml::node* figures = table.get("figure")) {
        const toml::array* list = figures->as_array();
        require(list != nullptr, path + ": figure: expected [[figure]] tables");
        for (const auto& node : *list) {
            const toml::table* t = node.as_table();
            require(t && (*t)["name"].is_string(), path + ": every [[figure]] needs name = \"file-stem\"");
            GroupFigure f;
            f.name = (*t)["name"].value_or(std::string());
            const std::string where = path + ": figure " + f.name;
            require(!f.name.empty() && f.name.find_first_of("/\\ ") == std::string::npos,
                    where + ": name must be a file stem (no spaces or slashes)");
            f.title = (*t)["title"].value_or(f.name);
            f.runs = strings(t->get("runs"), where + ": runs");
            require(!f.runs.empty(), where + ": runs: expected the names of one or more runs of this group");
            for (const auto& name : f.runs)
                require(std::any_of(g.runs.begin(), g.runs.end(), [&](const GroupRun& r) { return r.name == name; }),
                        where + ": runs: '" + name + "' is not the name of a [[run]] config of this group");
            g.figures.push_back(f);
        }
    }
    return g;
}

std::string run_directory(const std::string& runs_dir, const Protocol& p, const GroupRun& r, const Group& g,
                          std::size_t seed_index) {
    const std::string base = runs_dir + "/" + p.name + "/" + r.name;
    return seed_index == 0 ? base : base + "-seed" + std::to_string(g.seeds[seed_index]);
}

std::string missing_requirement(const GroupRun& r) {
    for (const auto& f : r.requires_files)
        if (!file_exists(f)) return f;
    return "";
}

}  // namespace mlp
