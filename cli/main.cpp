// `mlp`: train | eval | info | config | gradcheck | predict | export | report | data info/show | search | reproduce |
// contour | units | gradient-cost. Parses arguments with CLI11 and turns every exception (mlp::Error
// or any other) into one line `mlp: error: ...` on stderr and exit status 1; a command line
// CLI11 cannot parse is the same one line and exit status 2. Under mpirun every rank runs
// the command (train and search share their work over the ranks); a rank that fails ends
// the whole job, since the others would wait for it forever.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <exception>
#include <string>

#include "commands.hpp"
#include "mlp/error.hpp"
#include "mlp/mpi_job.hpp"
#include "mlp/version.hpp"

namespace {

std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text;
}

// CLI11's PositiveNumber and NonNegativeNumber name their range up to DBL_MAX written out in
// full, and let inf through; these say what is expected in a few words.
CLI::Validator number_check(bool zero_allowed) {
    const std::string expected = zero_allowed ? "a finite number >= 0" : "a finite number > 0";
    return CLI::Validator(
        [zero_allowed, expected](std::string& text) -> std::string {
            char* end = nullptr;
            const double x = std::strtod(text.c_str(), &end);
            const bool ok = !text.empty() && *end == '\0' && std::isfinite(x) && (zero_allowed ? x >= 0 : x > 0);
            return ok ? "" : "expected " + expected + ", got '" + text + "'";
        },
        zero_allowed ? "NONNEGATIVE" : "POSITIVE");
}
const CLI::Validator kPositive = number_check(false);
const CLI::Validator kNonNegative = number_check(true);

// Errors of ranks other than 0 name their rank; an error every rank reaches together
// (mlp::AgreedError) is printed by rank 0 alone.
std::string error_line(const mlp::Communicator* world, const std::string& message, bool agreed = false) {
    if (!world || world->rank() == 0) return "mlp: error: " + message + "\n";
    return agreed ? "" : "mlp: error: rank " + std::to_string(world->rank()) + ": " + message + "\n";
}

