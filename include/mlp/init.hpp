// Weight initialisation schemes. Draws every weight in layer order, row-major, from one Rng.
#pragma once
#include <string>

#include "mlp/names.hpp"
#include "mlp/network.hpp"
#include "mlp/rng.hpp"

namespace mlp {

enum class InitScheme { uniform, fan_in, xavier_uniform, xavier_normal, he, normal };
inline constexpr NamedValue<InitScheme> kInitNames[] = {
    {"uniform", InitScheme::uniform},
    {"fan_in", InitScheme::fan_in},
    {"xavier_uniform", InitScheme::xavier_uniform},
    {"xavier_normal", InitScheme::xavier_normal},
    {"he", InitScheme::he},
    {"normal", InitScheme::normal},
};

struct Init {
    InitScheme scheme = InitScheme::uniform;
    double scale = 0.0;  // uniform: the bound a (0 → 1); normal: the std (0 → 1e-4)
};

InitScheme parse_init(const std::string& name);
std::string init_name(InitScheme scheme);

// uniform:        U(−a, a)
// fan_in:         N(0, 1/fan_in)                 (LeCun 1998, "improved" init)
// xavier_uniform: U(−r, r), r = sqrt(6/(fan_in+fan_out))   (Glorot & Bengio 2010)
// xavier_normal:  N(0, 2/(fan_in+fan_out))
// he:             N(0, 2/fan_in)                 (He et al. 2015)
// normal:         N(0, std²)
// Explicit biases start at 0; a bias-trick bias row is drawn like a weight with fan_in + 1.
void initialize(Network<float>& net, const Init& init, Rng& rng);

}  // namespace mlp
