// Stratified picks (seeded, reproducible) and class selection.
#include "mlp/split.hpp"

#include <algorithm>
#include <cmath>

#include "mlp/error.hpp"

namespace mlp {

std::vector<int> stratified_pick(const std::vector<int>& pool, const std::vector<int>& labels, int classes, int count,
                                 Rng& rng, std::vector<int>* rest) {
    const int N = static_cast<int>(pool.size());
    require(count >= 0 && count <= N, "stratified split: cannot pick " + std::to_string(count) + " of " +
                                          std::to_string(N) + " rows");
    std::vector<std::vector<int>> by_class(classes);
    for (int r : pool) by_class[labels[r]].push_back(r);
    // Quotas: floor of each class's exact share, then the largest remainders (ties to the
    // lower class index) until the quotas add up to count.
    std::vector<int> quota(classes);
    std::vector<std::pair<double, int>> remainder;
    int assigned = 0;
    for (int k = 0; k < classes; ++k) {
        const double exact = N ? double(count) * by_class[k].size() / N : 0.0;
        quota[k] = static_cast<int>(std::floor(exact));
        assigned += quota[k];
        remainder.emplace_back(-(exact - quota[k]), k);
    }
    std::sort(remainder.begin(), remainder.end());
    for (int i = 0; assigned < count; ++i, ++assigned) ++quota[remainder[i].second];
    std::vector<char> chosen(labels.size(), 0);
    std::vector<int> picked;
    for (int k = 0; k < classes; ++k) {
        std::vector<int>& rows = by_class[k];
        // A partial Fisher–Yates shuffle: the first quota[k] rows are a uniform sample.
        for (int i = 0; i < quota[k]; ++i) {
            const int j = i + static_cast<int>(rng.below(rows.size() - i));
            std::swap(rows[i], rows[j]);
            chosen[rows[i]] = 1;
            picked.push_back(rows[i]);
        }
    }
    std::sort(picked.begin(), picked.end());
    if (rest) {
        std::vector<int> others;  // built aside: rest may be pool itself
        for (int r : pool)
            if (!chosen[r]) others.push_back(r);
        *rest = std::move(others);
    }
    return picked;
}

void select_classes(Dataset& data, const std::vector<std::string>& names, const std::string& where) {
    std::vector<int> remap(data.classes, -1);
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto it = std::find(data.class_names.begin(), data.class_names.end(), names[i]);
        if (it == data.class_names.end()) {
            std::string known;
            for (const auto& n : data.class_names) known += (known.empty() ? "" : ", ") + n;
            throw Error(where + ": '" + names[i] + "' is not a class of " + data.name + " (classes: " + known + ")");
        }
        const int old = static_cast<int>(it - data.class_names.begin());
        require(remap[old] < 0, where + ": '" + names[i] + "' is listed twice");
        remap[old] = static_cast<int>(i);
    }
    const std::size_t D = data.features;
    int kept = 0;
    for (int r = 0; r < data.rows; ++r) {
        const int y = remap[data.labels[r]];
        if (y < 0) continue;
        if (kept != r) {
            if (data.is_u8()) std::copy_n(data.u8.begin() + r * D, D, data.u8.begin() + kept * D);
            else std::copy_n(data.f32.begin() + r * D, D, data.f32.begin() + kept * D);
        }
        data.labels[kept++] = y;
    }
    data.rows = kept;
    data.labels.resize(kept);
    if (data.is_u8()) data.u8.resize(kept * D);
    else data.f32.resize(kept * D);
    data.class_names = names;
    data.classes = static_cast<int>(names.size());
}

std::vector<int> class_counts(const Subset& subset) {
    std::vector<int> counts(subset.data ? subset.data->classes : 0, 0);
    for (int r : subset.indices) ++counts[subset.data->labels[r]];
    return counts;
}

}  // namespace mlp
