// Finite-difference gradient check. Entries whose ±h step flips the sign of any hidden
// pre-activation are skipped: at a ReLU kink the derivative is undefined. The analytic
// side is what a training step uses: the network's gradients plus L2 as the optimizer
// applies it (regularization.hpp), and with dropout the masks of one frozen step.
#include "mlp/gradcheck.hpp"

#include <cmath>
#include <cstring>
#include <utility>

#include "mlp/regularization.hpp"
#include "mlp/rng.hpp"

namespace mlp {
namespace {

template <class T>
void copy_params(const Network<float>& from, Network<T>& to) {
    for (std::size_t i = 0; i < from.params.size(); ++i) to.params[i] = static_cast<T>(from.params[i]);
}

template <class T>
void load_batch(Workspace<T>& ws, ConstView<float> X, const int* labels) {
    for (int i = 0; i < X.rows; ++i) {
        for (int j = 0; j < X.cols; ++j) ws.input(i, j) = static_cast<T>(X(i, j));
        ws.labels[i] = labels[i];
    }
}

// λ·Σ‖W_l‖² over the weight tensors, and λ·Σ‖b_l‖² over the biases with `biases`.
double weights_penalty(const Network<double>& net, double lambda, bool biases) {
    double sum = 0.0;
    for (int l = 0; l < net.layers(); ++l) {
        const LayerLayout& layer = net.layout().layers[l];
        const ConstView<double> W = net.weight(net.params, l);
        sum += l2_penalty(W.data, W.size(), lambda);
        if (biases && layer.has_bias) sum += l2_penalty(net.params.data() + layer.b_offset, layer.out, lambda);
    }
    return sum;
}

// The gradient the optimizer steps along: each weight's g + decay·w, and each bias's with
// `biases` (else as it is).
template <class T>
void add_weight_decay(Network<T>& net, T decay, bool biases) {
    auto decay_range = [&](std::size_t offset, std::size_t n) {
        for (std::size_t i = offset; i < offset + n; ++i) net.grads[i] = l2_gradient(net.grads[i], net.params[i], decay);
    };
    for (const LayerLayout& layer : net.layout().layers) {
        decay_range(layer.w_offset, std::size_t(layer.in) * layer.out);
        if (biases && layer.has_bias) decay_range(layer.b_offset, layer.out);
    }
}

// Signs of every hidden pre-activation after the last forward pass, folded into a hash.
std::uint64_t kink_signature(const Network<double>& net, const Workspace<double>& ws, int B) {
    std::uint64_t h = 1469598103934665603ULL;
    for (int l = 0; l + 1 < net.layers(); ++l)
        for (int i = 0; i < B; ++i)
            for (int j = 0; j < ws.Z[l].cols; ++j) h = (h ^ (ws.Z[l](i, j) > 0)) * 1099511628211ULL;
    return h;
}

struct TensorRef {
    std::string name;
    std::size_t offset, size;
};

std::vector<TensorRef> tensors_of(const ParamLayout& layout) {
    std::vector<TensorRef> refs;
    for (std::size_t l = 0; l < layout.layers.size(); ++l) {
        const auto& layer = layout.layers[l];
        refs.push_back({ParamLayout::weight_name(int(l)), layer.w_offset, std::size_t(layer.in) * layer.out});
        if (layer.has_bias) refs.push_back({ParamLayout::bias_name(int(l)), layer.b_offset, std::size_t(layer.out)});
    }
    return refs;
}

}  // namespace

std::vector<GradcheckRow> gradcheck(const Context& ctx, const Network<float>& net, ConstView<float> X, const int* labels,
                                    const GradcheckSettings& settings) {
    const int B = X.rows;
    Network<double> dnet(net.architecture());
    copy_params(net, dnet);
    Workspace<double> dws(dnet.layout(), B);
    load_batch(dws, X, labels);
    // With dropout, every pass below draws the masks of the same step: a frozen mask.
    const DropoutStream frozen = DropoutStream::of_seed(settings.seed, 1);
    const DropoutStream* masks = net.has_dropout() ? &frozen : nullptr;
    dnet.forward_backward(ctx, dws, B, 0, {}, masks, nullptr, settings.label_smoothing);
    add_weight_decay(dnet, 2.0 * settings.l2, settings.l2_biases);

    Network<float> fnet(net.architecture());
    fnet.params.copy_from(net.params);
    Workspace<float> fws(fnet.layout(), B);
    load_batch(fws, X, labels);
    fnet.forward_backward(ctx, fws, B, 0, {}, masks, nullptr, settings.label_smoothing);
    add_weight_decay(fnet, l2_decay(settings.l2), settings.l2_biases);
    for (const TensorRef& t : tensors_of(net.layout())) {
        dnet.grads[t.offset] += settings.analytic_error;
        fnet.grads[t.offset] += static_cast<float>(settings.analytic_error);
    }

    const bool kinked = net.architecture().activation.kind == ActivationKind::relu ||
                        net.architecture().activation.kind == ActivationKind::leaky_relu;
    auto objective = [&](std::uint64_t* signature) {
        const ConstView<double> logits = dnet.forward(ctx, dws, B, 0, masks);
        const double loss =
            softmax_cross_entropy<double>(logits, dws.labels.data(), MatrixView<double>(), 0, settings.label_smoothing).loss +
                            weights_penalty(dnet, settings.l2, settings.l2_biases);
        if (signature) *signature = kink_signature(dnet, dws, B);
        return loss;
    };
    std::uint64_t base_signature = 0;
    objective(&base_signature);

    Rng rng = Rng::for_purpose(settings.seed, "gradcheck");
    std::vector<GradcheckRow> rows;
    for (const TensorRef& t : tensors_of(net.layout())) {
        GradcheckRow row;
        row.tensor = t.name;
        double max_numeric = 0.0, max_diff_double = 0.0, max_diff_float = 0.0;
        const bool all = settings.samples_per_tensor <= 0 || t.size <= std::size_t(settings.samples_per_tensor);
        const std::size_t count = all ? t.size : std::size_t(settings.samples_per_tensor);
        for (std::size_t s = 0; s < count; ++s) {
            const std::size_t i = t.offset + (all ? s : rng.below(t.size));
            const double w = dnet.params[i];
            std::uint64_t sig_plus = 0, sig_minus = 0;
            dnet.params[i] = w + settings.step;
            const double f_plus = objective(&sig_plus);
            dnet.params[i] = w - settings.step;
            const double f_minus = objective(&sig_minus);
            dnet.params[i] = w;
            if (kinked && (sig_plus != base_signature || sig_minus != base_signature)) {
                ++row.skipped;
                continue;
            }
            const double numeric = (f_plus - f_minus) / (2 * settings.step);
            max_numeric = std::max(max_numeric, std::abs(numeric));
            max_diff_double = std::max(max_diff_double, std::abs(dnet.grads[i] - numeric));
            max_diff_float = std::max(max_diff_float, std::abs(double(fnet.grads[i]) - numeric));
            ++row.checked;
        }
        // Relative to the tensor's largest gradient; absolute when that is ~0 (a dead unit).
        const double scale = max_numeric > 1e-12 ? max_numeric : 1.0;
        row.error_double = max_diff_double / scale;
        row.error_float = max_diff_float / scale;
        row.passed = row.checked > 0 && row.error_double <= settings.tolerance_double &&
                     row.error_float <= settings.tolerance_float;
        rows.push_back(row);
    }
    return rows;
}

}  // namespace mlp
