// `mlp gradcheck`: per-tensor relative error of backprop against central differences.
#include <cstdio>

#include "commands.hpp"
#include "config.hpp"
#include "mlp/error.hpp"
#include "mlp/gradcheck.hpp"
#include "mlp/names.hpp"
#include "mlp/rng.hpp"

namespace mlp {

int gradcheck_command(const GradcheckOptions& options) {
    const Config config = load_config(options.config, options.overrides);
    const int B = options.batch;
    int inputs = 784, classes = 10;
    std::vector<float> x;
    std::vector<int> labels(B);
    DataSplits data;
    if (!options.random_inputs) {
        data = load_data(config.data);
        inputs = data.train_data->features;
        classes = data.train_data->classes;
    }
    Network<float> net(architecture_of(config, inputs, classes));
    Rng init_rng = Rng::for_purpose(config.train.seed, "init");
    initialize(net, init_of(config), init_rng);
    Workspace<float> ws(net.layout(), B);
    if (options.random_inputs) {
        Rng rng = Rng::for_purpose(config.train.seed, "gradcheck-inputs");
        for (int i = 0; i < B; ++i) {
            for (int j = 0; j < inputs; ++j) ws.input(i, j) = static_cast<float>(rng.normal());
            ws.labels[i] = static_cast<int>(rng.below(classes));
        }
    } else {
        std::vector<int> order(B);
        for (int i = 0; i < B; ++i) order[i] = i;
        require(data.train.size() >= B, "gradcheck: the training split has fewer than --batch rows");
        gather_batch(data.train, order.data(), B, data.normalizer, ws.input, ws.labels.data());
    }
    GradcheckSettings settings;
    settings.samples_per_tensor = options.samples;
    settings.l2 = config.train.l2;
    settings.l2_biases = config.train.l2_biases;
    settings.label_smoothing = config.train.label_smoothing;
    settings.seed = config.train.seed;
    const auto rows = gradcheck(Context{nullptr, parse_gemm_backend(config.gemm)}, net, ws.input.top(B), ws.labels.data(), settings);
    std::printf("gradcheck: %s, activation %s, bias %s, batch %d, h = %g\n", config.name.c_str(),
                config.model.activation.c_str(), config.model.bias.c_str(), B, settings.step);
    std::printf("%-8s %8s %8s %14s %14s  %s\n", "tensor", "checked", "skipped", "error(double)", "error(float)", "result");
    std::vector<std::string> failed;
    for (const auto& r : rows) {
        std::printf("%-8s %8d %8d %14.3e %14.3e  %s\n", r.tensor.c_str(), r.checked, r.skipped, r.error_double,
                    r.error_float, r.passed ? "ok" : "FAIL");
        if (!r.passed) failed.push_back(r.tensor);
    }
    std::printf("tolerance: %.0e (double), %.0e (float); error = max|analytic - numeric| / max|numeric|\n",
                settings.tolerance_double, settings.tolerance_float);
    std::printf("%s\n", failed.empty() ? "gradcheck passed" : "gradcheck FAILED");
    std::fflush(stdout);  // the table before the error line, when both go to one terminal
    // A failed check exits 1 like any error, with the one line saying which tensors failed.
    require(failed.empty(), "gradcheck: backprop and finite differences disagree beyond the tolerance on " +
                                comma_list(failed) + " (table above)");
    return 0;
}

}  // namespace mlp
