// ONNX export: the model as an onnx.ModelProto written field by field with ProtoWriter.
// Field numbers are those of onnx/onnx.proto (ONNX 1.12); only the messages a dense
// classifier needs are written. Does not read ONNX files.
#include <nlohmann/json.hpp>
#include <vector>

#include "mlp/export.hpp"
#include "protobuf_writer.hpp"

namespace mlp {
namespace {

// onnx.proto enums and versions.
constexpr int kFloat = 1;                    // TensorProto.DataType.FLOAT
constexpr int kAttributeFloat = 1;           // AttributeProto.AttributeType.FLOAT
constexpr int kAttributeInt = 2;             // AttributeProto.AttributeType.INT
constexpr std::uint64_t kIrVersion = 7;      // ONNX 1.7
constexpr std::uint64_t kOpsetVersion = 13;  // Softmax over the last axis, Gemm's C optional

struct Attribute {
    std::string name;
    int type = kAttributeInt;
    float f = 0.0f;
    std::int64_t i = 0;
};

// The graph under construction: nodes and initializers in the order they are added.
class GraphBuilder {
public:
    // A node with one output. NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.
    void node(const std::string& op, const std::vector<std::string>& inputs, const std::string& output,
              const std::vector<Attribute>& attributes = {}) {
        ProtoWriter n;
        for (const auto& input : inputs) n.bytes_field(1, input);
        n.bytes_field(2, output);
        n.bytes_field(3, output + "_" + op);
        n.bytes_field(4, op);
        for (const Attribute& a : attributes) {
            ProtoWriter attribute;  // AttributeProto: name 1, f 2, i 3, type 20
            attribute.bytes_field(1, a.name);
            if (a.type == kAttributeFloat) attribute.float_field(2, a.f);
            else attribute.varint_field(3, std::uint64_t(a.i));
            attribute.varint_field(20, std::uint64_t(a.type));
            n.message_field(5, attribute);
        }
        graph_.message_field(1, n);  // GraphProto.node
    }

    // A float tensor stored in the graph. TensorProto: dims 1, data_type 2, name 8, raw_data 9.
    void initializer(const std::string& name, const std::vector<int>& dims, const float* values, std::size_t count) {
        ProtoWriter t;
        for (int d : dims) t.varint_field(1, std::uint64_t(d));
        t.varint_field(2, kFloat);
        t.bytes_field(8, name);
        t.bytes_field(9, std::string_view(reinterpret_cast<const char*>(values), count * sizeof(float)));
        graph_.message_field(5, t);  // GraphProto.initializer
    }
    void scalar(const std::string& name, float value) { initializer(name, {}, &value, 1); }

    // ValueInfoProto of a float matrix (batch, columns) with a symbolic batch dimension:
    // name 1, type 2 → TypeProto.tensor_type 1 → {elem_type 1, shape 2 → dim 1 → {dim_value 1, dim_param 2}}.
    void matrix_value(int field, const std::string& name, const std::string& batch, int columns) {
        ProtoWriter rows, cols, shape, tensor, type, value;
        rows.bytes_field(2, batch);
        cols.varint_field(1, std::uint64_t(columns));
        shape.message_field(1, rows);
        shape.message_field(1, cols);
        tensor.varint_field(1, kFloat);
        tensor.message_field(2, shape);
        type.message_field(1, tensor);
        value.bytes_field(1, name);
        value.message_field(2, type);
        graph_.message_field(field, value);
    }
    void input(const std::string& name, int columns) { matrix_value(11, name, "N", columns); }
    void output(const std::string& name, int columns) { matrix_value(12, name, "N", columns); }

