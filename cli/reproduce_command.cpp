// `mlp reproduce GROUP`: runs every experiment of experiments/GROUP/group.toml under each
// protocol (as `mlp train` child processes), reusing finished runs whose resolved config is
// unchanged, and writes results/GROUP/summary.md: our figures beside the report's, and the
// group's [[figure]] entries (learning curves of several runs overlaid) as PNGs beside it.
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <toml++/toml.h>

#include "commands.hpp"
#include "config.hpp"
#include "mlp/error.hpp"
#include "mlp/figures.hpp"
#include "mlp/file.hpp"
#include "run_dir.hpp"

namespace mlp {
namespace {

struct GroupRun {
    std::string config;  // path
    std::string name;    // the run's name: the config's, unless the entry names it
    std::string label;
    std::vector<std::string> overrides;  // the entry's own settings, applied after the protocol's
    std::vector<std::string> quick_overrides;  // applied after the --quick ones (e.g. a smaller train_size)
    std::vector<std::string> requires_files;  // skipped (not failed) while any is missing
    std::string requires_hint;                // how to make them
    std::map<std::string, double> report;  // figures quoted from the course report
};

struct Protocol {
    std::string name;
    std::vector<std::string> overrides;
};

// Another `mlp` sub-command of the group (a contour, a timing sweep, a search...). Its args
// may hold {runs}, {out} and {group}; quick_args are appended under --quick.
struct GroupCommand {
    std::string name, label;
    std::vector<std::string> args, quick_args;
    std::vector<std::string> collect;  // files copied into its results folder afterwards
};

// A [[figure]] of group.toml: the learning curves of `runs` (config names) overlaid.
struct GroupFigure {
    std::string name, title;
    std::vector<std::string> runs;
};

struct Group {
    std::string name, dir, title, description;
    std::vector<Protocol> protocols;
    std::vector<GroupRun> runs;
    std::vector<std::int64_t> seeds;  // every run is repeated with each; empty → the config's own seed
    std::vector<GroupCommand> commands;
    std::vector<GroupFigure> figures;
    int test_subset = 0;  // > 0: also evaluate every run on the first N test rows
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
        g.runs.push_back(r);
    }
    if (const toml::array* seeds = g.table["seeds"].as_array())
        for (const auto& seed : *seeds) {
            require(seed.is_integer(), path + ": seeds must be a list of integers");
            g.seeds.push_back(seed.value_or(std::int64_t(0)));
        }
    if (const toml::node* subset = g.table.get("test_subset")) {
        require(subset->is_integer() && subset->value_or(0) > 0, path + ": test_subset must be a positive integer");
        g.test_subset = int(subset->value_or(0));
    }
    if (const toml::array* commands = g.table["command"].as_array())
        for (const auto& node : *commands) g.commands.push_back(load_command(node, path));
    require(!g.runs.empty() || !g.commands.empty(), path + ": no [[run]] or [[command]] entries");
    if (const toml::node* figures = g.table.get("figure")) {
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

std::string quoted(const std::string& text) {
    std::string q = "'";
    for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs `mlp ARGS...` as a child process of this same binary; false when it failed.
bool run_child(const std::vector<std::string>& args) {
    std::string command = quoted(std::filesystem::read_symlink("/proc/self/exe").string());
    for (const auto& a : args) command += " " + quoted(a);
    std::fflush(stdout);
    const int status = std::system(command.c_str());
    if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 130))
        throw Error("interrupted; run the same command again to resume");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Trains one run unless its directory already holds a finished run of the same config.
// Quick runs only check the configs, so they skip the per-run report (figures, report.html).
bool ensure_run(const GroupRun& r, const std::vector<std::string>& overrides, const std::string& dir, bool quick) {
    const std::string resolved = resolved_toml(load_config(r.config, overrides));
    if (file_exists(dir + "/metrics.json") && file_exists(dir + "/config.toml") && read_text(dir + "/config.toml") == resolved)
        return true;
    std::vector<std::string> args{"train", "--quiet", "--config", r.config, "--out", dir};
    if (quick) args.push_back("--no-report");
    for (const auto& o : overrides) args.insert(args.end(), {"--set", o});
    return run_child(args);
}

std::string substitute(std::string text, const std::map<std::string, std::string>& values) {
    for (const auto& [key, value] : values)
        for (std::size_t at; (at = text.find(key)) != std::string::npos;) text.replace(at, key.size(), value);
    return text;
}

// quick_args are `--option value` pairs: each replaces the value of that option in args,
// or is appended when args lacks the option.
void apply_quick_args(std::vector<std::string>& args, const std::vector<std::string>& quick) {
    for (std::size_t i = 0; i + 1 < quick.size(); i += 2) {
        auto at = std::find(args.begin(), args.end(), quick[i]);
        if (at != args.end() && at + 1 != args.end())
            *(at + 1) = quick[i + 1];
        else
            args.insert(args.end(), {quick[i], quick[i + 1]});
    }
}

// Runs a group command unless its directory records a finished run of the same arguments.
bool ensure_command(const GroupCommand& c, const std::map<std::string, std::string>& values, bool quick,
                    const std::string& dir) {
    std::vector<std::string> args;
    for (const auto& a : c.args) args.push_back(substitute(a, values));
    if (quick) apply_quick_args(args, c.quick_args);
    std::string record;
    for (const auto& a : args) record += a + "\n";
    if (file_exists(dir + "/command.txt") && read_text(dir + "/command.txt") == record) return true;
    make_directories(dir);
    if (!run_child(args)) return false;
    for (const auto& file : c.collect) {
        const std::string from = substitute(file, values);
        require(file_exists(from), "command " + c.name + ": it did not write " + from);
        const std::string text = read_text(from);
        write_file_atomic(dir + "/" + std::filesystem::path(from).filename().string(), text.data(), text.size());
    }
    write_file_atomic(dir + "/command.txt", record);
    return true;
}

// Run directory of one run under one protocol; seeds after the first get their own.
std::string run_directory(const std::string& runs_dir, const Protocol& p, const GroupRun& r, const Group& g,
                          std::size_t seed_index) {
    const std::string base = runs_dir + "/" + p.name + "/" + r.name;
    return seed_index == 0 ? base : base + "-seed" + std::to_string(g.seeds[seed_index]);
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

// Draws the group's figures for one protocol into out/<figure>-<protocol>.png and returns
// the Markdown that shows them. Runs without a history are left out and named.
std::string draw_figures(const Group& g, const Protocol& p, const std::string& runs_dir, const std::string& out) {
    std::ostringstream md;
    for (const auto& f : g.figures) {
        std::vector<CurveRun> curves;
        std::vector<std::string> missing;
        for (const auto& name : f.runs) {
            const auto r = std::find_if(g.runs.begin(), g.runs.end(), [&](const GroupRun& x) { return x.name == name; });
            const std::string history = runs_dir + "/" + p.name + "/" + name + "/history.csv";
            if (!file_exists(history)) {
                missing.push_back(name);
                continue;
            }
            curves.push_back({r->label, parse_history_csv(read_text(history), history)});
        }
        md << "### " << f.title << "\n\n";
        if (curves.empty()) {
            md << "Not drawn: none of its runs has finished.\n\n";
            continue;
        }
        const std::string file = f.name + "-" + p.name + ".png";
        write_png(out + "/" + file, learning_curves_png(curves, f.title + " (" + p.name + " protocol)"));
        md << "![" << f.title << "](" << file << ")\n\n";
        if (!missing.empty()) {
            md << "Left out (no history):";
            for (const auto& m : missing) md << " `" << m << "`";
            md << "\n\n";
        }
    }
    return md.str();
}

struct ProtocolSummary {
    std::string markdown;
    double mean_abs_gap = 0;  // mean |ours − report| of validation accuracy, in points
    int compared = 0;
};

// "mean ± sd (min–max, n seeds)" of the validation accuracy over a run's seeds.
std::string seed_spread(const std::vector<double>& values) {
    if (values.size() < 2) return "–";
    double mean = 0, var = 0;
    for (double v : values) mean += v;
    mean /= values.size();
    for (double v : values) var += (v - mean) * (v - mean);
    const double sd = std::sqrt(var / (values.size() - 1));
    char text[96];
    std::snprintf(text, sizeof text, "%.2f ± %.2f (%.2f–%.2f, n=%zu)", 100 * mean, 100 * sd,
                  100 * *std::min_element(values.begin(), values.end()),
                  100 * *std::max_element(values.begin(), values.end()), values.size());
    return text;
}

std::vector<double> seed_accuracies(const Group& g, const Protocol& p, const GroupRun& r, const std::string& runs_dir) {
    std::vector<double> values;
    for (std::size_t i = 0; i < std::max<std::size_t>(1, g.seeds.size()); ++i) {
        const std::string metrics = run_directory(runs_dir, p, r, g, i) + "/metrics.json";
        if (!file_exists(metrics)) continue;
        const auto m = nlohmann::json::parse(read_text(metrics));
        if (m["val_accuracy"].is_number()) values.push_back(m["val_accuracy"].get<double>());
    }
    return values;
}

// The first file a run requires that is not there, or "".
std::string missing_requirement(const GroupRun& r) {
    for (const auto& f : r.requires_files)
        if (!file_exists(f)) return f;
    return "";
}

// "52.30 % (1000)": a run's accuracy on the group's test subset, from test_subset.json.
std::string subset_accuracy(const std::string& dir) {
    if (!file_exists(dir + "/test_subset.json")) return "–";
    const auto j = nlohmann::json::parse(read_text(dir + "/test_subset.json"));
    return percent(j, "accuracy") + " (" + std::to_string(j["rows"].get<int>()) + ")";
}

// Evaluates a finished run on the first n test rows, once.
bool ensure_subset_evaluation(const std::string& dir, int n) {
    if (!file_exists(dir + "/metrics.json") || file_exists(dir + "/test_subset.json")) return true;
    return run_child({"eval", "--model", dir, "--split", "test", "--set", "data.test_size=" + std::to_string(n),
                      "--json", dir + "/test_subset.json"});
}

ProtocolSummary summarize(const Group& g, const Protocol& p, const std::string& runs_dir) {
    ProtocolSummary s;
    std::ostringstream out;
    out << "| run | val acc (ours) | val acc (report) | val acc over seeds, % | train acc (ours) | train acc (report) | "
           "test acc | test acc, first N | test acc (report) | parameters | epochs | early stop | seconds | seed |\n"
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : g.runs) {
        const std::string dir = run_directory(runs_dir, p, r, g, 0);
        if (!file_exists(dir + "/metrics.json") && !missing_requirement(r).empty()) {
            out << "| " << r.label << " | not run: needs " << missing_requirement(r)
                << (r.requires_hint.empty() ? "" : " (" + r.requires_hint + ")") << " ||||||||||||\n";
            continue;
        }
        if (!std::filesystem::exists(dir)) {  // left out by --only, or not reached yet
            out << "| " << r.label << " | not run yet (`build/mlp reproduce " << g.name << " --only " << r.name
                << "`) ||||||||||||\n";
            continue;
        }
        if (!file_exists(dir + "/metrics.json")) {
            out << "| " << r.label << " | failed or unfinished (see " << dir << ") ||||||||||||\n";
            continue;
        }
        const auto m = nlohmann::json::parse(read_text(dir + "/metrics.json"));
        const std::vector<double> seeds = seed_accuracies(g, p, r, runs_dir);
        const double report_val = r.report.count("val_accuracy") ? r.report.at("val_accuracy") : NAN;
        const double report_train = r.report.count("train_accuracy") ? r.report.at("train_accuracy") : NAN;
        const double report_test = r.report.count("test_accuracy") ? r.report.at("test_accuracy") : NAN;
        if (!std::isnan(report_val) && !seeds.empty()) {
            double mean = 0;
            for (double v : seeds) mean += v;
            s.mean_abs_gap += 100 * std::abs(mean / seeds.size() - report_val);
            ++s.compared;
        }
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f", m["seconds"].get<double>());
        out << "| " << r.label << " | " << percent(m, "val_accuracy") << " | " << percent(report_val) << " | "
            << seed_spread(seeds) << " | " << percent(m, "train_accuracy") << " | " << percent(report_train) << " | "
            << percent(m, "test_accuracy") << " | " << subset_accuracy(dir) << " | " << percent(report_test) << " | "
            << m["parameters"] << " | " << m["epochs"] << " | "
            << (m["stopped_early"].get<bool>() ? "yes" : "no") << " | " << seconds << " | " << m["seed"] << " |\n";
    }
    if (s.compared) s.mean_abs_gap /= s.compared;
    s.markdown = out.str();
    return s;
}

// The training mean/std of the first finished run that used global normalisation.
std::string normalisation_line(const Group& g, const std::string& runs_dir) {
    for (const auto& p : g.protocols)
        for (const auto& r : g.runs) {
            const std::string metrics = run_directory(runs_dir, p, r, g, 0) + "/metrics.json";
            if (!file_exists(metrics)) continue;
            const auto m = nlohmann::json::parse(read_text(metrics));
            if (!m.contains("normalization")) continue;
            char text[200];
            std::snprintf(text, sizeof text, "Training-set normalisation (protocol %s): mean %.3f, std %.3f.\n\n",
                          p.name.c_str(), m["normalization"]["mean"].get<double>(),
                          m["normalization"]["std"].get<double>());
            return text;
        }
    return "";
}

bool selected(const ReproduceOptions& options, const std::string& name) {
    return options.only.empty() || std::find(options.only.begin(), options.only.end(), name) != options.only.end();
}

int run_all(const Group& g, const ReproduceOptions& options, const std::string& runs_dir, const std::string& out) {
    std::vector<std::string> quick;
    if (options.quick) quick = {"train.epochs=1", "data.train_size=600", "train.validations_per_epoch=2"};
    int failed = 0;
    for (const auto& p : g.protocols)
        for (const auto& r : g.runs) {
            if (!selected(options, r.name)) continue;
            if (const std::string missing = missing_requirement(r); !missing.empty()) {
                std::printf("%s / %s: skipped, %s is missing%s\n", p.name.c_str(), r.name.c_str(), missing.c_str(),
                            r.requires_hint.empty() ? "" : (" (" + r.requires_hint + ")").c_str());
                continue;
            }
            for (std::size_t i = 0; i < std::max<std::size_t>(1, g.seeds.size()); ++i) {
                std::vector<std::string> overrides = p.overrides;
                overrides.insert(overrides.end(), r.overrides.begin(), r.overrides.end());
                overrides.insert(overrides.end(), quick.begin(), quick.end());
                if (options.quick) overrides.insert(overrides.end(), r.quick_overrides.begin(), r.quick_overrides.end());
                if (!g.seeds.empty()) overrides.push_back("train.seed=" + std::to_string(g.seeds[i]));
                const std::string dir = run_directory(runs_dir, p, r, g, i);
                std::printf("%s / %s: %s%s\n", p.name.c_str(), r.name.c_str(), r.label.c_str(),
                            g.seeds.empty() ? "" : (" (seed " + std::to_string(g.seeds[i]) + ")").c_str());
                if (!ensure_run(r, overrides, dir, options.quick)) {
                    std::printf("  FAILED (see the error above)\n");
                    ++failed;
                } else if (g.test_subset > 0 && !ensure_subset_evaluation(dir, g.test_subset)) {
                    ++failed;
                }
            }
        }
    const std::map<std::string, std::string> values{{"{runs}", runs_dir}, {"{out}", out}, {"{group}", g.dir}};
    for (const auto& c : g.commands) {
        if (!selected(options, c.name)) continue;
        std::printf("%s: %s\n", c.name.c_str(), c.label.c_str());
        if (!ensure_command(c, values, options.quick, out + "/" + c.name)) {
            std::printf("  FAILED (see the error above)\n");
            ++failed;
        }
    }
    return failed;
}

// A group command's section: its own summary.md if it wrote one, and every figure it drew.
std::string command_section(const GroupCommand& c, const std::string& out) {
    const std::string dir = out + "/" + c.name;
    std::ostringstream md;
    md << "## " << c.label << "\n\n";
    if (!file_exists(dir + "/command.txt")) {
        md << "failed (run `build/mlp reproduce ... --only " << c.name << "` to see why)\n\n";
        return md.str();
    }
    std::string command = "build/mlp";
    for (std::string line, text = read_text(dir + "/command.txt"); !text.empty(); text.erase(0, line.size() + 1)) {
        line = text.substr(0, text.find('\n'));
        command += " " + line;
    }
    md << "Command: `" << command << "`\n\n";
    std::vector<std::string> figures, texts;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() == ".png") figures.push_back(entry.path().filename().string());
        if (entry.path().extension() == ".md") texts.push_back(entry.path().string());
    }
    std::sort(figures.begin(), figures.end());
    std::sort(texts.begin(), texts.end());
    for (const auto& t : texts) md << read_text(t) << "\n";
    for (const auto& f : figures) md << "![" << f << "](" << c.name << "/" << f << ")\n\n";
    return md.str();
}

}  // namespace

