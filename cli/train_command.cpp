// `mlp train`: config → data → network → Trainer → run directory (and its report). As the
// ranks of an MPI job (mpirun -np N mlp train ...) every rank loads the same config and data
// (checked at start), trains data-parallel, and rank 0 alone writes the run directory and
// prints; a --resume may use another N, since a checkpoint holds nothing of the ranks.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <utility>

#include "commands.hpp"
#include "config.hpp"
#include "config_schema.hpp"
#include "distributed.hpp"
#include "interrupt.hpp"
#include "mlp/checkpoint.hpp"
#include "mlp/clock.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/gemm.hpp"
#include "mlp/safetensors.hpp"
#include "progress.hpp"
#include "run_dir.hpp"

namespace mlp {
namespace {

std::string percent(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f%%", 100 * x);
    return text;
}

// A learning rate as the shortest text that reads back to it, e.g. 0.05 or 5e+35.
std::string lr_text(double lr) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", lr);
    for (int digits = 1; digits < 17; ++digits) {
        char shorter[32];
        std::snprintf(shorter, sizeof shorter, "%.*g", digits, lr);
        if (std::strtod(shorter, nullptr) == lr) return shorter;
    }
    return text;
}

// Wall seconds of each phase of one `mlp train`, printed by --verbose; setup is whatever
// the others leave (config, run directory, network, thread team, printing).
struct Phases {
    double start = now_seconds();
    double data_load = 0, checksum = 0, steps = 0, validation = 0, checkpoints = 0, evaluation = 0, outputs = 0,
           report = 0;

    void print() const {
        const double total = now_seconds() - start;
        const double setup = total - (data_load + checksum + steps + validation + checkpoints + evaluation + outputs + report);
        const std::pair<const char*, double> rows[] = {
            {"setup", setup},         {"data load", data_load},     {"checksum", checksum},
            {"training steps", steps}, {"validation", validation}, {"checkpoints", checkpoints},
            {"evaluation", evaluation}, {"outputs", outputs},       {"report", report}};
        std::fprintf(stderr, "phases (wall seconds):\n");
        for (const auto& [name, seconds] : rows) std::fprintf(stderr, "  %-15s %8.3f\n", name, seconds);
        std::fprintf(stderr, "  %-15s %8.3f  (%.2fx the training steps)\n", "total", total,
                     steps > 0 ? total / steps : 0.0);
    }
};

}  // namespace

