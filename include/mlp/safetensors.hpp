// Model weights in the safetensors format (8-byte little-endian header length, a JSON
// header of {name: {dtype, shape, data_offsets}}, then raw little-endian data), so
// `safetensors.numpy.load_file` or `torch` read them directly. Also stores the
// normalisation as tensors and the architecture in "__metadata__".
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mlp/dataset.hpp"
#include "mlp/network.hpp"

namespace mlp {

struct Tensor {
    std::vector<int> shape;
    std::vector<float> values;
};

// Generic read/write of F32 tensors plus string metadata.
void write_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                       const std::map<std::string, std::string>& metadata);
std::map<std::string, Tensor> read_safetensors(const std::string& path, std::map<std::string, std::string>* metadata);
// The same from the file's bytes; `path` names it in errors.
std::map<std::string, Tensor> parse_safetensors(const std::vector<std::uint8_t>& bytes, const std::string& path,
                                                std::map<std::string, std::string>* metadata);

// What a model file holds besides the weights.
struct ModelInfo {
    Normalizer normalizer;
    std::vector<std::string> class_names;
    std::array<int, 3> image_shape{0, 0, 0};
};

void save_model(const std::string& path, const Network<float>& net, const ModelInfo& info);
// Rebuilds the network (architecture from the metadata) and its info.
std::unique_ptr<Network<float>> load_model(const std::string& path, ModelInfo* info);
// Copies the weights of a model file into net; every tensor's shape must match.
void load_weights(const std::string& path, Network<float>& net);

}  // namespace mlp