int reproduce_command(const ReproduceOptions& options) {
    Group g = load_group(options.group);
    if (options.quick && g.seeds.size() > 1) g.seeds.erase(g.seeds.begin() + 1, g.seeds.end());  // --quick checks configs, not spreads
    const std::string suffix = options.quick ? "-quick" : "";
    const std::string runs_dir = !options.runs.empty() ? options.runs : "runs/" + g.name + suffix;
    const std::string out = !options.out.empty() ? options.out : "results/" + g.name + suffix;
    make_directories(out);
    const int failed = run_all(g, options, runs_dir, out);
    std::ostringstream md;
    md << "# " << g.title << "\n\n" << g.description << "\n\n";
    md << "Reproduce with `build/mlp reproduce " << g.name << (options.quick ? " --quick" : "")
       << "` (runs in `" << runs_dir << "/`). Figures marked \"report\" are quoted from the course "
       << "reports; every other figure was measured by that command.\n\n";
    md << normalisation_line(g, runs_dir);
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
        md << s.markdown << "\n" << draw_figures(g, p, runs_dir, out);
        if (s.compared) {
            char text[200];
            std::snprintf(text, sizeof text,
                          "Mean |ours − report| of validation accuracy (ours: mean over seeds): %.2f points over %d "
                          "runs.\n\n",
                          s.mean_abs_gap, s.compared);
            md << text;
            if (s.mean_abs_gap < closest_gap) closest_gap = s.mean_abs_gap, closest = p.name;
        }
    }
    if (g.protocols.size() > 1 && !closest.empty())
        md << "Closest to the report's numbers: the **" << closest << "** protocol.\n\n";
    for (const auto& c : g.commands) md << command_section(c, out);
    write_file_atomic(out + "/summary.md", md.str());
    std::printf("summary: %s/summary.md\n", out.c_str());
    return failed ? 1 : 0;
}

}  // namespace mlp
