// Normalisation statistics and batch gathering (uint8 → normalised float per batch).
#include "mlp/dataset.hpp"

#include <algorithm>
#include <cmath>

#include "mlp/error.hpp"
#include "mlp/pointwise.hpp"

namespace mlp {

NormalizeMode parse_normalize(const std::string& name) { return parse_named(kNormalizeNames, name, "normalization"); }

std::string normalize_name(NormalizeMode mode) { return name_of(kNormalizeNames, mode); }

Normalizer Normalizer::fit(NormalizeMode mode, const Subset& train) {
    const Dataset& data = *train.data;
    const int D = data.features;
    Normalizer norm;
    norm.mode = mode;
    norm.mean.assign(D, 0.0f);
    norm.inv_std.assign(D, 1.0f);
    if (mode == NormalizeMode::none) return norm;
    if (mode == NormalizeMode::scale255) {
        norm.inv_std.assign(D, 1.0f / 255.0f);
        return norm;
    }
    if (mode == NormalizeMode::centered255) {  // (x/255 − 0.5)/0.5 = (x − 127.5)/127.5
        norm.mean.assign(D, 127.5f);
        norm.inv_std.assign(D, 1.0f / 127.5f);
        return norm;
    }
    require(train.size() > 0, "normalization: the training split is empty");
    const int C = data.image_shape[0], plane = data.image_shape[1] * data.image_shape[2];
    if (mode == NormalizeMode::per_channel)
        require(C > 0 && C * plane == D, "data.normalize: per_channel needs image data (" + data.name +
                                             " has " + std::to_string(D) + " features and no image shape)");
    // Sums in double, rows in order: the same statistics on every run.
    std::vector<double> sum(D, 0.0), sum_sq(D, 0.0);
    auto add_row = [&](const auto* x) {
        for (int f = 0; f < D; ++f) {
            const double v = x[f];
            sum[f] += v;
            sum_sq[f] += v * v;
        }
    };
    for (int r : train.indices) {
        if (data.is_u8()) add_row(data.u8_values() + std::size_t(r) * D);
        else add_row(data.f32_values() + std::size_t(r) * D);
    }
    const double n = train.size();
    if (mode == NormalizeMode::global) {
        double total = 0.0, total_sq = 0.0;
        for (int f = 0; f < D; ++f) total += sum[f], total_sq += sum_sq[f];
        const double mean = total / (n * D);
        const double std = std::sqrt(std::max(total_sq / (n * D) - mean * mean, 0.0));
        norm.mean.assign(D, static_cast<float>(mean));
        norm.inv_std.assign(D, static_cast<float>(std > 0 ? 1.0 / std : 1.0));
        return norm;
    }
    if (mode == NormalizeMode::per_channel) {
        // Channel-major (CHW) features: channel c owns features [c·H·W, (c+1)·H·W).
        for (int c = 0; c < C; ++c) {
            double total = 0.0, total_sq = 0.0;
            for (int f = c * plane; f < (c + 1) * plane; ++f) total += sum[f], total_sq += sum_sq[f];
            const double mean = total / (n * plane);
            const double std = std::sqrt(std::max(total_sq / (n * plane) - mean * mean, 0.0));
            for (int f = c * plane; f < (c + 1) * plane; ++f) {
                norm.mean[f] = static_cast<float>(mean);
                norm.inv_std[f] = static_cast<float>(std > 0 ? 1.0 / std : 1.0);
            }
        }
        return norm;
    }
    for (int f = 0; f < D; ++f) {
        const double mean = sum[f] / n;
        norm.mean[f] = static_cast<float>(mean);
        if (mode == NormalizeMode::mean_image) continue;  // inv_std stays 1
        const double std = std::sqrt(std::max(sum_sq[f] / n - mean * mean, 0.0));
        // Constant features (MNIST's border pixels) are centred but not scaled.
        norm.inv_std[f] = static_cast<float>(std > 1e-6 ? 1.0 / std : 1.0);
    }
    return norm;
}

void prefetch_batch(const Subset& subset, const int* order, int B) {
    const Dataset& data = *subset.data;
    const std::size_t bytes = std::size_t(data.features) * (data.is_u8() ? 1 : sizeof(float));
    const char* base = data.is_u8() ? reinterpret_cast<const char*>(data.u8_values())
                                    : reinterpret_cast<const char*>(data.f32_values());
    for (int i = 0; i < B; ++i) {
        const char* row = base + std::size_t(subset.indices[order[i]]) * bytes;
        for (std::size_t f = 0; f < bytes; f += 64) __builtin_prefetch(row + f);
        __builtin_prefetch(row + bytes - 1);
    }
}

namespace {

// gather_batch with every row moved by its draw; the prefetching of the plain path does not
// pay here, where each row costs several times more arithmetic.
void gather_augmented(const Subset& subset, const int* order, int B, const Normalizer& norm, MatrixView<float> X,
                      int* labels, const AugmentStream& augment) {
    const Dataset& data = *subset.data;
    const std::size_t D = data.features;
    const float *mean = norm.mean.data(), *scale = norm.inv_std.data();
    for (int i = 0; i < B; ++i) {
        const int r = subset.indices[order[i]];
        const AugmentDraw d = augment.draw(i);
        if (data.is_u8()) augment_bytes(data.u8_values() + r * D, data.image_shape, d, mean, scale, X.row(i));
        else augment_floats(data.f32_values() + r * D, data.image_shape, d, mean, scale, X.row(i));
        if (labels) labels[i] = data.labels[r];
    }
}

}  // namespace

void gather_batch(const Subset& subset, const int* order, int B, const Normalizer& norm, MatrixView<float> X,
                  int* labels, const AugmentStream* augment) {
    if (augment && augment->settings.active()) return gather_augmented(subset, order, B, norm, X, labels, *augment);
    const Dataset& data = *subset.data;
    const int D = data.features;
    const float* mean = norm.mean.data();
    const float* scale = norm.inv_std.data();
    // Rows come from random places in the dataset, each a cache miss per 64 bytes: keep
    // kAhead rows of requests in flight (every line of row i + kAhead while row i converts).
    constexpr int kAhead = 16;
    auto prefetch_row = [&](int i) {
        const std::uint8_t* row = data.u8_values() + std::size_t(subset.indices[order[i]]) * D;
        for (int f = 0; f < D; f += 64) __builtin_prefetch(row + f);
        __builtin_prefetch(row + D - 1);
    };
    if (data.is_u8())
        for (int i = 0; i < std::min(kAhead, B); ++i) prefetch_row(i);
    for (int i = 0; i < B; ++i) {
        const int r = subset.indices[order[i]];
        float* x = X.row(i);
        if (data.is_u8()) {
            if (i + kAhead < B) prefetch_row(i + kAhead);
            normalize_bytes(data.u8_values() + std::size_t(r) * D, mean, scale, x, D);
        } else {
            const float* src = data.f32_values() + std::size_t(r) * D;
            for (int f = 0; f < D; ++f) x[f] = (src[f] - mean[f]) * scale[f];
        }
        if (labels) labels[i] = data.labels[r];
    }
}

}  // namespace mlp
