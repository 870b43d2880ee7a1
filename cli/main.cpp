// `mlp`: train | eval | info | gradcheck | search | reproduce. Parses arguments with CLI11 and turns every
// mlp::Error into one line `mlp: error: ...` on stderr and exit status 1.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "commands.hpp"
#include "mlp/error.hpp"
#include "mlp/version.hpp"

int main(int argc, char** argv) {
    CLI::App app{"mlp: train and study fully-connected networks"};
    app.set_version_flag("--version", mlp::kVersion);
    app.require_subcommand(1);

    mlp::TrainOptions train;
    auto* train_cmd = app.add_subcommand("train", "Train a network from a config; writes a run directory");
    auto* train_config = train_cmd->add_option("--config", train.config, "Experiment config (TOML)");
    train_cmd->add_option("--set", train.overrides, "Override a setting: section.key=value (repeatable)");
    auto* train_out = train_cmd->add_option("--out", train.out, "Run directory (default runs/<name>)");
    auto* train_init = train_cmd->add_option("--init-from", train.init_from, "Start from the weights of a run directory or model file");
    train_cmd->add_option("--resume", train.resume, "Continue the run in RUN_DIR from its last checkpoint")
        ->excludes(train_config)->excludes(train_out)->excludes(train_init);
    train_cmd->add_flag("--quiet", train.quiet, "Print only the final summary");

    mlp::EvalOptions eval;
    auto* eval_cmd = app.add_subcommand("eval", "Evaluate a trained model: loss, accuracy, confusion matrix");
    eval_cmd->add_option("--model", eval.model, "Run directory (or its model.safetensors)")->required();
    eval_cmd->add_option("--set", eval.overrides, "Override a data setting: data.key=value (repeatable)");
    eval_cmd->add_option("--split", eval.split, "Which split to evaluate: test, val or train")
        ->check(CLI::IsMember({"test", "val", "train"}));

    mlp::InfoOptions info;
    auto* info_cmd = app.add_subcommand("info", "Show layers, shapes, parameter count and FLOPs of a config");
    info_cmd->add_option("--config", info.config, "Experiment config (TOML)")->required();
    info_cmd->add_option("--set", info.overrides, "Override a setting: section.key=value (repeatable)");

    mlp::GradcheckOptions check;
    auto* check_cmd = app.add_subcommand("gradcheck", "Check backprop against finite differences in double");
    check_cmd->add_option("--config", check.config, "Experiment config (TOML)")->required();
    check_cmd->add_option("--set", check.overrides, "Override a setting: section.key=value (repeatable)");
    check_cmd->add_option("--batch", check.batch, "Batch size of the check")->check(CLI::Range(1, 1024));
    check_cmd->add_option("--samples", check.samples, "Entries checked per tensor (0 = all)")->check(CLI::NonNegativeNumber);
    check_cmd->add_flag("--random-inputs", check.random_inputs, "Use Gaussian inputs instead of the dataset");

    mlp::SearchOptions search;
    auto* search_cmd = app.add_subcommand("search", "Grid or random hyper-parameter search over a config's [search] section");
    search_cmd->add_option("--config", search.config, "Experiment config with a [search] section")->required();
    search_cmd->add_option("--out", search.out, "Search directory (default runs/<name>-search); rerun to resume");
    search_cmd->add_option("--workers", search.workers, "Trials run in parallel (default search.workers)")
        ->check(CLI::Range(1, 64));

    mlp::ReproduceOptions reproduce;
    auto* reproduce_cmd = app.add_subcommand("reproduce", "Run a group of course experiments and summarise them");
    reproduce_cmd->add_option("group", reproduce.group, "Group: a folder of experiments/ with a group.toml")->required();
    reproduce_cmd->add_option("--out", reproduce.out, "Results directory (default results/<group>)");
    reproduce_cmd->add_option("--runs", reproduce.runs, "Where the runs go (default runs/<group>)");
    reproduce_cmd->add_flag("--quick", reproduce.quick, "1 epoch on 600 images, into runs/<group>-quick and results/<group>-quick");
    reproduce_cmd->add_option("--only", reproduce.only, "Only these runs (config names)");

    try {
        app.parse(argc, argv);
        if (*train_cmd) return mlp::train_command(train);
        if (*eval_cmd) return mlp::eval_command(eval);
        if (*info_cmd) return mlp::info_command(info);
        if (*check_cmd) return mlp::gradcheck_command(check);
        if (*search_cmd) return mlp::search_command(search);
        if (*reproduce_cmd) return mlp::reproduce_command(reproduce);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const mlp::Error& e) {
        std::fprintf(stderr, "mlp: error: %s\n", e.what());
        return 1;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "mlp: error: out of memory\n");
        return 1;
    }
    return 0;
}
