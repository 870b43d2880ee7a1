// `mlp train`: config → data → network → Trainer → run directory (and its report).
#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "config.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/gemm.hpp"
#include "mlp/safetensors.hpp"
#include "mlp/version.hpp"
#include "progress.hpp"
#include "run_dir.hpp"

namespace mlp {
namespace {

nlohmann::json evaluation_json(const Evaluation& e) {
    if (e.count == 0) return nullptr;
    return {{"loss", e.loss}, {"accuracy", e.accuracy}, {"count", e.count}};
}

nlohmann::json metrics_json(const Config& config, const Network<float>& net, const DataSplits& data,
                            const TrainResult& result, const Evaluation& train, const Evaluation& val,
                            const Evaluation& test) {
    auto number_or_null = [](const Evaluation& e, double v) { return e.count ? nlohmann::json(v) : nlohmann::json(); };
    nlohmann::json m;
    m["train_accuracy"] = train.accuracy;
    m["train_loss"] = train.loss;
    m["val_accuracy"] = number_or_null(val, val.accuracy);
    m["val_loss"] = number_or_null(val, val.loss);
    m["test_accuracy"] = test.accuracy;
    m["test_loss"] = test.loss;
    m["parameters"] = net.layout().parameters;
    m["epochs"] = result.epochs;
    m["steps"] = result.steps;
    m["best_step"] = result.best_step;
    m["stopped_early"] = result.stopped_early;
    m["seconds"] = result.seconds;
    m["seed"] = config.train.seed;
    m["threads"] = config.train.threads;
    m["gemm"] = gemm_backend_name();
    m["version"] = kVersion;
    m["splits"] = {{"train", evaluation_json(train)}, {"val", evaluation_json(val)}, {"test", evaluation_json(test)}};
    m["confusion_test"] = test.confusion;
    m["class_names"] = data.train_data->class_names;
    nlohmann::json checksums;
    for (const auto& [file, sum] : data.train_data->checksums) checksums[file] = sum;
    for (const auto& [file, sum] : data.test_data->checksums) checksums[file] = sum;
    m["data_sha256"] = checksums;
    if (data.normalizer.mode == NormalizeMode::global)
        m["normalization"] = {{"mean", data.normalizer.mean[0]}, {"std", 1.0 / data.normalizer.inv_std[0]}};
    return m;
}

std::string percent(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f%%", 100 * x);
    return text;
}

}  // namespace

int train_command(const TrainOptions& options) {
    const Config config = load_config(options.config, options.overrides);
    set_gemm_backend(config.gemm);
    const DataSplits data = load_data(config.data);
    const Dataset& train_data = *data.train_data;
    Network<float> net(architecture_of(config, train_data.features, train_data.classes));
    Rng init_rng = Rng::for_purpose(config.train.seed, "init");
    initialize(net, init_of(config), init_rng);
    if (!options.init_from.empty()) load_weights(model_path(options.init_from), net);

    const std::string out = options.out.empty() ? "runs/" + config.name : options.out;
    make_directories(out);
    // A stale metrics.json would present an unfinished run as a result.
    std::filesystem::remove(out + "/metrics.json");
    write_file_atomic(out + "/config.toml", resolved_toml(config));
    if (!options.quiet)
        std::fprintf(stderr, "training %s: %zu parameters, %d train / %d val / %d test rows, run directory %s\n",
                     config.name.c_str(), net.layout().parameters, data.train.size(), data.validation.size(),
                     data.test.size(), out.c_str());
    if (!options.quiet && data.normalizer.mode == NormalizeMode::global)
        std::fprintf(stderr, "normalisation: training mean %.3f, std %.3f\n", data.normalizer.mean[0],
                     1.0 / data.normalizer.inv_std[0]);

    Trainer trainer(net, config.train, data);
    ProgressPrinter printer(options.quiet, config.log_format == "course" ? ProgressPrinter::Format::course
                                                                          : ProgressPrinter::Format::standard);
    const TrainResult result = trainer.run([&](const Progress& p) { printer(p); });
    printer.finish();

    Workspace<float>& ws = trainer.eval_workspace();
    const Evaluation train = evaluate(net, ws, data.train, data.normalizer);
    const Evaluation val = evaluate(net, ws, data.validation, data.normalizer);
    const Evaluation test = evaluate(net, ws, data.test, data.normalizer, true);
    write_file_atomic(out + "/history.csv", history_csv(result.history));
    save_model(out + "/model.safetensors", net, ModelInfo{data.normalizer, train_data.class_names, train_data.image_shape});
    write_file_atomic(out + "/metrics.json", metrics_json(config, net, data, result, train, val, test).dump(2) + "\n");

    std::printf("%s: %d epochs, %ld steps in %.1fs%s\n", config.name.c_str(), result.epochs, result.steps,
                result.seconds, result.stopped_early ? " (early stop; best weights restored)" : "");
    std::printf("train accuracy %s  loss %.4f\n", percent(train.accuracy).c_str(), train.loss);
    if (val.count) std::printf("val   accuracy %s  loss %.4f\n", percent(val.accuracy).c_str(), val.loss);
    std::printf("test  accuracy %s  loss %.4f\n", percent(test.accuracy).c_str(), test.loss);
    std::printf("run directory: %s\n", out.c_str());
    if (!options.no_report) std::printf("report: %s\n", write_run_report({out}, out, options.quiet).c_str());
    return 0;
}

}  // namespace mlp