int run_command(int argc, char** argv, mlp::Communicator* world) {
    CLI::App app{"mlp: train and study fully-connected networks"};
    app.set_version_flag("--version", mlp::kVersion);
    app.require_subcommand(1);

    mlp::TrainOptions train;
    train.comm = world;
    auto* train_cmd = app.add_subcommand("train", "Train a network from a config; writes a run directory");
    auto* train_config = train_cmd->add_option("--config", train.config, "Experiment config (TOML)");
    train_cmd->add_option("--set", train.overrides, "Override a setting: section.key=value (repeatable)");
    auto* train_out = train_cmd->add_option("--out", train.out, "Run directory (default runs/<name>)");
    auto* train_init = train_cmd->add_option("--init-from", train.init_from, "Start from the weights of a run directory or model file");
    train_cmd->add_option("--resume", train.resume, "Continue the run in RUN_DIR from its last checkpoint")
        ->excludes(train_config)->excludes(train_out)->excludes(train_init);
    train_cmd->add_flag("--force", train.force,
                        "With --resume: continue even though settings that change results, or the data files, "
                        "differ from the run's (recorded in RUN_DIR/resumes.log)");
    train_cmd->add_flag("--quiet", train.quiet, "Print only the final summary");
    train_cmd->add_flag("--no-report", train.no_report, "Do not write figures and report.html into the run directory");
    train_cmd->add_flag("--verbose", train.verbose,
                        "At the end, print each phase's wall time (setup, data load, checksum, training steps, "
                        "validation, checkpoints, evaluation, outputs, report)");

    mlp::EvalOptions eval;
    auto* eval_cmd = app.add_subcommand("eval", "Evaluate a trained model: loss, accuracy, confusion matrix");
    eval_cmd->add_option("--model", eval.model, "Run directory (or its model.safetensors)")->required();
    eval_cmd->add_option("--set", eval.overrides, "Override a data setting: data.key=value (repeatable)");
    eval_cmd->add_option("--split", eval.split, "Which split to evaluate: test, val or train")
        ->check(CLI::IsMember({"test", "val", "train"}));
    eval_cmd->add_option("--json", eval.json, "Also write split, rows, loss and accuracy to this JSON file");
    eval_cmd->add_option("--threads", eval.threads, "Threads the forward pass's products are split over (1)")
        ->check(CLI::Range(1, 256));

    mlp::InfoOptions info;
    auto* info_cmd = app.add_subcommand("info", "Show layers, shapes, parameter count and FLOPs of a config");
    info_cmd->add_option("--config", info.config, "Experiment config (TOML)")->required();
    info_cmd->add_option("--set", info.overrides, "Override a setting: section.key=value (repeatable)");

    mlp::ConfigOptions config_options;
    auto* config_cmd = app.add_subcommand("config", "The config keys: types, defaults, allowed values, meaning");
    config_cmd->add_flag("--list", config_options.list, "List every key")->required();
    config_cmd->add_flag("--markdown", config_options.markdown, "As a Markdown table (the README's)");

    mlp::GradcheckOptions check;
    auto* check_cmd = app.add_subcommand("gradcheck", "Check backprop against finite differences in double");
    check_cmd->add_option("--config", check.config, "Experiment config (TOML)")->required();
    check_cmd->add_option("--set", check.overrides, "Override a setting: section.key=value (repeatable)");
    check_cmd->add_option("--batch", check.batch, "Batch size of the check")->check(CLI::Range(1, 1024));
    check_cmd->add_option("--samples", check.samples, "Entries checked per tensor (0 = all)")->check(kNonNegative);
    check_cmd->add_flag("--random-inputs", check.random_inputs, "Use Gaussian inputs instead of the dataset");

    mlp::PredictOptions predict;
    auto* predict_cmd = app.add_subcommand("predict", "Class probabilities of a trained model for new inputs");
    predict_cmd->add_option("--model", predict.model, "Run directory (or its model.safetensors)")->required();
    predict_cmd->add_option("inputs", predict.inputs, "Image files (png, jpg, ...), .npy arrays or .csv rows")
        ->required();
    predict_cmd->add_option("--threads", predict.threads,
                            "Threads the forward pass's products are split over; one row at a time splits "
                            "the first layer's weights between cores (1)")
        ->check(CLI::Range(1, 256));
    predict_cmd->add_option("--csv", predict.csv,
                            "Also write every row's class probabilities to this CSV file (9 significant digits)");

    mlp::ExportOptions export_options;
    auto* export_cmd = app.add_subcommand("export", "Write a trained model as an ONNX file or a self-contained C99 header");
    export_cmd->add_option("run", export_options.run, "Run directory (or its model.safetensors)")->required();
    export_cmd->add_option("--format", export_options.format, "onnx or c")->required();
    export_cmd->add_option("--out", export_options.out, "The file to write (model.onnx, model.h)")->required();
    export_cmd->add_flag("--int8", export_options.int8_weights,
                         "C header only: int8 weights with one float scale per output unit");

    // `mlp data <sub-command>`: dataset inspection.
    auto* data_cmd = app.add_subcommand("data", "Inspect the data a config loads: counts, statistics, sample images");
    data_cmd->require_subcommand(1);
    mlp::DataInfoOptions data_info;
    auto* data_info_cmd =
        data_cmd->add_subcommand("info", "Rows per class and split, shapes, mean/std and checksums of a config's data");
    data_info_cmd->add_option("--config", data_info.config, "Experiment config (TOML)")->required();
    data_info_cmd->add_option("--set", data_info.overrides, "Override a setting: section.key=value (repeatable)");

    mlp::ReportOptions report;
    auto* report_cmd = app.add_subcommand("report", "Figures, summary table and report.html of one or several runs");
    report_cmd->add_option("runs", report.runs, "Run directories (several: curves overlaid, one table)")->required();
    report_cmd->add_option("--out", report.out, "Output directory (default: the run directory, or runs/comparison)");

    mlp::DataShowOptions data_show;
    auto* data_show_cmd = data_cmd->add_subcommand("show", "Write a grid of random training images per class (PNG)");
    data_show_cmd->add_option("--config", data_show.config, "Experiment config (TOML)")->required();
    data_show_cmd->add_option("--set", data_show.overrides, "Override a setting: section.key=value (repeatable)");
    data_show_cmd->add_option("--per-class", data_show.per_class, "Images per class")->check(CLI::Range(1, 64));
    data_show_cmd->add_option("--out", data_show.out, "PNG file (default <dataset>_samples.png)");

    mlp::SearchOptions search;
    search.comm = world;
    auto* search_cmd = app.add_subcommand("search", "Grid or random hyper-parameter search over a config's [search] section");
    search_cmd->add_option("--config", search.config, "Experiment config with a [search] section")->required();
    search_cmd->add_option("--out", search.out, "Search directory (default runs/<name>-search); rerun to resume");
    search_cmd->add_option("--workers", search.workers, "Trials run in parallel (default search.workers)")
        ->check(CLI::Range(1, 64));
    search_cmd->add_option("--max-trials", search.max_trials, "Only the first N trials (a quick look)")
        ->check(kPositive);

    mlp::ReproduceOptions reproduce;
    auto* reproduce_cmd = app.add_subcommand("reproduce", "Run a group of course experiments and summarise them");
    reproduce_cmd->add_option("group", reproduce.group, "Group: a folder of experiments/ with a group.toml")->required();
    reproduce_cmd->add_option("--out", reproduce.out, "Results directory (default results/<group>)");
    reproduce_cmd->add_option("--runs", reproduce.runs, "Where the runs go (default runs/<group>)");
    reproduce_cmd->add_flag("--quick", reproduce.quick, "1 epoch on 600 images, into runs/<group>-quick and results/<group>-quick");
    reproduce_cmd->add_option("--only", reproduce.only, "Only these runs (config names)");
    reproduce_cmd->add_option("--seeds", reproduce.seeds, "Train only the first N of the group's seeds (the summary counts the rest as missing)")
        ->check(kPositive);
    reproduce_cmd->add_option("--set", reproduce.set, "KEY=VALUE for every run, e.g. train.threads=1 (repeatable)");

    mlp::ContourOptions contour;
    auto* contour_cmd = app.add_subcommand("contour", "Loss contour over two weights of a trained model, with optimiser paths");
    contour_cmd->add_option("model", contour.model, "Run directory of a trained model")->required();
    contour_cmd->add_option("--pixel", contour.pixel, "Input pixel ROW,COLUMN whose weights vary")->delimiter(',')->expected(2);
    contour_cmd->add_option("--input", contour.input, "Input index whose weights vary (instead of --pixel)");
    contour_cmd->add_option("--classes", contour.classes, "The two outputs A,B those weights feed")->delimiter(',')->expected(2);
    contour_cmd->add_option("--examples", contour.examples, "Training rows in the summed loss")->check(kPositive);
    contour_cmd->add_option("--grid", contour.grid, "Grid points per axis")->check(CLI::Range(2, 1000));
    contour_cmd->add_option("--half-width", contour.half_width, "Grid spans trained ± this (default: fit the paths)");
    contour_cmd->add_option("--lr", contour.lr, "Learning rate of the paths")->check(kPositive);
    contour_cmd->add_option("--steps", contour.steps, "Steps per path")->check(kNonNegative);
    contour_cmd->add_option("--momenta", contour.momenta, "Momentum of each path")->delimiter(',');
    contour_cmd->add_option("--start", contour.start, "Paths start at trained + DA,DB")->delimiter(',')->expected(2);
    contour_cmd->add_option("--out", contour.out, "Output directory (default RUN_DIR/contour)");

    mlp::UnitsOptions units;
    auto* units_cmd = app.add_subcommand("units", "Hidden units whose weights most separate two classes, as images");
    units_cmd->add_option("model", units.model, "Run directory of a one-hidden-layer model")->required();
    units_cmd->add_option("--classes", units.classes, "The two classes A,B (names or indices)")
        ->delimiter(',')->expected(2)->required();
    units_cmd->add_option("--top", units.top, "Units shown")->check(CLI::Range(1, 64));
    units_cmd->add_option("--out", units.out, "Output directory (default RUN_DIR/units)");

    mlp::GradientCostOptions cost;
    auto* cost_cmd = app.add_subcommand("gradient-cost", "Time one gradient by backprop and by naive finite differences");
    cost_cmd->add_option("--depths", cost.depths, "Hidden-layer counts swept at --width")->delimiter(',');
    cost_cmd->add_option("--widths", cost.widths, "Hidden widths swept at --depth")->delimiter(',');
    cost_cmd->add_option("--width", cost.fixed_width, "Width while depth varies")->check(kPositive);
    cost_cmd->add_option("--depth", cost.fixed_depth, "Depth while width varies")->check(kPositive);
    cost_cmd->add_option("--batch", cost.batch, "Examples in the objective")->check(kPositive);
    cost_cmd->add_option("--naive-weights", cost.naive_weights, "Most weights perturbed; naive time scales to all")
        ->check(kPositive);
    cost_cmd->add_option("--naive-seconds", cost.naive_seconds, "Stop perturbing after this long (at least 16 weights)")
        ->check(kPositive);
    cost_cmd->add_option("--out", cost.out, "Output directory");

    try {
        app.parse(argc, argv);
        if (*train_cmd) return mlp::train_command(train);
        if (*eval_cmd) return mlp::eval_command(eval);
        if (*info_cmd) return mlp::info_command(info);
        if (*config_cmd) return mlp::config_command(config_options);
        if (*check_cmd) return mlp::gradcheck_command(check);
        if (*predict_cmd) return mlp::predict_command(predict);
        if (*export_cmd) return mlp::export_command(export_options);
        if (*data_info_cmd) return mlp::data_info_command(data_info);
        if (*report_cmd) return mlp::report_command(report);
        if (*data_show_cmd) return mlp::data_show_command(data_show);
        if (*search_cmd) return mlp::search_command(search);
        if (*reproduce_cmd) return mlp::reproduce_command(reproduce);
        if (*contour_cmd) return mlp::contour_command(contour);
        if (*cost_cmd) return mlp::gradient_cost_command(cost);
        if (*units_cmd) return mlp::units_command(units);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help and --version
        std::fprintf(stderr, "mlp: error: %s (see --help)\n", one_line(e.what()).c_str());
        return 2;
    } catch (const mlp::AgreedError& e) {
        std::fputs(error_line(world, e.what(), true).c_str(), stderr);
        return 3;
    } catch (const mlp::Error& e) {
        std::fputs(error_line(world, e.what()).c_str(), stderr);
        return 1;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "mlp: error: out of memory\n");
        return 1;
    } catch (const std::exception& e) {
        // Anything else (std::filesystem::filesystem_error, ...) is still one line, exit 1: an
        // escaping exception would abort (exit 134) and bypass the cleanup of destructors.
        std::fputs(error_line(world, one_line(e.what())).c_str(), stderr);
        return 1;
    } catch (...) {
        std::fprintf(stderr, "mlp: error: unexpected exception of unknown type\n");
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::unique_ptr<mlp::MpiJob> job;
    try {
        job = mlp::join_mpi_job(argc, argv);
    } catch (const mlp::Error& e) {
        std::fprintf(stderr, "mlp: error: %s\n", e.what());
        return 1;
    }
    const int code = run_command(argc, argv, job ? &job->world() : nullptr);
    if (job && code == 1) job->abort(code);  // a failure of this rank alone
    return code == 3 ? 1 : code;              // 3: every rank failed together, each exits
}
