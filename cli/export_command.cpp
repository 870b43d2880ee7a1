// `mlp export`: a trained model as an ONNX file or a C99 header (src/export/). Reads the
// model file of a run directory, checks it, builds the whole output in memory and writes it
// atomically, so a failure leaves no partial file (and an older file at --out untouched).
#include <cstdio>

#include "commands.hpp"
#include "mlp/error.hpp"
#include "mlp/export.hpp"
#include "mlp/file.hpp"
#include "run_dir.hpp"

namespace mlp {

int export_command(const ExportOptions& options) {
    ExportFormat format;
    try {
        format = parse_export_format(options.format);
    } catch (const Error& e) {
        throw Error(std::string("--format: ") + e.what());
    }
    require(!options.int8_weights || format == ExportFormat::c,
            "--int8: int8 weights are a variant of the C header, expected --format c");
    const std::string model = model_path(options.run);
    require(file_exists(model), model + ": no model file, expected the model.safetensors of a finished run (mlp train)");
    ModelInfo info;
    const auto net = load_model(model, &info);
    require_finite_model(*net, info, model);
    const std::string bytes = format == ExportFormat::onnx
                                  ? onnx_model(*net, info, model)
                                  : c_header(*net, info, CHeaderOptions{options.int8_weights, model});
    write_file_atomic(options.out, bytes);
    std::printf("wrote %s (%s, %zu bytes)\n", options.out.c_str(), options.format.c_str(), bytes.size());
    return 0;
}

}  // namespace mlp
