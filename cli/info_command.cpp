// `mlp info`: the network a config describes, without loading any data.
#include <cstdio>

#include "commands.hpp"
#include "config.hpp"
#include "mlp/idx.hpp"

namespace mlp {

// Input width and class count of the named datasets (all 28×28 grey, 10 classes today).
static std::pair<int, int> dataset_shape(const DataConfig&) { return {784, 10}; }

int info_command(const InfoOptions& options) {
    const Config config = load_config(options.config, options.overrides);
    const auto [inputs, classes] = dataset_shape(config.data);
    const Architecture arch = architecture_of(config, inputs, classes);
    const ParamLayout layout(arch);
    std::printf("config: %s\nbias: %s\n", config.source.c_str(), bias_mode_name(arch.bias).c_str());
    for (std::size_t l = 0; l < layout.layers.size(); ++l) {
        const auto& layer = layout.layers[l];
        const bool last = l + 1 == layout.layers.size();
        const std::size_t count = std::size_t(layer.in) * layer.out + (layer.has_bias ? layer.out : 0);
        std::printf("layer %zu: dense %d -> %d  W%zu (%d, %d)%s  %s  params %zu\n", l + 1, layer.in, layer.out, l + 1,
                    layer.in, layer.out, layer.has_bias ? (" b" + std::to_string(l + 1) + " (" + std::to_string(layer.out) + ")").c_str() : "",
                    last ? "softmax" : activation_name(arch.activation.kind).c_str(), count);
    }
    const double per_sample = training_flops_per_sample(layout);
    std::printf("parameters: %zu\n", layout.parameters);
    std::printf("flops per step: %.0f (batch %d)\n", per_sample * config.train.batch_size, config.train.batch_size);
    std::printf("flops per sample: %.0f\n", per_sample);
    return 0;
}

}  // namespace mlp
