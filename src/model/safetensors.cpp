// safetensors reading and writing with every offset and shape checked against the file.
#include "mlp/safetensors.hpp"

#include <cstring>
#include <nlohmann/json.hpp>

#include "mlp/error.hpp"
#include "mlp/file.hpp"

namespace mlp {
namespace {

using json = nlohmann::json;

// The element count of a shape read from a file, or 0 with ok = false when the product
// exceeds `limit` (it could otherwise wrap around 2^64 and match a small byte count).
std::size_t bounded_element_count(const std::vector<int>& shape, std::size_t limit, bool& ok) {
    std::size_t n = 1;
    ok = true;
    for (int d : shape) {
        if (d != 0 && n > limit / static_cast<std::size_t>(d)) ok = false;
        n = ok ? n * static_cast<std::size_t>(d) : 0;
    }
    return n;
}

Tensor tensor_of(ConstView<float> view) {
    Tensor t;
    t.shape = {view.rows, view.cols};
    for (int i = 0; i < view.rows; ++i) t.values.insert(t.values.end(), view.row(i), view.row(i) + view.cols);
    return t;
}

Tensor vector_tensor(const float* data, int n) { return Tensor{{n}, std::vector<float>(data, data + n)}; }

const Tensor& find(const std::map<std::string, Tensor>& tensors, const std::string& name, const std::string& path,
                   const std::vector<int>& shape) {
    auto it = tensors.find(name);
    require(it != tensors.end(), path + ": tensor '" + name + "' is missing");
    require(it->second.shape == shape, path + ": tensor '" + name + "' has shape " + json(it->second.shape).dump() +
                                           ", expected " + json(shape).dump());
    return it->second;
}

}  // namespace

void write_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                       const std::map<std::string, std::string>& metadata) {
    json header;
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::size_t offset = 0;
    for (const auto& [name, t] : tensors) {
        const std::size_t bytes = t.values.size() * sizeof(float);
        header[name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned
    std::string out(8, '\0');
    const std::uint64_t n = text.size();
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);  // little-endian
    out += text;
    for (const auto& [name, t] : tensors)
        out.append(reinterpret_cast<const char*>(t.values.data()), t.values.size() * sizeof(float));
    write_file_atomic(path, out);
}

std::map<std::string, Tensor> read_safetensors(const std::string& path, std::map<std::string, std::string>* metadata) {
    return parse_safetensors(read_file(path), path, metadata);
}

std::map<std::string, Tensor> parse_safetensors(const std::vector<std::uint8_t>& bytes, const std::string& path,
                                                std::map<std::string, std::string>* metadata) {
    require(bytes.size() >= 8, path + ": truncated safetensors file (" + std::to_string(bytes.size()) + " bytes)");
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= std::uint64_t(bytes[i]) << (8 * i);
    require(n <= bytes.size() - 8, path + ": safetensors header length " + std::to_string(n) + " exceeds the file");
    json header;
    try {
        header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(n));
    } catch (const json::exception& e) {
        throw Error(path + ": safetensors header is not valid JSON (" + e.what() + ")");
    }
    require(header.is_object(), path + ": safetensors header must be a JSON object");
    const std::size_t data_start = 8 + n, data_size = bytes.size() - data_start;
    std::map<std::string, Tensor> tensors;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (metadata && entry.is_object())
                for (const auto& [key, value] : entry.items())
                    if (value.is_string()) (*metadata)[key] = value.get<std::string>();
            continue;
        }
        try {
            require(entry.at("dtype") == "F32", path + ": tensor '" + name + "' has dtype " +
                                                     entry.at("dtype").dump() + " (expected \"F32\")");
            Tensor t;
            t.shape = entry.at("shape").get<std::vector<int>>();
            for (int d : t.shape) require(d >= 0, path + ": tensor '" + name + "' has a negative dimension");
            const auto offsets = entry.at("data_offsets").get<std::vector<std::uint64_t>>();
            require(offsets.size() == 2 && offsets[0] <= offsets[1] && offsets[1] <= data_size,
                    path + ": tensor '" + name + "' has data_offsets outside the file");
            bool fits = true;
            const std::size_t count = bounded_element_count(t.shape, data_size / sizeof(float), fits);
            require(fits, path + ": tensor '" + name + "' has shape " + json(t.shape).dump() +
                              ", more elements than the file's " + std::to_string(data_size) + " data bytes hold");
            require(offsets[1] - offsets[0] == count * sizeof(float),
                    path + ": tensor '" + name + "' has " + std::to_string(offsets[1] - offsets[0]) +
                        " bytes, its shape needs " + std::to_string(count * sizeof(float)));
            t.values.resize(count);
            std::memcpy(t.values.data(), bytes.data() + data_start + offsets[0], offsets[1] - offsets[0]);
            tensors[name] = std::move(t);
        } catch (const json::exception& e) {
            throw Error(path + ": tensor '" + name + "' has a malformed entry (" + e.what() + ")");
        }
    }
    return tensors;
}

