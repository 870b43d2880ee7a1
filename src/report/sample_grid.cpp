// Dataset sample grid: a few random images of every class, one class per row, so one sees
// what the data looks like before training on it (`mlp data show`, and the report).
#include <algorithm>

#include "canvas.hpp"
#include "mlp/error.hpp"
#include "mlp/rng.hpp"

namespace mlp {

Png sample_grid_png(const Subset& subset, int per_class, std::uint64_t seed, const std::string& title) {
    require(subset.data != nullptr && subset.size() > 0, "sample grid: the data split is empty");
    require(per_class >= 1, "sample grid: --per-class must be >= 1, got " + std::to_string(per_class));
    const Dataset& data = *subset.data;
    const int K = data.classes;
    std::vector<int> order(subset.size());
    for (int i = 0; i < subset.size(); ++i) order[i] = i;
    Rng rng = Rng::for_purpose(seed, "samples");
    rng.shuffle(order);
    std::vector<std::vector<int>> chosen(K);
    for (int i : order) {
        const int row = subset.indices[i];
        auto& bucket = chosen[data.labels[row]];
        if (int(bucket.size()) < per_class) bucket.push_back(row);
    }
    // Classes with fewer images than per_class leave blank cells, so columns stay aligned.
    std::vector<GridImage> images;
    std::vector<std::string> row_labels;
    for (int k = 0; k < K; ++k) {
        row_labels.push_back(k < int(data.class_names.size()) ? data.class_names[k] : std::to_string(k));
        for (int j = 0; j < per_class; ++j) {
            if (j < int(chosen[k].size())) {
                images.push_back(dataset_image(data, chosen[k][j]));
            } else {
                GridImage blank = dataset_image(data, subset.indices[0]);
                std::fill(blank.pixels.begin(), blank.pixels.end(), 1.0f);
                images.push_back(std::move(blank));
            }
        }
    }
    return image_grid_png(images, per_class, title, row_labels);
}

}  // namespace mlp
