// Parameter layout: the offsets of W_l and b_l in the flat buffer, and counts derived from it.
#include "mlp/architecture.hpp"

#include <algorithm>

#include "mlp/error.hpp"

namespace mlp {
namespace {

constexpr std::size_t kAlign = 16;  // floats per 64 bytes

std::size_t round_up(std::size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

}  // namespace

BiasMode parse_bias_mode(const std::string& name) { return parse_named(kBiasModeNames, name, "bias convention"); }

std::string bias_mode_name(BiasMode mode) { return name_of(kBiasModeNames, mode); }

ParamLayout::ParamLayout(const Architecture& arch) {
    std::vector<int> widths{arch.inputs};
    widths.insert(widths.end(), arch.hidden.begin(), arch.hidden.end());
    widths.push_back(arch.classes);
    std::size_t offset = 0;
    for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
        LayerLayout layer;
        layer.in = widths[l];
        layer.out = widths[l + 1];
        layer.has_bias = arch.bias == BiasMode::explicit_vectors || l == 0;
        layer.w_offset = offset;
        offset += round_up(std::size_t(layer.in) * layer.out);
        parameters += std::size_t(layer.in) * layer.out;
        if (layer.has_bias) {
            layer.b_offset = offset;
            offset += round_up(layer.out);
            parameters += layer.out;
        }
        layers.push_back(layer);
    }
    buffer_size = offset;
    dropout = arch.dropout > 0.0 || arch.input_dropout > 0.0;
}

int ParamLayout::max_width() const {
    int width = 0;
    for (const auto& layer : layers) width = std::max({width, layer.in, layer.out});
    return width;
}

double training_flops_per_sample(const ParamLayout& layout) {
    double flops = 0.0;
    for (std::size_t l = 0; l < layout.layers.size(); ++l) {
        const double weights = double(layout.layers[l].in) * layout.layers[l].out;
        flops += 2.0 * weights * (l == 0 ? 2 : 3);
    }
    return flops;
}

void validate(const Architecture& arch) {
    require(arch.inputs > 0, "model: the input width must be positive, got " + std::to_string(arch.inputs));
    require(arch.classes >= 2, "model: at least 2 classes are needed, got " + std::to_string(arch.classes));
    for (std::size_t i = 0; i < arch.hidden.size(); ++i)
        require(arch.hidden[i] > 0, "model.hidden[" + std::to_string(i) + "]: a layer width must be positive, got " +
                                        std::to_string(arch.hidden[i]));
    require(arch.activation.slope >= 0.0 && arch.activation.slope < 1.0,
            "model.leaky_slope: expected a value in [0, 1), got " + std::to_string(arch.activation.slope));
    require(arch.dropout >= 0.0 && arch.dropout < 1.0,
            "model.dropout: expected a probability in [0, 1), got " + std::to_string(arch.dropout));
    require(arch.input_dropout >= 0.0 && arch.input_dropout < 1.0,
            "model.input_dropout: expected a probability in [0, 1), got " + std::to_string(arch.input_dropout));
}

}  // namespace mlp