void save_model(const std::string& path, const Network<float>& net, const ModelInfo& info) {
    std::map<std::string, Tensor> tensors;
    for (int l = 0; l < net.layers(); ++l) {
        tensors[ParamLayout::weight_name(l)] = tensor_of(net.weight(net.params, l));
        if (const float* b = net.bias(net.params, l))
            tensors[ParamLayout::bias_name(l)] = vector_tensor(b, net.layout().layers[l].out);
    }
    const int D = net.architecture().inputs;
    if (!info.normalizer.mean.empty()) {
        tensors["normalize.mean"] = vector_tensor(info.normalizer.mean.data(), D);
        tensors["normalize.inv_std"] = vector_tensor(info.normalizer.inv_std.data(), D);
    }
    const Architecture& arch = net.architecture();
    std::map<std::string, std::string> meta;
    meta["format"] = "mlp-model-1";
    meta["inputs"] = std::to_string(arch.inputs);
    meta["hidden"] = json(arch.hidden).dump();
    meta["classes"] = std::to_string(arch.classes);
    meta["activation"] = activation_name(arch.activation.kind);
    meta["leaky_slope"] = json(arch.activation.slope).dump();
    meta["bias"] = bias_mode_name(arch.bias);
    meta["normalize"] = normalize_name(info.normalizer.mode);
    meta["class_names"] = json(info.class_names).dump();
    meta["image_shape"] = json(info.image_shape).dump();
    write_safetensors(path, tensors, meta);
}

std::unique_ptr<Network<float>> load_model(const std::string& path, ModelInfo* info) {
    std::map<std::string, std::string> meta;
    const auto tensors = read_safetensors(path, &meta);
    require(meta["format"] == "mlp-model-1", path + ": not an mlp model file (metadata format is '" +
                                                 meta["format"] + "', expected 'mlp-model-1')");
    // A missing key is named; the catch below reports values that do not parse.
    for (const char* key : {"inputs", "hidden", "classes", "activation", "leaky_slope", "bias"})
        require(meta.count(key), path + ": __metadata__ key '" + key +
                                     "' is missing, expected the architecture that mlp train records");
    Architecture arch;
    try {
        arch.inputs = std::stoi(meta.at("inputs"));
        arch.hidden = json::parse(meta.at("hidden")).get<std::vector<int>>();
        arch.classes = std::stoi(meta.at("classes"));
        arch.activation.kind = parse_activation(meta.at("activation"));
        arch.activation.slope = json::parse(meta.at("leaky_slope")).get<double>();
        arch.bias = parse_bias_mode(meta.at("bias"));
        if (info) {
            info->normalizer.mode = parse_normalize(meta.at("normalize"));
            info->class_names = json::parse(meta.at("class_names")).get<std::vector<std::string>>();
            info->image_shape = json::parse(meta.at("image_shape")).get<std::array<int, 3>>();
        }
    } catch (const std::exception& e) {
        throw Error(path + ": model metadata is incomplete or malformed (" + e.what() + ")");
    }
    validate(arch);
    auto net = std::make_unique<Network<float>>(arch);
    load_weights(path, *net);
    if (info) {
        info->normalizer.mean = find(tensors, "normalize.mean", path, {arch.inputs}).values;
        info->normalizer.inv_std = find(tensors, "normalize.inv_std", path, {arch.inputs}).values;
    }
    return net;
}

void load_weights(const std::string& path, Network<float>& net) {
    const auto tensors = read_safetensors(path, nullptr);
    for (int l = 0; l < net.layers(); ++l) {
        const auto& layer = net.layout().layers[l];
        const Tensor& W = find(tensors, ParamLayout::weight_name(l), path, {layer.in, layer.out});
        std::memcpy(net.weight(net.params, l).data, W.values.data(), W.values.size() * sizeof(float));
        if (float* b = net.bias(net.params, l)) {
            const Tensor& bias = find(tensors, ParamLayout::bias_name(l), path, {layer.out});
            std::memcpy(b, bias.values.data(), bias.values.size() * sizeof(float));
        }
    }
}

}  // namespace mlp