    ProtoWriter& proto() { return graph_; }

private:
    ProtoWriter graph_;
};

bool is_identity(const Normalizer& norm) {
    for (std::size_t f = 0; f < norm.mean.size(); ++f)
        if (norm.mean[f] != 0.0f || norm.inv_std[f] != 1.0f) return false;
    return true;
}

// The activation after a hidden layer: from `z` to `a`. Its constants are those of the
// float kernels (pointwise_of), so both compute the same function.
void add_activation(GraphBuilder& g, const Activation& activation, const std::string& z, const std::string& a) {
    const Pointwise p = pointwise_of(activation);
    switch (p.kind) {
        case PointwiseKind::identity: g.node("Identity", {z}, a); return;
        case PointwiseKind::sigmoid: g.node("Sigmoid", {z}, a); return;
        case PointwiseKind::relu: g.node("Relu", {z}, a); return;
        case PointwiseKind::leaky_relu:
            g.node("LeakyRelu", {z}, a, {Attribute{"alpha", kAttributeFloat, p.slope, 0}});
            return;
        case PointwiseKind::tanh:
            if (p.outer == 1.0f && p.inner == 1.0f) {
                g.node("Tanh", {z}, a);
                return;
            }
            g.node("Mul", {z, "tanh_inner"}, a + "_scaled");  // outer · tanh(inner · z)
            g.node("Tanh", {a + "_scaled"}, a + "_tanh");
            g.node("Mul", {a + "_tanh", "tanh_outer"}, a);
            return;
    }
}

std::vector<float> rows_of(ConstView<float> view) {
    std::vector<float> values;
    values.reserve(std::size_t(view.rows) * view.cols);
    for (int i = 0; i < view.rows; ++i) values.insert(values.end(), view.row(i), view.row(i) + view.cols);
    return values;
}

ProtoWriter metadata_entry(const std::string& key, const std::string& value) {
    ProtoWriter entry;  // StringStringEntryProto: key 1, value 2
    entry.bytes_field(1, key);
    entry.bytes_field(2, value);
    return entry;
}

}  // namespace

std::string onnx_model(const Network<float>& net, const ModelInfo& info, const std::string& source) {
    const Architecture& arch = net.architecture();
    const int D = arch.inputs, K = arch.classes, L = net.layers();
    GraphBuilder g;
    g.input("x", D);
    std::string h = "x";
    if (!is_identity(info.normalizer)) {  // x' = (x − mean) · inv_std, per feature
        g.initializer("normalize.mean", {D}, info.normalizer.mean.data(), D);
        g.initializer("normalize.inv_std", {D}, info.normalizer.inv_std.data(), D);
        g.node("Sub", {"x", "normalize.mean"}, "x_centered");
        g.node("Mul", {"x_centered", "normalize.inv_std"}, "x_normalized");
        h = "x_normalized";
    }
    const Pointwise p = pointwise_of(arch.activation);
    if (L > 1 && p.kind == PointwiseKind::tanh && (p.outer != 1.0f || p.inner != 1.0f)) {
        g.scalar("tanh_inner", p.inner);
        g.scalar("tanh_outer", p.outer);
    }
    for (int l = 0; l < L; ++l) {
        const LayerLayout& layer = net.layout().layers[l];
        const std::string W = ParamLayout::weight_name(l), b = ParamLayout::bias_name(l);
        const std::vector<float> weights = rows_of(net.weight(net.params, l));  // (in, out)
        g.initializer(W, {layer.in, layer.out}, weights.data(), weights.size());
        std::vector<std::string> inputs{h, W};
        if (const float* bias = net.bias(net.params, l)) {
            g.initializer(b, {layer.out}, bias, std::size_t(layer.out));
            inputs.push_back(b);
        }
        const bool last = l + 1 == L;
        const std::string z = last ? "logits" : "z" + std::to_string(l + 1);
        g.node("Gemm", inputs, z);  // z = h·W + b: (N, in)·(in, out) + (out)
        if (last) break;
        h = "a" + std::to_string(l + 1);
        add_activation(g, arch.activation, z, h);
    }
    g.node("Softmax", {"logits"}, "probabilities", {Attribute{"axis", kAttributeInt, 0.0f, 1}});
    g.output("probabilities", K);
    g.proto().bytes_field(2, "mlp");  // GraphProto.name

    ProtoWriter opset;  // OperatorSetIdProto: domain 1 (empty: the default domain), version 2
    opset.bytes_field(1, "");
    opset.varint_field(2, kOpsetVersion);
    std::string shape = std::to_string(D);
    for (int width : arch.hidden) shape += "-" + std::to_string(width);
    shape += "-" + std::to_string(K);
    ProtoWriter model;  // ModelProto
    model.varint_field(1, kIrVersion);
    model.bytes_field(2, "mlp");                                          // producer_name
    model.bytes_field(3, "mlp-model-1");                                  // producer_version
    model.bytes_field(6, "mlp export of " + source + ": " + shape + " " +  // doc_string
                             activation_name(arch.activation.kind) + ", raw rows in, probabilities out");
    model.message_field(7, g.proto());  // graph
    model.message_field(8, opset);      // opset_import
    model.message_field(14, metadata_entry("class_names", nlohmann::json(info.class_names).dump()));
    model.message_field(14, metadata_entry("normalize", normalize_name(info.normalizer.mode)));
    model.message_field(14, metadata_entry("activation", activation_name(arch.activation.kind)));
    model.message_field(14, metadata_entry("bias", bias_mode_name(arch.bias)));
    return model.bytes();
}

}  // namespace mlp
