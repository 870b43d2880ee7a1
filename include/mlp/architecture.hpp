// What a network is, without its numbers: layer widths, activation, bias convention, dropout, and
// the layout of every parameter tensor inside one flat buffer (shared by Params, Grads
// and optimizer State). Also parameter and FLOP counts.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "mlp/activation.hpp"
#include "mlp/names.hpp"

namespace mlp {

// explicit: every dense layer has a bias vector (initialised to 0).
// trick: a constant-1 input column, i.e. only the first layer has a bias, initialised and
// counted like a weight row; no other layer has one (784-64-10 → 785·64 + 64·10 = 50,880).
enum class BiasMode { explicit_vectors, trick };
inline constexpr NamedValue<BiasMode> kBiasModeNames[] = {
    {"explicit", BiasMode::explicit_vectors},
    {"trick", BiasMode::trick},
};

BiasMode parse_bias_mode(const std::string& name);
std::string bias_mode_name(BiasMode mode);

struct Architecture {
    int inputs = 0;           // D
    std::vector<int> hidden;  // H1, H2, ... (empty: softmax regression)
    int classes = 0;          // K
    Activation activation;    // after every hidden layer; the output layer feeds the softmax
    BiasMode bias = BiasMode::explicit_vectors;
    // Inverted dropout while training (dropout.hpp), as the probability of dropping a unit:
    // of every hidden layer's output, and of the network's input. Evaluation never drops.
    double dropout = 0.0;
    double input_dropout = 0.0;
};

// One dense layer's place in the flat buffer: W (in, out) at w_offset, b (out) at b_offset.
struct LayerLayout {
    int in = 0;
    int out = 0;
    bool has_bias = false;
    std::size_t w_offset = 0;
    std::size_t b_offset = 0;
};

struct ParamLayout {
    std::vector<LayerLayout> layers;
    std::size_t buffer_size = 0;  // floats, each tensor starting on a 64-byte boundary
    std::size_t parameters = 0;   // the true count, without padding
    bool dropout = false;         // training drops units: workspaces keep the masks

    explicit ParamLayout(const Architecture& arch);
    int max_width() const;
    // Tensor names as stored in safetensors files: "W1", "b1", "W2", ...
    static std::string weight_name(int layer) { return "W" + std::to_string(layer + 1); }
    static std::string bias_name(int layer) { return "b" + std::to_string(layer + 1); }
};

// Floating-point operations of one training step on a batch of B:
// forward, weight gradient and input gradient of every layer but the first's input gradient.
double training_flops_per_sample(const ParamLayout& layout);

// Throws Error unless widths are positive and the activation is usable.
void validate(const Architecture& arch);

}  // namespace mlp
