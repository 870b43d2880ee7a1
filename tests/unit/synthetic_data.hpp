// Small generated classification data (Gaussian clusters, float features) for tests that
// train in-process: fast, no files, same numbers on every machine.
#pragma once
#include <memory>

#include "mlp/data_source.hpp"
#include "mlp/rng.hpp"

namespace mlp::test {

// N rows of D features in K classes; class k's rows sit around a mean drawn per class.
// `scale` multiplies every feature (a huge scale provokes overflow on purpose).
inline std::unique_ptr<Dataset> gaussian_clusters(int N, int D, int K, std::uint64_t seed, float scale = 1.0f) {
    auto data = std::make_unique<Dataset>();
    data->name = "clusters";
    data->rows = N;
    data->features = D;
    data->classes = K;
    Rng rng(seed);
    std::vector<double> means(std::size_t(K) * D);
    for (double& m : means) m = 2.0 * rng.normal();
    for (int i = 0; i < N; ++i) {
        const int k = static_cast<int>(rng.below(K));
        data->labels.push_back(k);
        for (int f = 0; f < D; ++f) data->f32.push_back(scale * static_cast<float>(means[k * D + f] + rng.normal()));
    }
    for (int k = 0; k < K; ++k) data->class_names.push_back(std::to_string(k));
    return data;
}

// Train/validation/test splits of generated data; `validation` rows are held out of train.
inline DataSplits clusters_splits(int N, int D, int K, int validation, std::uint64_t seed = 1, float scale = 1.0f) {
    DataConfig config;
    config.validation = validation;
    config.normalize = "none";
    return make_splits(gaussian_clusters(N + validation, D, K, seed, scale), gaussian_clusters(50, D, K, seed, scale),
                       config);
}

}  // namespace mlp::test
