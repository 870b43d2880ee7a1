// Exporters: a trained model (its Network and ModelInfo) as an ONNX graph or as one
// self-contained C99 header, so it runs without mlp. Both take raw feature rows as the data
// file holds them, apply the model's saved normalisation themselves and end in the softmax:
// the same probabilities as `mlp predict`. They return the file's bytes and write nothing;
// the caller writes them (atomically: cli/export_command.cpp).
#pragma once
#include <string>

#include "mlp/names.hpp"
#include "mlp/safetensors.hpp"

namespace mlp {

enum class ExportFormat { onnx, c };
inline constexpr NamedValue<ExportFormat> kExportFormatNames[] = {
    {"onnx", ExportFormat::onnx},
    {"c", ExportFormat::c},
};
ExportFormat parse_export_format(const std::string& name);

// Throws Error naming the tensor when a weight, bias or normalisation value is NaN or Inf:
// such a model cannot be written as C literals and would give NaN probabilities anyway.
void require_finite_model(const Network<float>& net, const ModelInfo& info, const std::string& source);

// ONNX, IR version 7 and opset 13 (ONNX 1.7 or newer, onnxruntime 1.6 or newer load it):
// input "x" (N, D) float32 with a symbolic batch dimension N, output "probabilities" (N, K).
// Nodes: Sub and Mul (x − mean)·inv_std unless the normalisation is the identity, one Gemm
// per dense layer (C omitted where the bias trick leaves a layer without bias), the
// activation (Sigmoid, Tanh, Relu, LeakyRelu; improved_sigmoid as Mul, Tanh, Mul), Softmax.
// `source` goes into the model's doc string; class names, normalisation and architecture
// into metadata_props.
std::string onnx_model(const Network<float>& net, const ModelInfo& info, const std::string& source);

struct CHeaderOptions {
    // Weights as int8 with one float scale per output unit (symmetric: scale = max|W_:,j| / 127);
    // biases and normalisation stay float. About 4× smaller, slightly less accurate.
    bool int8_weights = false;
    std::string source;  // named in the header's opening comment
};

// One C99 header: weights as static const arrays and
//   static inline void mlp_predict(const float* x, float* probs)
// x: MLP_INPUTS raw features, probs: MLP_CLASSES probabilities. No allocation: two arrays of
// MLP_MAX_WIDTH floats on the stack. Needs <math.h> (link with -lm).
std::string c_header(const Network<float>& net, const ModelInfo& info, const CHeaderOptions& options);

}  // namespace mlp
