// Splits and subsets: stratified picks, class selection, and the [data] split rules
// (test hold-out, validation, train_size, test_size) applied by make_splits.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "data_test_support.hpp"
#include "mlp/data_source.hpp"
#include "mlp/rng.hpp"
#include "mlp/split.hpp"

namespace mlp {
namespace {

using testing::error_of;

// N rows of one float feature (its row number) with labels cycling through `shares`:
// class k gets shares[k] of every sum(shares) rows.
std::unique_ptr<Dataset> rows_with_shares(int N, const std::vector<int>& shares) {
    auto d = std::make_unique<Dataset>();
    d->name = "gen";
    d->rows = N;
    d->features = 1;
    d->classes = static_cast<int>(shares.size());
    for (int k = 0; k < d->classes; ++k) d->class_names.push_back("c" + std::to_string(k));
    std::vector<int> cycle;
    for (int k = 0; k < d->classes; ++k) cycle.insert(cycle.end(), shares[k], k);
    for (int r = 0; r < N; ++r) {
        d->f32.push_back(static_cast<float>(r));
        d->labels.push_back(cycle[r % cycle.size()]);
    }
    return d;
}

std::vector<int> counts_of(const Dataset& d, const std::vector<int>& rows) {
    return class_counts(Subset{&d, rows});
}

TEST(StratifiedPick, KeepsClassSharesAndIsSeeded) {
    const auto d = rows_with_shares(100, {6, 3, 1});
    std::vector<int> pool(100);
    for (int i = 0; i < 100; ++i) pool[i] = i;
    Rng a = Rng::for_purpose(7, "split"), b = Rng::for_purpose(7, "split"), c = Rng::for_purpose(8, "split");
    std::vector<int> rest;
    const std::vector<int> picked = stratified_pick(pool, d->labels, 3, 10, a, &rest);
    EXPECT_EQ(counts_of(*d, picked), (std::vector<int>{6, 3, 1}));
    EXPECT_EQ(rest.size(), 90u);
    std::set<int> all(picked.begin(), picked.end());
    all.insert(rest.begin(), rest.end());
    EXPECT_EQ(all.size(), 100u);  // disjoint and complete
    EXPECT_TRUE(std::is_sorted(picked.begin(), picked.end()));
    EXPECT_EQ(stratified_pick(pool, d->labels, 3, 10, b), picked);
    EXPECT_NE(stratified_pick(pool, d->labels, 3, 10, c), picked);
    const std::string e = error_of([&] { stratified_pick(pool, d->labels, 3, 101, a); });
    EXPECT_NE(e.find("stratified split: cannot pick 101 of 100 rows"), std::string::npos) << e;
}

TEST(SelectClasses, KeepsNamedClassesRelabelledInOrder) {
    auto d = rows_with_shares(9, {1, 1, 1});
    select_classes(*d, {"c2", "c0"}, "data.classes");
    EXPECT_EQ(d->rows, 6);
    EXPECT_EQ(d->class_names, (std::vector<std::string>{"c2", "c0"}));
    EXPECT_EQ(d->labels, (std::vector<int>{1, 0, 1, 0, 1, 0}));
    EXPECT_EQ(d->f32, (std::vector<float>{0, 2, 3, 5, 6, 8}));
    auto again = rows_with_shares(3, {1, 1, 1});
    const std::string e = error_of([&] { select_classes(*again, {"cow"}, "data.classes"); });
    EXPECT_NE(e.find("data.classes: 'cow' is not a class of gen (classes: c0, c1, c2)"), std::string::npos) << e;
    EXPECT_NE(error_of([&] { select_classes(*again, {"c1", "c1"}, "data.classes"); }).find("'c1' is listed twice"),
              std::string::npos);
}

TEST(MakeSplits, HoldsOutStratifiedTestAndValidationWithoutOverlap) {
    DataConfig config;
    config.dataset = "npy";
    config.test_fraction = 0.2;
    config.validation = 0.1;
    config.stratified = true;
    config.seed = 3;
    config.normalize = "per_feature";
    const DataSplits s = make_splits(rows_with_shares(200, {3, 1}), nullptr, config);
    EXPECT_EQ(s.test.size(), 40);
    EXPECT_EQ(s.validation.size(), 16);  // 0.1 of the 160 rows left
    EXPECT_EQ(s.train.size(), 144);
    EXPECT_EQ(class_counts(s.test), (std::vector<int>{30, 10}));
    EXPECT_EQ(class_counts(s.validation), (std::vector<int>{12, 4}));
    // The test rows live in the training Dataset; test_data is an empty stand-in with its shape.
    EXPECT_EQ(s.test.data, s.train_data.get());
    EXPECT_EQ(s.test_data->rows, 0);
    EXPECT_EQ(s.test_data->class_names, s.train_data->class_names);
    std::set<int> seen;
    for (const Subset* subset : {&s.train, &s.validation, &s.test})
        for (int r : subset->indices) EXPECT_TRUE(seen.insert(r).second) << "row " << r << " in two splits";
    EXPECT_EQ(seen.size(), 200u);
    // Statistics from the training rows only: the feature is the row number.
    double sum = 0;
    for (int r : s.train.indices) sum += r;
    EXPECT_FLOAT_EQ(s.normalizer.mean[0], sum / s.train.size());
}

TEST(MakeSplits, LastRowsValidateAndFirstRowsTrainWhenNotStratified) {
    DataConfig config;
    config.dataset = "mnist";
    config.validation = 10;
    config.train_size = 30;
    config.test_size = 5;
    auto test = rows_with_shares(20, {1, 1});
    const DataSplits s = make_splits(rows_with_shares(100, {1, 1}), std::move(test), config);
    EXPECT_EQ(s.validation.indices.front(), 90);
    EXPECT_EQ(s.validation.indices.back(), 99);
    EXPECT_EQ(s.train.indices.front(), 0);
    EXPECT_EQ(s.train.indices.back(), 29);
    EXPECT_EQ(s.test.indices, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(s.test.data, s.test_data.get());
}

TEST(MakeSplits, ValidationFromTestAndSizeErrors) {
    DataConfig config;
    config.dataset = "mnist";
    config.validation_from_test = true;
    config.test_size = 4;
    const DataSplits s = make_splits(rows_with_shares(50, {1, 1}), rows_with_shares(10, {1, 1}), config);
    EXPECT_EQ(s.validation.indices, s.test.indices);
    EXPECT_EQ(s.train.size(), 50);

    DataConfig too_big;
    too_big.dataset = "mnist";
    too_big.validation = 10;
    too_big.train_size = 41;
    EXPECT_NE(error_of([&] { make_splits(rows_with_shares(50, {1, 1}), rows_with_shares(10, {1, 1}), too_big); })
                  .find("data.train_size: 41 exceeds the 40 training rows available"),
              std::string::npos);
    too_big.train_size = 0;
    too_big.validation = 50;
    EXPECT_NE(error_of([&] { make_splits(rows_with_shares(50, {1, 1}), rows_with_shares(10, {1, 1}), too_big); })
                  .find("data.validation: holds out 50 of 50 training rows (expected fewer)"),
              std::string::npos);
    auto wide = rows_with_shares(10, {1, 1});
    wide->features = 2;
    wide->f32.resize(20);
    EXPECT_NE(error_of([&] { make_splits(rows_with_shares(50, {1, 1}), std::move(wide), too_big); })
                  .find("different feature counts (1 vs 2)"),
              std::string::npos);
}

}  // namespace
}  // namespace mlp
