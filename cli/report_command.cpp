// `mlp report`: reads run directories (history.csv, metrics.json, config.toml,
// model.safetensors and the run's data) and writes their figures, tables and report.html.
// `mlp train` calls write_run_report for its own run.
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "commands.hpp"
#include "config.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/report.hpp"
#include "run_dir.hpp"

namespace mlp {
namespace {

// What a ReportRun points into, kept alive while the report is written.
struct LoadedRuns {
    std::vector<std::unique_ptr<Network<float>>> nets;
    std::vector<std::unique_ptr<DataSplits>> owned_data;
    std::map<std::string, const DataSplits*> data;  // by [data] settings: runs on the same data share it
    std::vector<ReportRun> runs;
};

std::string data_key(const DataConfig& d) {
    return d.dataset + "|" + d.dir + "|" + std::to_string(d.train_size) + "|" + std::to_string(d.validation) + "|" +
           std::to_string(d.validation_from_test) + "|" + d.normalize;
}

std::string required_file(const std::string& dir, const std::string& name, const std::string& why) {
    const std::string path = dir + "/" + name;
    require(file_exists(path), path + ": missing (" + why + ")");
    return path;
}

std::string label_of(const std::string& dir) {
    std::filesystem::path p(dir);
    if (!p.has_filename()) p = p.parent_path();  // "runs/a/" → "a"
    const std::string name = p.filename().string();
    return name.empty() || name == "." ? "run" : name;
}

void load_run(const std::string& dir, const std::string& label, LoadedRuns& loaded, bool quiet,
              const DataSplits* run_data) {
    std::error_code ec;
    require(std::filesystem::is_directory(dir, ec), dir + ": not a directory (expected a run directory from mlp train)");
    ReportRun run;
    run.dir = dir;

    const std::string history = required_file(dir, "history.csv", "every finished run writes one");
    run.history = parse_history_csv(read_text(history), history);
    require(!run.history.empty(), history + ": no rows after the header (expected one row per validation check)");

    const std::string metrics = required_file(dir, "metrics.json", "the run did not finish");
    try {
        run.metrics = nlohmann::json::parse(read_text(metrics));
    } catch (const nlohmann::json::exception& e) {
        throw Error(metrics + ": not valid JSON (" + e.what() + ")");
    }
    require(run.metrics.is_object(), metrics + ": expected a JSON object");

    const std::string config_path = required_file(dir, "config.toml", "the resolved config of the run");
    run.config_toml = read_text(config_path);
    const Config config = load_config(config_path);

    loaded.nets.push_back(load_model(required_file(dir, "model.safetensors", "the trained weights"), &run.info));
    run.net = loaded.nets.back().get();

    // Test images make the worst-classified and sample grids; without them the report still stands.
    const std::string key = data_key(config.data);
    if (!loaded.data.count(key) && run_data) loaded.data[key] = run_data;
    if (!loaded.data.count(key)) {
        try {
            loaded.owned_data.push_back(std::make_unique<DataSplits>(load_data(config.data)));
            loaded.data[key] = loaded.owned_data.back().get();
        } catch (const Error& e) {
            loaded.data[key] = nullptr;
            run.data_note = std::string("the run's data could not be loaded: ") + e.what();
            if (!quiet) std::fprintf(stderr, "mlp: warning: %s: %s; the report leaves out the image grids\n", dir.c_str(), e.what());
        }
    }
    run.data = loaded.data[key];
    if (run.data == nullptr && run.data_note.empty()) run.data_note = "the run's data could not be loaded";

    run.label = label.empty() ? label_of(dir) : label;
    int same = 1;
    for (const auto& other : loaded.runs)
        if (other.label == run.label || other.label.rfind(run.label + " (", 0) == 0) ++same;
    if (same > 1) run.label += " (" + std::to_string(same) + ")";
    loaded.runs.push_back(std::move(run));
}

}  // namespace

std::string write_run_report(const std::vector<std::string>& run_dirs, const std::string& out, bool quiet,
                             const std::vector<std::string>& labels, const DataSplits* run_data) {
    require(!run_dirs.empty(), "report: give at least one run directory");
    LoadedRuns loaded;
    for (std::size_t i = 0; i < run_dirs.size(); ++i)
        load_run(run_dirs[i], i < labels.size() ? labels[i] : "", loaded, quiet, i == 0 ? run_data : nullptr);
    const std::string out_dir = !out.empty() ? out : run_dirs.size() == 1 ? run_dirs[0] : "runs/comparison";
    make_directories(out_dir);
    return write_report(loaded.runs, out_dir);
}

int report_command(const ReportOptions& options) {
    const std::string html = write_run_report(options.runs, options.out, false);
    std::printf("report: %s\n", html.c_str());
    return 0;
}

}  // namespace mlp
