// Launching and reusing the runs and commands of a group (reproduce_runner.hpp).
#include "reproduce_runner.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "child_process.hpp"
#include "config.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "run_dir.hpp"

namespace mlp {
namespace {

// Runs `mlp ARGS...` to the end; false when it failed or was stopped. A child stopped by a
// signal that this process did not get (someone signalled the child alone) ends the whole
// reproduction; one stopped by this process's `stop` is left for the next reproduce.
bool run_child(const std::vector<std::string>& args, const volatile std::sig_atomic_t* stop) {
    const ChildExit exit = run_mlp_child(args, stop);
    if (exit.interrupted() && !*stop) throw Error("interrupted; run the same command again to resume");
    return exit.succeeded();
}

// Trains one run unless its directory already holds a finished run of the same config; one
// of the same config stopped part-way continues from its checkpoint. Quick runs only check
// the configs, so they skip the per-run report (figures, report.html).
bool ensure_run(const GroupRun& r, const std::vector<std::string>& overrides, const std::string& dir, bool quick,
                const volatile std::sig_atomic_t* stop) {
    const std::string resolved = resolved_toml(load_config(r.config, overrides));
    const bool same_config = file_exists(dir + "/config.toml") && read_text(dir + "/config.toml") == resolved;
    if (same_config && file_exists(dir + "/metrics.json")) return true;
    std::vector<std::string> args{"train", "--quiet"};
    if (quick) args.push_back("--no-report");
    if (same_config && file_exists(checkpoint_path(dir))) {
        std::printf("  resuming from its checkpoint\n");
        args.insert(args.end(), {"--resume", dir});
    } else {
        args.insert(args.end(), {"--config", r.config, "--out", dir});
        for (const auto& o : overrides) args.insert(args.end(), {"--set", o});
    }
    return run_child(args, stop);
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
                    const std::string& dir, const volatile std::sig_atomic_t* stop) {
    std::vector<std::string> args;
    for (const auto& a : c.args) args.push_back(substitute(a, values));
    if (quick) apply_quick_args(args, c.quick_args);
    std::string record;
    for (const auto& a : args) record += a + "\n";
    if (file_exists(dir + "/command.txt") && read_text(dir + "/command.txt") == record) return true;
    make_directories(dir);
    if (!run_child(args, stop)) return false;
    for (const auto& file : c.collect) {
        const std::string from = substitute(file, values);
        require(file_exists(from), "command " + c.name + ": it did not write " + from);
        const std::string text = read_text(from);
        write_file_atomic(dir + "/" + std::filesystem::path(from).filename().string(), text.data(), text.size());
    }
    write_file_atomic(dir + "/command.txt", record);
    return true;
}

// Evaluates a finished run on the first n test rows, once.
bool ensure_subset_evaluation(const std::string& dir, int n, const volatile std::sig_atomic_t* stop) {
    if (!file_exists(dir + "/metrics.json") || file_exists(dir + "/test_subset.json")) return true;
    return run_child({"eval", "--model", dir, "--split", "test", "--set", "data.test_size=" + std::to_string(n),
                      "--json", dir + "/test_subset.json"},
                     stop);
}

bool selected(const ReproduceOptions& options, const std::string& name) {
    return options.only.empty() || std::find(options.only.begin(), options.only.end(), name) != options.only.end();
}

}  // namespace

int run_group(const Group& g, const ReproduceOptions& options, const std::string& runs_dir, const std::string& out,
              const volatile std::sig_atomic_t* stop) {
    std::vector<std::string> quick;
    if (options.quick) quick = {"train.epochs=1", "data.train_size=600", "train.validations_per_epoch=2"};
    std::size_t seed_count = std::max<std::size_t>(1, g.seeds.size());
    if (options.seeds > 0) seed_count = std::min<std::size_t>(seed_count, options.seeds);
    int failed = 0;
    for (const auto& p : g.protocols)
        for (const auto& r : g.runs) {
            if (!selected(options, r.name)) continue;
            if (const std::string missing = missing_requirement(r); !missing.empty()) {
                std::printf("%s / %s: skipped, %s is missing%s\n", p.name.c_str(), r.name.c_str(), missing.c_str(),
                            r.requires_hint.empty() ? "" : (" (" + r.requires_hint + ")").c_str());
                continue;
            }
            for (std::size_t i = 0; i < seed_count; ++i) {
                if (*stop) return failed;
                std::vector<std::string> overrides = p.overrides;
                overrides.insert(overrides.end(), r.overrides.begin(), r.overrides.end());
                overrides.insert(overrides.end(), quick.begin(), quick.end());
                if (options.quick) overrides.insert(overrides.end(), r.quick_overrides.begin(), r.quick_overrides.end());
                overrides.insert(overrides.end(), options.set.begin(), options.set.end());
                if (!g.seeds.empty()) overrides.push_back("train.seed=" + std::to_string(g.seeds[i]));
                const std::string dir = run_directory(runs_dir, p, r, g, i);
                std::printf("%s / %s: %s%s\n", p.name.c_str(), r.name.c_str(), r.label.c_str(),
                            g.seeds.empty() ? "" : (" (seed " + std::to_string(g.seeds[i]) + ")").c_str());
                if (!ensure_run(r, overrides, dir, options.quick, stop)) {
                    if (*stop) return failed;
                    std::printf("  FAILED (see the error above)\n");
                    ++failed;
                } else if (g.test_subset > 0 && !ensure_subset_evaluation(dir, g.test_subset, stop)) {
                    ++failed;
                }
            }
        }
    const std::map<std::string, std::string> values{{"{runs}", runs_dir}, {"{out}", out}, {"{group}", g.dir}};
    for (const auto& c : g.commands) {
        if (*stop) return failed;
        if (!selected(options, c.name)) continue;
        std::printf("%s: %s\n", c.name.c_str(), c.label.c_str());
        if (!ensure_command(c, values, options.quick, out + "/" + c.name, stop)) {
            if (*stop) return failed;
            std::printf("  FAILED (see the error above)\n");
            ++failed;
        }
    }
    return failed;
}

}  // namespace mlp
