// Initialisation schemes, each a scale and a distribution.
#include "mlp/init.hpp"

#include <cmath>

namespace mlp {
namespace {

double draw(const Init& init, double fan_in, double fan_out, Rng& rng) {
    switch (init.scheme) {
        case InitScheme::uniform: {
            const double a = init.scale > 0 ? init.scale : 1.0;
            return rng.uniform(-a, a);
        }
        case InitScheme::fan_in: return rng.normal() / std::sqrt(fan_in);
        case InitScheme::xavier_uniform: {
            const double r = std::sqrt(6.0 / (fan_in + fan_out));
            return rng.uniform(-r, r);
        }
        case InitScheme::xavier_normal: return rng.normal() * std::sqrt(2.0 / (fan_in + fan_out));
        case InitScheme::he: return rng.normal() * std::sqrt(2.0 / fan_in);
        case InitScheme::normal: return rng.normal() * (init.scale > 0 ? init.scale : 1e-4);
    }
    return 0.0;
}

}  // namespace

InitScheme parse_init(const std::string& name) { return parse_named(kInitNames, name, "init"); }

std::string init_name(InitScheme scheme) { return name_of(kInitNames, scheme); }

void initialize(Network<float>& net, const Init& init, Rng& rng) {
    net.params.fill(0.0f);
    const bool trick = net.architecture().bias == BiasMode::trick;
    for (int l = 0; l < net.layers(); ++l) {
        const auto& layer = net.layout().layers[l];
        const double fan_in = layer.in + (trick && layer.has_bias ? 1 : 0);
        MatrixView<float> W = net.weight(net.params, l);
        for (int i = 0; i < W.rows; ++i)
            for (int j = 0; j < W.cols; ++j) W(i, j) = static_cast<float>(draw(init, fan_in, layer.out, rng));
        float* b = net.bias(net.params, l);
        if (b && trick)
            for (int j = 0; j < layer.out; ++j) b[j] = static_cast<float>(draw(init, fan_in, layer.out, rng));
    }
}

}  // namespace mlp