int train_command(const TrainOptions& options) {
    Phases phases;
    Communicator* const comm = job_ranks(options.comm);
    const bool writer = writes_outputs(comm);
    const bool quiet = options.quiet || !writer;
    const bool resuming = !options.resume.empty();
    require(resuming != !options.config.empty(), "train: give either --config FILE or --resume RUN_DIR");
    // A resumed run reads its own resolved config and continues from its checkpoint.
    std::unique_ptr<Checkpoint> checkpoint;
    std::unique_ptr<RunDirectoryLock> lock;  // held until the run directory is complete
    if (resuming) {
        const std::string file = checkpoint_path(options.resume);
        require(file_exists(options.resume + "/config.toml"), options.resume + ": not a run directory (no config.toml)");
        if (writer) lock = std::make_unique<RunDirectoryLock>(options.resume);
        require(file_exists(file), file + ": no checkpoint to resume from (the run stopped before its first "
                                          "checkpoint; start it again with mlp train --config " +
                                          options.resume + "/config.toml --out " + options.resume + ")");
        checkpoint = std::make_unique<Checkpoint>(load_checkpoint(file));
    }
    const Config config = load_config(resuming ? options.resume + "/config.toml" : options.config, options.overrides);
    const std::string out = resuming ? options.resume : options.out.empty() ? "runs/" + config.name : options.out;
    if (!resuming && writer) {
        make_directories(out);
        lock = std::make_unique<RunDirectoryLock>(out);  // before loading data: a second writer is refused at once
    }
    const double load_start = now_seconds();
    const DataSplits data = load_data(config.data);
    phases.checksum = data.train_data->checksum_seconds + data.test_data->checksum_seconds;
    phases.data_load = now_seconds() - load_start - phases.checksum;
    require_same_on_all_ranks(comm, {{"the resolved config", resolved_toml(config)},
                                     {"the data (files' SHA-256)", data_checksums(data).dump()},
                                     {"the checkpoint resumed", checkpoint ? std::to_string(checkpoint->state.steps) : ""}});
    if (resuming) check_resume(out, config, data, options.force, writer);
    const Dataset& train_data = *data.train_data;
    Network<float> net(architecture_of(config, train_data.features, train_data.classes));
    Rng init_rng = Rng::for_purpose(config.train.seed, "init");
    initialize(net, init_of(config), init_rng);
    if (!options.init_from.empty()) load_weights(model_path(options.init_from), net);

    // A stale metrics.json would present an unfinished run as a result, a stale
    // checkpoint would let --resume continue another run.
    if (writer) {
        std::filesystem::remove(out + "/metrics.json");
        if (!resuming) std::filesystem::remove(checkpoint_path(out));
        remove_stale_temporaries(out);  // left by a process killed mid-write; the lock says none is writing now
        write_file_atomic(out + "/config.toml", resolved_toml(config));
        if (!resuming) write_file_atomic(out + "/data_sha256.json", data_checksums(data).dump(2) + "\n");
    }

    TrainSettings settings = config.train;
    settings.gemm = parse_gemm_backend(config.gemm);
    Trainer trainer(net, settings, data, comm);
    if (checkpoint) trainer.resume(*checkpoint);
    if (!quiet) {
        if (comm)
            std::fprintf(stderr, "data-parallel over %d ranks: each step's %d rows split between them\n", comm->size(),
                         config.train.batch_size);
        std::fprintf(stderr, "training %s: %zu parameters, %d train / %d val / %d test rows, run directory %s\n",
                     config.name.c_str(), net.layout().parameters, data.train.size(), data.validation.size(),
                     data.test.size(), out.c_str());
        if (data.normalizer.mode == NormalizeMode::global)
            std::fprintf(stderr, "normalisation: training mean %.3f, std %.3f\n", data.normalizer.mean[0],
                         1.0 / data.normalizer.inv_std[0]);
        if (config.train.augment.active())
            std::fprintf(stderr, "augmentation: %s (not permutation-invariant)\n",
                         config.train.augment.describe().c_str());
        if (checkpoint)
            std::fprintf(stderr, "resuming at step %ld (epoch %d, step %ld of %ld)\n", checkpoint->state.steps,
                         checkpoint->state.epoch, checkpoint->state.position, trainer.steps_per_epoch());
    }

    ProgressPrinter printer(quiet, config.log_format == "course" ? ProgressPrinter::Format::course
                                                                          : ProgressPrinter::Format::standard);
    long saved_step = checkpoint ? checkpoint->state.steps : -1;  // the checkpoint on disk; -1: none
    checkpoint.reset();
    TrainHooks hooks;
    hooks.progress = [&](const Progress& p) { printer(p); };
    hooks.checkpoint = [&](const Checkpoint& c) {
        if (!writer) {
            saved_step = c.state.steps;
            return;
        }
        try {
            save_checkpoint(checkpoint_path(out), c);
            write_file_atomic(out + "/history.csv", history_csv(c.state.history));
        } catch (const Error& e) {
            throw Error(std::string(e.what()) + " (writing the checkpoint of step " + std::to_string(c.state.steps) +
                        (saved_step >= 0 ? "; the checkpoint of step " + std::to_string(saved_step) + " is intact)"
                                         : ")"));
        }
        saved_step = c.state.steps;
    };
    hooks.notice = [&](const std::string& message) {
        printer.finish();
        std::fprintf(stderr, "mlp: warning: %s\n", message.c_str());
    };
    hooks.stop = catch_interrupts();
    TrainResult result;
    const double run_start = now_seconds();
    try {
        result = trainer.run(hooks);
    } catch (const DivergenceError& e) {
        release_interrupts();
        printer.finish();
        if (saved_step < 0 && !comm) throw;
        if (saved_step < 0) throw AgreedError(e.what());  // every rank holds the same weights and diverges alike
        const std::string message = std::string(e.what()) + "; the last good checkpoint (step " + std::to_string(saved_step) +
                    ") is kept: resume it with a lower lr, e.g. mlp train --resume " + out + " --force --set train.lr=" +
                    lr_text(config.train.lr / 2);
        if (comm) throw AgreedError(message);
        throw Error(message);
    }
    release_interrupts();
    printer.finish();
    if (result.interrupted) {
        // Under mpirun the signal may have reached another rank only; mpirun passes on SIGTERM.
        const int signal = *hooks.stop != 0 ? int(*hooks.stop) : SIGTERM;
        if (!writer) return 128 + signal;
        std::fprintf(stderr, "mlp: interrupted by %s at step %ld (epoch %d); checkpoint saved in %s\n"
                             "resume with: mlp train --resume %s\n",
                     signal_name(signal), result.steps, result.epochs, checkpoint_path(out).c_str(), out.c_str());
        return 128 + signal;
    }

    phases.validation = result.check_seconds;
    phases.checkpoints = result.checkpoint_seconds;
    phases.steps = now_seconds() - run_start - phases.validation - phases.checkpoints;

    if (!writer) return 0;
    Workspace<float>& ws = trainer.eval_workspace();
    const Context& ctx = trainer.context();
    double phase_start = now_seconds();
    const Evaluation train = evaluate(ctx, net, ws, data.train, data.normalizer);
    const Evaluation val = evaluate(ctx, net, ws, data.validation, data.normalizer);
    const Evaluation test = evaluate(ctx, net, ws, data.test, data.normalizer, {.confusion = true});
    phases.evaluation = now_seconds() - phase_start;
    phase_start = now_seconds();
    write_file_atomic(out + "/history.csv", history_csv(result.history));
    save_model(out + "/model.safetensors", net, ModelInfo{data.normalizer, train_data.class_names, train_data.image_shape});
    nlohmann::json metrics = metrics_json(config, net, data, result, train, val, test);
    metrics["ranks"] = comm ? comm->size() : 1;
    write_file_atomic(out + "/metrics.json", metrics.dump(2) + "\n");
    phases.outputs = now_seconds() - phase_start;

    std::printf("%s: %d epochs, %ld steps in %.1fs%s\n", config.name.c_str(), result.epochs, result.steps,
                result.seconds, result.stopped_early ? " (early stop; best weights restored)" : "");
    std::printf("train accuracy %s  loss %.4f\n", percent(train.accuracy).c_str(), train.loss);
    if (val.count) std::printf("val   accuracy %s  loss %.4f\n", percent(val.accuracy).c_str(), val.loss);
    std::printf("test  accuracy %s  loss %.4f%s\n", percent(test.accuracy).c_str(), test.loss,
                config.train.augment.active() ? " (augmented: not permutation-invariant)" : "");
    std::printf("run directory: %s\n", out.c_str());
    if (!options.no_report) {
        phase_start = now_seconds();
        std::printf("report: %s\n", write_run_report({out}, out, options.quiet, {}, &data).c_str());
        phases.report = now_seconds() - phase_start;
    }
    if (options.verbose) {
        std::fflush(stdout);
        phases.print();
    }
    return 0;
}

}  // namespace mlp
