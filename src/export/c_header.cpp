// C99 export: one header holding the weights as static const arrays and mlp_predict(), a
// plain-loop forward pass over one row. Floats are written as shortest round-trip literals,
// so the header's numbers are the model's bit for bit. Does not compile or run the header
// (tests/unit/export_test.cpp does).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

#include "mlp/export.hpp"

namespace mlp {
namespace {

// A C float literal that reads back as exactly v: "0.25f", "1.0f", "-3.5e-08f".
std::string float_literal(float v) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    std::string text(buffer, result.ptr);
    if (text.find_first_of(".e") == std::string::npos) text += ".0";  // "1f" is not C
    return text + "f";
}

// A C string literal; quotes, backslashes, '?' (trigraphs) and control bytes escaped.
std::string string_literal(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\' || c == '?') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
            const char octal[] = {'\\', char('0' + (c >> 6)), char('0' + ((c >> 3) & 7)), char('0' + (c & 7)), 0};
            out += octal;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

// Text that may sit inside a /* */ comment: no comment end, no nested comment start.
std::string comment_safe(std::string text) {
    for (const char* mark : {"*/", "/*"})
        for (std::size_t at; (at = text.find(mark)) != std::string::npos;) text.replace(at, 2, {mark[0], ' ', mark[1]});
    return text;
}

// "static const <type> <name>[<count>] = { ... };", eight values a line.
template <class T, class Format>
void write_array(std::string& out, const char* type, const std::string& name, const std::vector<T>& values,
                 Format format) {
    out += "static const " + std::string(type) + " " + name + "[" + std::to_string(values.size()) + "] = {";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out += i % 8 == 0 ? "\n    " : " ";
        out += format(values[i]);
        if (i + 1 < values.size()) out += ",";
    }
    out += "\n};\n";
}
void write_floats(std::string& out, const std::string& name, const std::vector<float>& values) {
    write_array(out, "float", name, values, float_literal);
}

// W (in, out) as int8 with one scale per output unit j: W_ij ≈ q_ij · scale_j,
// scale_j = max_i |W_ij| / 127, q_ij = round(W_ij / scale_j).
struct QuantizedWeights {
    std::vector<std::int8_t> q;
    std::vector<float> scale;
};
QuantizedWeights quantize(ConstView<float> W) {
    QuantizedWeights r{std::vector<std::int8_t>(std::size_t(W.rows) * W.cols), std::vector<float>(W.cols, 0.0f)};
    for (int i = 0; i < W.rows; ++i)
        for (int j = 0; j < W.cols; ++j) r.scale[j] = std::max(r.scale[j], std::abs(W(i, j)) / 127.0f);
    for (int i = 0; i < W.rows; ++i)
        for (int j = 0; j < W.cols; ++j)
            r.q[std::size_t(i) * W.cols + j] =
                static_cast<std::int8_t>(r.scale[j] > 0.0f ? std::lround(W(i, j) / r.scale[j]) : 0);
    return r;
}

std::vector<float> rows_of(ConstView<float> view) {
    std::vector<float> values;
    for (int i = 0; i < view.rows; ++i) values.insert(values.end(), view.row(i), view.row(i) + view.cols);
    return values;
}

// The body of mlp_activation(z), with the float kernels' constants (pointwise_of).
std::string activation_expression(const Activation& activation) {
    const Pointwise p = pointwise_of(activation);
    switch (p.kind) {
        case PointwiseKind::identity: return "z";
        case PointwiseKind::sigmoid: return "1.0f / (1.0f + expf(-z))";
        case PointwiseKind::relu: return "z > 0.0f ? z : 0.0f";
        case PointwiseKind::leaky_relu: return "z > 0.0f ? z : " + float_literal(p.slope) + " * z";
        case PointwiseKind::tanh:
            if (p.outer == 1.0f && p.inner == 1.0f) return "tanhf(z)";
            return float_literal(p.outer) + " * tanhf(" + float_literal(p.inner) + " * z)";
    }
    return "z";
}

const char* kDense = R"(/* y = x·W + b for one row: x (in), W (in, out) row-major, b (out) or 0 (no bias). */
static inline void mlp_dense(const float* x, const float* W, const float* b, int in, int out, float* y) {
    int i, j;
    for (j = 0; j < out; ++j) y[j] = b ? b[j] : 0.0f;
    for (i = 0; i < in; ++i) {
        const float xi = x[i];
        const float* w = W + (long)i * out;
        for (j = 0; j < out; ++j) y[j] += xi * w[j];
    }
}
)";

const char* kDenseInt8 = R"(/* y = (x·Q) ⊙ scale + b for one row: Q (in, out) int8 row-major, scale (out), b (out) or 0. */
static inline void mlp_dense(const float* x, const signed char* Q, const float* scale, const float* b, int in,
                             int out, float* y) {
    int i, j;
    for (j = 0; j < out; ++j) y[j] = 0.0f;
    for (i = 0; i < in; ++i) {
        const float xi = x[i];
        const signed char* q = Q + (long)i * out;
        for (j = 0; j < out; ++j) y[j] += xi * (float)q[j];
    }
    for (j = 0; j < out; ++j) y[j] = y[j] * scale[j] + (b ? b[j] : 0.0f);
}
)";

}  // namespace

