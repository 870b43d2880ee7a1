// `mlp data info`: what a config's [data] section loads — shapes, rows per class and split,
// raw-value statistics, the fitted normalisation, and checksums of the files and of each split.
#include <cmath>
#include <cstdio>
#include <cstring>

#include "commands.hpp"
#include "config.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/split.hpp"

namespace mlp {
namespace {

struct Moments {
    double mean = 0.0, std = 0.0;
};

// Mean and standard deviation of the raw values of features [first, last) over a subset.
Moments moments(const Subset& subset, int first, int last) {
    const Dataset& d = *subset.data;
    double sum = 0.0, sum_sq = 0.0;
    for (int r : subset.indices)
        for (int f = first; f < last; ++f) {
            const double x = d.value(r, f);
            sum += x;
            sum_sq += x * x;
        }
    const double n = double(subset.size()) * (last - first);
    if (n == 0) return {};
    const double mean = sum / n;
    return {mean, std::sqrt(std::max(sum_sq / n - mean * mean, 0.0))};
}

// sha256 over the subset's rows as stored (uint8 or float32 bytes) followed by its labels
// as little-endian int32: changes when the data, the split or the order changes.
std::string content_sha256(const Subset& subset) {
    const Dataset& d = *subset.data;
    const std::size_t row_bytes = std::size_t(d.features) * (d.is_u8() ? 1 : sizeof(float));
    std::vector<std::uint8_t> bytes;
    bytes.reserve(subset.size() * (row_bytes + 4));
    for (int r : subset.indices) {
        const std::uint8_t* row = d.is_u8() ? d.u8.data() + std::size_t(r) * d.features
                                            : reinterpret_cast<const std::uint8_t*>(d.f32.data() +
                                                                                    std::size_t(r) * d.features);
        bytes.insert(bytes.end(), row, row + row_bytes);
    }
    for (int r : subset.indices) {
        const std::int32_t y = d.labels[r];
        std::uint8_t le[4];
        std::memcpy(le, &y, 4);
        bytes.insert(bytes.end(), le, le + 4);
    }
    return sha256_hex(bytes.data(), bytes.size());
}

}  // namespace

int data_info_command(const DataInfoOptions& options) {
    const Config config = load_config(options.config, options.overrides);
    const DataSplits data = load_data(config.data);
    const Dataset& train = *data.train_data;
    const auto& shape = train.image_shape;
    std::printf("config: %s\n", config.source.c_str());
    std::printf("dataset: %s\n", config.data.dataset.c_str());
    std::printf("features: %d (%s)%s\n", train.features, train.is_u8() ? "uint8" : "float32",
                shape[0] > 0 ? (", image " + std::to_string(shape[0]) + "x" + std::to_string(shape[1]) + "x" +
                                std::to_string(shape[2]) + " (channels x height x width)")
                                   .c_str()
                             : "");
    std::printf("classes: %d\n", train.classes);

    const std::pair<const char*, const Subset*> splits[] = {
        {"train", &data.train}, {"val", &data.validation}, {"test", &data.test}};
    std::printf("rows: train %d, val %d, test %d\n", data.train.size(), data.validation.size(), data.test.size());
    std::printf("%-16s %8s %8s %8s\n", "class", "train", "val", "test");
    std::vector<std::vector<int>> counts;
    for (const auto& [name, subset] : splits)
        counts.push_back(subset->size() ? class_counts(*subset) : std::vector<int>(train.classes, 0));
    for (int k = 0; k < train.classes; ++k)
        std::printf("%-16s %8d %8d %8d\n", train.class_names[k].c_str(), counts[0][k], counts[1][k], counts[2][k]);

    std::printf("raw values (mean, std):\n");
    for (const auto& [name, subset] : splits) {
        if (subset->size() == 0) continue;
        const Moments all = moments(*subset, 0, train.features);
        std::printf("  %-5s all %.4f %.4f", name, all.mean, all.std);
        if (shape[0] > 1) {
            const int plane = shape[1] * shape[2];
            for (int c = 0; c < shape[0]; ++c) {
                const Moments m = moments(*subset, c * plane, (c + 1) * plane);
                std::printf("  channel %d %.4f %.4f", c, m.mean, m.std);
            }
        }
        std::printf("\n");
    }
    const Normalizer& norm = data.normalizer;
    std::printf("normalize: %s (fitted on the train split)", normalize_name(norm.mode).c_str());
    if (norm.mode != NormalizeMode::none && !norm.mean.empty()) {
        if (norm.mode == NormalizeMode::global || norm.mode == NormalizeMode::scale255 ||
            norm.mode == NormalizeMode::centered255) {
            std::printf(" mean %.4f std %.4f", norm.mean[0], 1.0 / norm.inv_std[0]);
        } else if (norm.mode == NormalizeMode::per_channel) {
            const int plane = shape[1] * shape[2];
            for (int c = 0; c < shape[0]; ++c)
                std::printf("  channel %d mean %.4f std %.4f", c, norm.mean[c * plane], 1.0 / norm.inv_std[c * plane]);
        } else {
            std::printf(" (one mean%s per feature)", norm.mode == NormalizeMode::mean_image ? "" : " and std");
        }
    }
    std::printf("\n");
    std::printf("files (sha256):\n");
    for (const Dataset* d : {data.train_data.get(), data.validation_data.get(), data.test_data.get()})
        if (d)
            for (const auto& [file, sum] : d->checksums) std::printf("  %s  %s\n", sum.c_str(), file.c_str());
    std::printf("splits (sha256 of rows as stored, then labels as int32):\n");
    for (const auto& [name, subset] : splits)
        if (subset->size()) std::printf("  %s  %s\n", content_sha256(*subset).c_str(), name);
    return 0;
}

}  // namespace mlp
