// `mlp reproduce GROUP`: runs every experiment of experiments/GROUP/group.toml under each
// protocol (as `mlp train` child processes), reusing finished runs whose resolved config is
// unchanged, and writes results/GROUP/summary.md: our figures beside the report's.
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <toml++/toml.h>

#include "commands.hpp"
#include "config.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"

namespace mlp {
namespace {

struct GroupRun {
    std::string config;  // path
    std::string name;    // the config's run name
    std::string label;
    std::map<std::string, double> report;  // figures quoted from the course report
};

struct Protocol {
    std::string name;
    std::vector<std::string> overrides;
};

struct Group {
    std::string name, dir, title, description;
    std::vector<Protocol> protocols;
    std::vector<GroupRun> runs;
    toml::table table;
};

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

Group load_group(const std::string& group) {
    Group g;
    g.dir = file_exists(group + "/group.toml") ? group : "experiments/" + group;
    g.name = std::filesystem::path(g.dir).filename().string();
    const std::string path = g.dir + "/group.toml";
    require(file_exists(path), path + ": no such group (groups are the folders of experiments/ with a group.toml)");
    try {
        g.table = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        throw Error(path + ":" + std::to_string(e.source().begin.line) + ": invalid TOML (" +
                    std::string(e.description()) + ")");
    }
    g.title = g.table["title"].value_or(g.name);
    g.description = g.table["description"].value_or(std::string());
    if (const toml::table* protocols = g.table["protocols"].as_table())
        for (const auto& [name, node] : *protocols)
            g.protocols.push_back({std::string(name.str()), strings(&node, path + ": protocols." + std::string(name.str()))});
    if (g.protocols.empty()) g.protocols.push_back({"default", {}});
    const toml::array* runs = g.table["run"].as_array();
    require(runs && !runs->empty(), path + ": no [[run]] entries");
    for (const auto& node : *runs) {
        const toml::table* t = node.as_table();
        require(t && (*t)["config"].is_string(), path + ": every [[run]] needs config = \"file.toml\"");
        GroupRun r;
        r.config = g.dir + "/" + (*t)["config"].value_or(std::string());
        r.name = load_config(r.config).name;
        r.label = (*t)["label"].value_or(r.name);
        if (const toml::table* report = (*t)["report"].as_table())
            for (const auto& [key, value] : *report) r.report[std::string(key.str())] = value.value_or(NAN);
        g.runs.push_back(r);
    }
    return g;
}

// Trains one run unless its directory already holds a finished run of the same config.
bool ensure_run(const GroupRun& r, const std::vector<std::string>& overrides, const std::string& dir) {
    const std::string resolved = resolved_toml(load_config(r.config, overrides));
    if (file_exists(dir + "/metrics.json") && file_exists(dir + "/config.toml") && read_text(dir + "/config.toml") == resolved)
        return true;
    std::string command = "'" + std::filesystem::read_symlink("/proc/self/exe").string() + "' train --quiet --config '" +
                          r.config + "' --out '" + dir + "'";
    for (const auto& o : overrides) command += " --set '" + o + "'";
    std::fflush(stdout);
    const int status = std::system(command.c_str());
    if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 130))
        throw Error("interrupted; run the same command again to resume");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string percent(const nlohmann::json& m, const char* key) {
    if (!m.contains(key) || !m[key].is_number()) return "–";
    char text[32];
    std::snprintf(text, sizeof text, "%.2f %%", 100 * m[key].get<double>());
    return text;
}

std::string percent(double x) {
    if (std::isnan(x)) return "–";
    char text[32];
    std::snprintf(text, sizeof text, "%.2f %%", 100 * x);
    return text;
}

struct ProtocolSummary {
    std::string markdown;
    double mean_abs_gap = 0;  // mean |ours − report| of validation accuracy, in points
    int compared = 0;
};

ProtocolSummary summarize(const Group& g, const Protocol& p, const std::string& runs_dir) {
    ProtocolSummary s;
    std::ostringstream out;
    out << "| run | val acc (ours) | val acc (report) | train acc (ours) | train acc (report) | test acc | parameters | "
           "epochs | early stop | seconds | seed |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : g.runs) {
        const std::string dir = runs_dir + "/" + p.name + "/" + r.name;
        if (!file_exists(dir + "/metrics.json")) {
            out << "| " << r.label << " | failed (see " << dir << ") |||||||||\n";
            continue;
        }
        const auto m = nlohmann::json::parse(read_text(dir + "/metrics.json"));
        const double report_val = r.report.count("val_accuracy") ? r.report.at("val_accuracy") : NAN;
        const double report_train = r.report.count("train_accuracy") ? r.report.at("train_accuracy") : NAN;
        if (!std::isnan(report_val) && m["val_accuracy"].is_number()) {
            s.mean_abs_gap += 100 * std::abs(m["val_accuracy"].get<double>() - report_val);
            ++s.compared;
        }
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f", m["seconds"].get<double>());
        out << "| " << r.label << " | " << percent(m, "val_accuracy") << " | " << percent(report_val) << " | "
            << percent(m, "train_accuracy") << " | " << percent(report_train) << " | " << percent(m, "test_accuracy")
            << " | " << m["parameters"] << " | " << m["epochs"] << " | " << (m["stopped_early"].get<bool>() ? "yes" : "no")
            << " | " << seconds << " | " << m["seed"] << " |\n";
    }
    if (s.compared) s.mean_abs_gap /= s.compared;
    s.markdown = out.str();
    return s;
}

}  // namespace

