// What both exporters share: the format names and the check that a model's numbers are finite.
#include <cmath>

#include "mlp/export.hpp"

namespace mlp {
namespace {

// values[0, count) are the tensor's elements from flat index `first` on.
void require_finite(const float* values, std::size_t count, const std::string& source, const std::string& tensor,
                    std::size_t first = 0) {
    for (std::size_t i = 0; i < count; ++i)
        require(std::isfinite(values[i]), source + ": tensor '" + tensor + "' holds " + std::to_string(values[i]) +
                                              " at index " + std::to_string(first + i) + ", expected finite values");
}

}  // namespace

ExportFormat parse_export_format(const std::string& name) {
    return parse_named(kExportFormatNames, name, "export format");
}

void require_finite_model(const Network<float>& net, const ModelInfo& info, const std::string& source) {
    for (int l = 0; l < net.layers(); ++l) {
        const ConstView<float> W = net.weight(net.params, l);
        for (int i = 0; i < W.rows; ++i)
            require_finite(W.row(i), std::size_t(W.cols), source, ParamLayout::weight_name(l), std::size_t(i) * W.cols);
        if (const float* b = net.bias(net.params, l))
            require_finite(b, std::size_t(net.layout().layers[l].out), source, ParamLayout::bias_name(l));
    }
    require_finite(info.normalizer.mean.data(), info.normalizer.mean.size(), source, "normalize.mean");
    require_finite(info.normalizer.inv_std.data(), info.normalizer.inv_std.size(), source, "normalize.inv_std");
}

}  // namespace mlp
