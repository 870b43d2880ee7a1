// Writing a group's summary (reproduce_summary.hpp).
#include "reproduce_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <toml++/toml.h>

#include "mlp/figures.hpp"
#include "mlp/file.hpp"
#include "run_dir.hpp"

namespace mlp {
namespace {

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

// "52.30 % (1000)": a run's accuracy on the group's test subset, from test_subset.json.
std::string subset_accuracy(const std::string& dir) {
    if (!file_exists(dir + "/test_subset.json")) return "–";
    const auto j = nlohmann::json::parse(read_text(dir + "/test_subset.json"));
    return percent(j, "accuracy") + " (" + std::to_string(j["rows"].get<int>()) + ")";
}

// Whether a finished run validated on its test set (data.validation = "test" in its resolved
// config): its "test accuracy" is then the validation accuracy, not a held-out figure.
bool validates_on_test(const std::string& dir) {
    if (!file_exists(dir + "/config.toml")) return false;
    try {
        const toml::table config = toml::parse_file(dir + "/config.toml");
        return config["data"]["validation"].value_or(std::string()) == "test";
    } catch (const toml::parse_error&) {
        return false;  // a damaged run's config: its row says so elsewhere
    }
}

// Whether every finished run of a protocol validated on the test set: the test column is
// then named for what it is; in a mixed table the cells of those runs say it instead.
bool all_validate_on_test(const Group& g, const Protocol& p, const std::string& runs_dir) {
    int finished = 0, on_test = 0;
    for (const auto& r : g.runs) {
        const std::string dir = run_directory(runs_dir, p, r, g, 0);
        if (!file_exists(dir + "/metrics.json")) continue;
        ++finished;
        on_test += validates_on_test(dir);
    }
    return finished > 0 && on_test == finished;
}

ProtocolSummary summarize(const Group& g, const Protocol& p, const std::string& runs_dir) {
    ProtocolSummary s;
    const bool all_on_test = all_validate_on_test(g, p, runs_dir);
    std::ostringstream out;
    out << "| run | val acc (ours) | val acc (report) | val acc over seeds, % | train acc (ours) | train acc (report) | "
        << (all_on_test ? "test acc (= the validation set)" : "test acc")
        << " | test acc, first N | test acc (report) | parameters | epochs | early stop | seconds | seed |\n"
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
            << percent(m, "test_accuracy") << (!all_on_test && validates_on_test(dir) ? " (the validation set)" : "")
            << " | " << subset_accuracy(dir) << " | " << percent(report_test) << " | "
            << m["parameters"] << " | " << m["epochs"] << " | "
            << (m["stopped_early"].get<bool>() ? "yes" : "no") << " | " << seconds << " | " << m["seed"] << " |\n";
    }
    if (s.compared) s.mean_abs_gap /= s.compared;
    s.markdown = out.str();
    return s;
}

// A record run's protocol from its metrics.json: augmented runs are labelled, as they use
// where pixels lie.
std::string protocol_of(const nlohmann::json& m) {
    if (!m.contains("permutation_invariant") || m["permutation_invariant"].get<bool>()) return "permutation-invariant";
    return "**non-permutation-invariant** (" + m.value("augmentation", std::string("augmented")) + ")";
}

// The test accuracies of a run's finished seeds, and their mean training seconds.
std::vector<double> seed_test_accuracies(const Group& g, const Protocol& p, const GroupRun& r,
                                         const std::string& runs_dir, double* seconds) {
    std::vector<double> values;
    *seconds = 0;
    for (std::size_t i = 0; i < std::max<std::size_t>(1, g.seeds.size()); ++i) {
        const std::string metrics = run_directory(runs_dir, p, r, g, i) + "/metrics.json";
        if (!file_exists(metrics)) continue;
        const auto m = nlohmann::json::parse(read_text(metrics));
        if (!m["test_accuracy"].is_number()) continue;
        values.push_back(m["test_accuracy"].get<double>());
        *seconds += m["seconds"].get<double>();
    }
    if (!values.empty()) *seconds /= values.size();
    return values;
}

// "99.12 ± 0.05 (99.07–99.18, n=3)", or one seed's figure.
std::string mean_spread(const std::vector<double>& values) {
    if (values.size() == 1) return percent(values[0]) + " (n=1)";
    return seed_spread(values);
}

// Met when the mean over the finished seeds reaches the target; a quick run is no record.
std::string verdict(const std::vector<double>& values, double target, std::size_t seeds, bool quick) {
    if (std::isnan(target) || values.empty()) return "–";
    if (quick) return "– (a --quick run)";
    double mean = 0;
    for (double v : values) mean += v;
    mean /= values.size();
    char text[96];
    if (mean >= target) std::snprintf(text, sizeof text, "met (+%.2f points)", 100 * (mean - target));
    else std::snprintf(text, sizeof text, "missed (−%.2f points)", 100 * (target - mean));
    std::string out = text;
    if (values.size() < seeds) out += ", " + std::to_string(values.size()) + " of " + std::to_string(seeds) + " seeds";
    return out;
}

// The records table of one protocol: per run the test accuracy over seeds beside its target
// and anchor, whether it is permutation-invariant, its size, epochs and mean wall seconds.
std::string records_table(const Group& g, const Protocol& p, const std::string& runs_dir, bool quick) {
    std::ostringstream out;
    out << "| run | protocol | test acc over seeds, % | target | met? | anchor | parameters | epochs | seconds (mean) | "
           "CPU, threads |\n|---|---|---|---|---|---|---|---|---|---|\n";
    const std::size_t seeds = std::max<std::size_t>(1, g.seeds.size());
    for (const auto& r : g.runs) {
        const std::string dir = run_directory(runs_dir, p, r, g, 0);
        const std::string target = percent(r.target), anchor = r.anchor.empty() ? "–" : r.anchor;
        if (!file_exists(dir + "/metrics.json")) {
            const std::string missing = missing_requirement(r);
            out << "| " << r.label << " | "
                << (!missing.empty() ? "not run: needs " + missing + (r.requires_hint.empty() ? "" : " (" + r.requires_hint + ")")
                    : std::filesystem::exists(dir) ? "failed or unfinished (see " + dir + ")"
                                                   : "not yet run (`build/mlp reproduce " + g.name + " --only " + r.name + "`)")
                << " || " << target << " || " << anchor << " ||||\n";
            continue;
        }
        const auto m = nlohmann::json::parse(read_text(dir + "/metrics.json"));
        double seconds = 0;
        const std::vector<double> values = seed_test_accuracies(g, p, r, runs_dir, &seconds);
        char wall[32];
        std::snprintf(wall, sizeof wall, "%.0f", seconds);
        const std::string cpu = m.value("cpu", std::string());
        out << "| " << r.label << " | " << protocol_of(m) << " | " << mean_spread(values) << " | " << target << " | "
            << verdict(values, r.target, seeds, quick) << " | " << anchor << " | " << m["parameters"] << " | " << m["epochs"]
            << " | " << wall << " | " << (cpu.empty() ? "–" : cpu) << ", " << m["threads"] << " |\n";
    }
    return out.str();
}

bool has_records(const Group& g) {
    return std::any_of(g.runs.begin(), g.runs.end(), [](const GroupRun& r) { return !std::isnan(r.target); });
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

std::string group_summary(const Group& g, bool quick, const std::string& runs_dir, const std::string& out) {
    std::ostringstream md;
    md << "# " << g.title << "\n\n" << g.description << "\n\n";
    md << "Reproduce with `build/mlp reproduce " << g.name << (quick ? " --quick" : "")
       << "` (runs in `" << runs_dir << "/`). ";
    if (has_records(g))
        md << "Targets and anchors are quoted from the literature; every other figure was measured by that command, "
              "on the CPU its row names.\n\n";
    else
        md << "Figures marked \"report\" are quoted from the course reports; every other figure was measured by that "
              "command.\n\n";
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
        md << (has_records(g) ? records_table(g, p, runs_dir, quick) : s.markdown) << "\n" << draw_figures(g, p, runs_dir, out);
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
    return md.str();
}

}  // namespace mlp