std::string c_header(const Network<float>& net, const ModelInfo& info, const CHeaderOptions& options) {
    const Architecture& arch = net.architecture();
    const int D = arch.inputs, K = arch.classes, L = net.layers();
    int max_width = D;
    for (int width : arch.hidden) max_width = std::max(max_width, width);
    std::string shape = std::to_string(D);
    for (int width : arch.hidden) shape += "-" + std::to_string(width);
    shape += "-" + std::to_string(K);

    std::string out;
    out += "/* A " + shape + " network (" + activation_name(arch.activation.kind) + " hidden units, " +
           bias_mode_name(arch.bias) + " biases" + (options.int8_weights ? ", int8 weights" : "") +
           ") exported by `mlp export` from " + comment_safe(options.source) + ".\n";
    out += R"(   Self-contained C99; include it where it is used and link with -lm:
       float probs[MLP_CLASSES];
       mlp_predict(x, probs);
   x: MLP_INPUTS raw features, as the data file holds them (e.g. pixels 0-255).
   mlp_predict normalises x with the training split's statistics, runs the layers and the
   softmax. It allocates nothing: two rows of MLP_MAX_WIDTH floats on the stack. */
#ifndef MLP_MODEL_H
#define MLP_MODEL_H

#include <math.h>

)";
    out += "#define MLP_INPUTS " + std::to_string(D) + "\n";
    out += "#define MLP_CLASSES " + std::to_string(K) + "\n";
    out += "#define MLP_MAX_WIDTH " + std::to_string(max_width) + " /* the widest layer input */\n\n";

    std::vector<std::string> names = info.class_names;
    if (static_cast<int>(names.size()) != K) {
        names.clear();
        for (int k = 0; k < K; ++k) names.push_back(std::to_string(k));
    }
    write_array(out, "char* const", "mlp_class_names", names, string_literal);
    out += "\n/* Normalisation (" + normalize_name(info.normalizer.mode) +
           "), fitted on the training split: x' = (x - mean) * inv_std. */\n";
    write_floats(out, "mlp_mean", info.normalizer.mean);
    write_floats(out, "mlp_inv_std", info.normalizer.inv_std);

    std::vector<std::string> calls;  // one mlp_dense(...) per layer
    for (int l = 0; l < L; ++l) {
        const LayerLayout& layer = net.layout().layers[l];
        const std::string W = "mlp_" + ParamLayout::weight_name(l), b = "mlp_" + ParamLayout::bias_name(l);
        const std::string in = std::to_string(layer.in), n_out = std::to_string(layer.out);
        const float* bias = net.bias(net.params, l);
        out += "\n/* Layer " + std::to_string(l + 1) + ": " + W.substr(4) + " (" + in + ", " + n_out + ") row-major, " +
               W.substr(4) + "[i * " + n_out + " + j] joins input i to unit j" +
               (options.int8_weights ? " (as int8 times " + W.substr(4) + "_scale[j])" : "") +
               (bias ? "; " + b.substr(4) + " (" + n_out + ")" : "; no bias") + ". */\n";
        std::string weights = W;
        if (options.int8_weights) {
            const QuantizedWeights qw = quantize(net.weight(net.params, l));
            write_array(out, "signed char", W, qw.q, [](std::int8_t v) { return std::to_string(int(v)); });
            write_floats(out, W + "_scale", qw.scale);
            weights += ", " + W + "_scale";
        } else {
            write_floats(out, W, rows_of(net.weight(net.params, l)));
        }
        if (bias) write_floats(out, b, std::vector<float>(bias, bias + layer.out));
        const char* from = l % 2 == 0 ? "a" : "b";
        const char* to = l + 1 == L ? "probs" : l % 2 == 0 ? "b" : "a";
        calls.push_back("    mlp_dense(" + std::string(from) + ", " + weights + ", " + (bias ? b : "0") + ", " + in +
                        ", " + n_out + ", " + to + ");\n");
        if (l + 1 < L)
            calls.back() += "    for (i = 0; i < " + n_out + "; ++i) " + to + "[i] = mlp_activation(" + to + "[i]);\n";
    }

    out += "\n";
    out += options.int8_weights ? kDenseInt8 : kDense;
    out += "\n/* The hidden units' activation: " + activation_name(arch.activation.kind) + ". */\n";
    out += "static inline float mlp_activation(float z) { return " + activation_expression(arch.activation) + "; }\n";
    out += R"(
/* probs (MLP_CLASSES): the class probabilities of one raw row x (MLP_INPUTS). */
static inline void mlp_predict(const float* x, float* probs) {
)";
    out += L > 1 ? "    float a[MLP_MAX_WIDTH], b[MLP_MAX_WIDTH];\n" : "    float a[MLP_MAX_WIDTH];\n";
    out += R"(    float max, sum;
    int i;
    for (i = 0; i < MLP_INPUTS; ++i) a[i] = (x[i] - mlp_mean[i]) * mlp_inv_std[i];
)";
    for (const std::string& call : calls) out += call;
    out += R"(    /* softmax, shifted by the largest logit so that expf cannot overflow */
    max = probs[0];
    for (i = 1; i < MLP_CLASSES; ++i)
        if (probs[i] > max) max = probs[i];
    sum = 0.0f;
    for (i = 0; i < MLP_CLASSES; ++i) {
        probs[i] = expf(probs[i] - max);
        sum += probs[i];
    }
    for (i = 0; i < MLP_CLASSES; ++i) probs[i] /= sum;
}

/* The name of class k (0 <= k < MLP_CLASSES), as the training data named it. */
static inline const char* mlp_class_name(int k) { return k >= 0 && k < MLP_CLASSES ? mlp_class_names[k] : 0; }

#endif /* MLP_MODEL_H */
)";
    return out;
}

}  // namespace mlp
