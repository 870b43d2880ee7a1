// `mlp eval`: loss, accuracy and confusion matrix of a saved model on a data split,
// using the normalisation saved with the model (never re-fitted).
#include <cstdio>

#include "commands.hpp"
#include "config.hpp"
#include <nlohmann/json.hpp>

#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/gemm.hpp"
#include "mlp/safetensors.hpp"
#include "run_dir.hpp"

namespace mlp {

int eval_command(const EvalOptions& options) {
    const std::string dir = run_dir_of(options.model);
    for (const auto& o : options.overrides)
        require(o.rfind("data.", 0) == 0, "--set " + o + ": eval accepts data.* settings only");
    const Config config = load_config(dir + "/config.toml", options.overrides);
    ModelInfo info;
    auto net = load_model(model_path(options.model), &info);
    const DataSplits data = load_data(config.data);
    require(data.test_data->features == net->architecture().inputs,
            "the model takes " + std::to_string(net->architecture().inputs) + " inputs but the data has " +
                std::to_string(data.test_data->features) + " features");
    const Subset& subset = options.split == "train" ? data.train : options.split == "val" ? data.validation : data.test;
    require(subset.size() > 0, "the " + options.split + " split is empty for this config");
    ThreadTeam team(options.threads);
    const Context ctx{&team};
    Workspace<float> ws(net->layout(), 1000);
    const Evaluation e = evaluate(ctx, *net, ws, subset, info.normalizer, {.confusion = true});
    std::printf("split: %s (%d rows)\nloss: %.6f\naccuracy: %.4f\n", options.split.c_str(), e.count, e.loss,
                e.accuracy);
    if (!options.json.empty()) {
        const nlohmann::json j{{"split", options.split}, {"rows", e.count}, {"loss", e.loss}, {"accuracy", e.accuracy}};
        write_file_atomic(options.json, j.dump(2) + "\n");
    }
    const int K = net->architecture().classes;
    std::printf("confusion matrix (rows: true class, columns: predicted):\n%8s", "");
    for (int k = 0; k < K; ++k) std::printf(" %6s", info.class_names.size() == std::size_t(K) ? info.class_names[k].c_str() : std::to_string(k).c_str());
    std::printf("\n");
    for (int t = 0; t < K; ++t) {
        std::printf("%8s", info.class_names.size() == std::size_t(K) ? info.class_names[t].c_str() : std::to_string(t).c_str());
        for (int p = 0; p < K; ++p) std::printf(" %6ld", e.confusion[std::size_t(t) * K + p]);
        std::printf("\n");
    }
    return 0;
}

}  // namespace mlp
