// `mlp info`: the network a config describes; of the data it reads only what fixes the
// input width and class count (headers, metadata, folder listings).
#include <cstdio>

#include "commands.hpp"
#include "config.hpp"
#include "mlp/data_source.hpp"

namespace mlp {

int info_command(const InfoOptions& options) {
    const Config config = load_config(options.config, options.overrides);
    const DataShape shape = data_shape(config.data);
    const Architecture arch = architecture_of(config, shape.features, shape.classes);
    const ParamLayout layout(arch);
    std::printf("config: %s\nbias: %s\n", config.source.c_str(), bias_mode_name(arch.bias).c_str());
    std::string image;
    if (shape.image_shape[0] > 0)
        image = " (" + std::to_string(shape.image_shape[0]) + "x" + std::to_string(shape.image_shape[1]) + "x" +
                std::to_string(shape.image_shape[2]) + ")";
    std::printf("data: %s, %d inputs%s, %d classes\n", config.data.dataset.c_str(), shape.features, image.c_str(),
                shape.classes);
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