int reproduce_command(const ReproduceOptions& options) {
    const Group g = load_group(options.group);
    const std::string suffix = options.quick ? "-quick" : "";
    const std::string runs_dir = !options.runs.empty() ? options.runs : "runs/" + g.name + suffix;
    const std::string out = !options.out.empty() ? options.out : "results/" + g.name + suffix;
    std::vector<std::string> quick;
    if (options.quick) quick = {"train.epochs=1", "data.train_size=600", "train.validations_per_epoch=2"};
    int failed = 0;
    for (const auto& p : g.protocols)
        for (const auto& r : g.runs) {
            if (!options.only.empty() && std::find(options.only.begin(), options.only.end(), r.name) == options.only.end())
                continue;
            std::vector<std::string> overrides = p.overrides;
            overrides.insert(overrides.end(), quick.begin(), quick.end());
            const std::string dir = runs_dir + "/" + p.name + "/" + r.name;
            std::printf("%s / %s: %s\n", p.name.c_str(), r.name.c_str(), r.label.c_str());
            if (!ensure_run(r, overrides, dir)) {
                std::printf("  FAILED (see the error above)\n");
                ++failed;
            }
        }
    make_directories(out);
    std::ostringstream md;
    md << "# " << g.title << "\n\n" << g.description << "\n\n";
    md << "Reproduce with `build/mlp reproduce " << g.name << (options.quick ? " --quick" : "")
       << "` (runs in `" << runs_dir << "/`). Figures marked \"report\" are quoted from the course "
       << "reports; every other figure was measured by that command.\n\n";
    std::string closest;
    double closest_gap = INFINITY;
    for (const auto& p : g.protocols) {
        const ProtocolSummary s = summarize(g, p, runs_dir);
        md << "## Protocol: " << p.name << "\n\n";
        if (!p.overrides.empty()) {
            md << "Overrides:";
            for (const auto& o : p.overrides) md << " `" << o << "`";
            md << "\n\n";
        }
        md << s.markdown << "\n";
        if (s.compared) {
            char text[160];
            std::snprintf(text, sizeof text, "Mean |ours − report| of validation accuracy: %.2f points over %d runs.\n\n",
                          s.mean_abs_gap, s.compared);
            md << text;
            if (s.mean_abs_gap < closest_gap) closest_gap = s.mean_abs_gap, closest = p.name;
        }
    }
    if (g.protocols.size() > 1 && !closest.empty())
        md << "Closest to the report's numbers: the **" << closest << "** protocol.\n";
    write_file_atomic(out + "/summary.md", md.str());
    std::printf("summary: %s/summary.md\n", out.c_str());
    return failed ? 1 : 0;
}

}  // namespace mlp
