// Subsets of a Dataset by class and by stratified random choice: the building blocks of the
// train/validation/test splits. Indices only; no feature data is copied except by select_classes.
#pragma once
#include <string>
#include <vector>

#include "mlp/dataset.hpp"
#include "mlp/rng.hpp"

namespace mlp {

// Picks `count` rows of `pool` at random so that each class keeps its share of the pool
// (per-class quotas by largest remainder). Returns the picked rows sorted; `rest` (when
// not null) receives the others in their order in pool.
std::vector<int> stratified_pick(const std::vector<int>& pool, const std::vector<int>& labels, int classes, int count,
                                 Rng& rng, std::vector<int>* rest = nullptr);

// Keeps only the rows of the named classes, relabelled 0..n−1 in the order given; `where`
// names the setting in errors (an unknown name lists the dataset's classes).
void select_classes(Dataset& data, const std::vector<std::string>& names, const std::string& where);

// Rows per class (K entries) of a subset.
std::vector<int> class_counts(const Subset& subset);

}  // namespace mlp
