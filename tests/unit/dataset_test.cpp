// Normalisation (every mode, fitted on the training rows only) and batch gathering, which
// turns stored uint8 or float32 rows into normalised floats one batch at a time.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "data_test_support.hpp"
#include "mlp/dataset.hpp"

namespace mlp {
namespace {

using testing::error_of;

// Three rows of D = 4 uint8 features, as a 2-channel 1×2 image: x[r][f] = 10·r + 2·f.
Dataset small_images() {
    Dataset d;
    d.name = "small";
    d.rows = 3;
    d.features = 4;
    d.classes = 2;
    d.image_shape = {2, 1, 2};
    for (int r = 0; r < 3; ++r)
        for (int f = 0; f < 4; ++f) d.u8.push_back(static_cast<std::uint8_t>(10 * r + 2 * f));
    d.labels = {0, 1, 0};
    return d;
}

// Population mean and std of a list, in double.
std::pair<double, double> moments(const std::vector<double>& v) {
    double s = 0, s2 = 0;
    for (double x : v) s += x, s2 += x * x;
    const double mean = s / v.size();
    return {mean, std::sqrt(s2 / v.size() - mean * mean)};
}

TEST(Normalizer, GlobalUsesOneMeanAndStdOverTheTrainingRowsOnly) {
    const Dataset d = small_images();
    const Subset train{&d, {0, 1}};  // row 2 is not training data and must not count
    const Normalizer n = Normalizer::fit(NormalizeMode::global, train);
    const auto [mean, std] = moments({0, 2, 4, 6, 10, 12, 14, 16});
    for (int f = 0; f < 4; ++f) {
        EXPECT_FLOAT_EQ(n.mean[f], mean);
        EXPECT_FLOAT_EQ(n.inv_std[f], 1.0 / std);
    }
    const Normalizer all = Normalizer::fit(NormalizeMode::global, Subset{&d, {0, 1, 2}});
    EXPECT_NE(all.mean[0], n.mean[0]);
}

TEST(Normalizer, PerFeatureAndMeanImage) {
    const Dataset d = small_images();
    const Subset train{&d, {0, 1}};
    const Normalizer per_feature = Normalizer::fit(NormalizeMode::per_feature, train);
    const Normalizer mean_image = Normalizer::fit(NormalizeMode::mean_image, train);
    for (int f = 0; f < 4; ++f) {
        // Feature f takes 2f and 10 + 2f: mean 5 + 2f, std 5.
        EXPECT_FLOAT_EQ(per_feature.mean[f], 5 + 2 * f);
        EXPECT_FLOAT_EQ(per_feature.inv_std[f], 0.2f);
        EXPECT_FLOAT_EQ(mean_image.mean[f], 5 + 2 * f);
        EXPECT_FLOAT_EQ(mean_image.inv_std[f], 1.0f);  // subtraction only
    }
}

TEST(Normalizer, PerChannelPoolsEachChannelsPixels) {
    const Dataset d = small_images();
    const Normalizer n = Normalizer::fit(NormalizeMode::per_channel, Subset{&d, {0, 1, 2}});
    // Channel 0 = features 0, 1; channel 1 = features 2, 3.
    const auto [m0, s0] = moments({0, 2, 10, 12, 20, 22});
    const auto [m1, s1] = moments({4, 6, 14, 16, 24, 26});
    EXPECT_FLOAT_EQ(n.mean[0], m0);
    EXPECT_FLOAT_EQ(n.mean[1], m0);
    EXPECT_FLOAT_EQ(n.mean[2], m1);
    EXPECT_FLOAT_EQ(n.mean[3], m1);
    EXPECT_FLOAT_EQ(n.inv_std[0], 1.0 / s0);
    EXPECT_FLOAT_EQ(n.inv_std[3], 1.0 / s1);

    Dataset table = small_images();
    table.image_shape = {0, 0, 0};
    const std::string e = error_of([&] { Normalizer::fit(NormalizeMode::per_channel, Subset{&table, {0}}); });
    EXPECT_NE(e.find("data.normalize: per_channel needs image data (small has 4 features and no image shape)"),
              std::string::npos)
        << e;
}

TEST(Normalizer, Scale255AndNone) {
    const Dataset d = small_images();
    const Normalizer scale = Normalizer::fit(NormalizeMode::scale255, Subset{&d, {0}});
    const Normalizer none = Normalizer::fit(NormalizeMode::none, Subset{&d, {0}});
    for (int f = 0; f < 4; ++f) {
        EXPECT_EQ(scale.mean[f], 0.0f);
        EXPECT_FLOAT_EQ(scale.inv_std[f], 1.0f / 255);
        EXPECT_EQ(none.mean[f], 0.0f);
        EXPECT_EQ(none.inv_std[f], 1.0f);
    }
}

// torchvision's ToTensor then Normalize(0.5, 0.5): (x/255 − 0.5)/0.5, so 0 → −1, 255 → 1.
TEST(Normalizer, Centered255IsTorchvisionsHalfNormalize) {
    Dataset d;
    d.name = "bytes";
    d.features = 5;
    d.classes = 2;
    d.rows = 1;
    d.u8 = {0, 1, 127, 128, 255};
    d.labels = {0};
    const Subset row{&d, {0}};
    const Normalizer n = Normalizer::fit(NormalizeMode::centered255, row);
    std::vector<float> X(5, 0.0f);
    const int order[1] = {0};
    gather_batch(row, order, 1, n, MatrixView<float>(X.data(), 1, 5), nullptr);
    for (int f = 0; f < 5; ++f) EXPECT_NEAR(X[f], (d.u8[f] / 255.0 - 0.5) / 0.5, 1e-6) << "pixel " << int(d.u8[f]);
    EXPECT_EQ(X[0], -1.0f);
    EXPECT_EQ(X[4], 1.0f);
}

TEST(Normalizer, ModeNamesRoundTripAndUnknownIsAnError) {
    for (const char* name : {"global", "per_feature", "per_channel", "mean_image", "scale255", "centered255", "none"})
        EXPECT_EQ(normalize_name(parse_normalize(name)), name);
    const std::string e = error_of([] { parse_normalize("zscore"); });
    EXPECT_NE(e.find("unknown normalization 'zscore' (expected global, per_feature"), std::string::npos) << e;
}

TEST(GatherBatch, ConvertsStoredRowsInTheGivenOrder) {
    Dataset bytes = small_images();
    Dataset floats = small_images();
    floats.f32.assign(floats.u8.begin(), floats.u8.end());
    floats.u8.clear();
    ASSERT_TRUE(bytes.is_u8());
    ASSERT_FALSE(floats.is_u8());
    for (const Dataset* d : {&bytes, &floats}) {
        const Subset subset{d, {2, 0}};
        const Normalizer n = Normalizer::fit(NormalizeMode::per_feature, Subset{d, {0, 1}});
        std::vector<float> X(2 * 4, -1.0f);
        int labels[2] = {-1, -1};
        const int order[2] = {1, 0};  // subset row 1 (dataset row 0) first
        gather_batch(subset, order, 2, n, MatrixView<float>(X.data(), 2, 4), labels);
        for (int f = 0; f < 4; ++f) {
            EXPECT_FLOAT_EQ(X[f], (2 * f - (5 + 2 * f)) * 0.2f);           // row 0
            EXPECT_FLOAT_EQ(X[4 + f], (20 + 2 * f - (5 + 2 * f)) * 0.2f);  // row 2
        }
        EXPECT_EQ(labels[0], 0);
        EXPECT_EQ(labels[1], 0);
    }
}

// Rows held elsewhere (a NumPy array's memory) are read in place: statistics, values and
// batches are those of the same rows held by the Dataset, and the memory stays alive.
TEST(GatherBatch, BorrowedRowsReadAsOwnedOnes) {
    Dataset owned = small_images(), floats = small_images();
    floats.f32.assign(floats.u8.begin(), floats.u8.end());
    floats.u8.clear();
    for (const Dataset* source : {&owned, &floats}) {
        Dataset borrowed = *source;
        auto memory = std::make_shared<std::vector<float>>(source->f32);
        auto bytes = std::make_shared<std::vector<std::uint8_t>>(source->u8);
        if (source->is_u8()) {
            borrowed.borrowed = {bytes->data(), nullptr, bytes};
            borrowed.u8.clear();
        } else {
            borrowed.borrowed = {nullptr, memory->data(), memory};
            borrowed.f32.clear();
        }
        memory.reset();
        bytes.reset();  // the Dataset's owner keeps them alive
        ASSERT_EQ(borrowed.is_u8(), source->is_u8());
        EXPECT_EQ(borrowed.value(2, 3), source->value(2, 3));
        std::vector<float> X[2];
        for (const Dataset* d : {source, static_cast<const Dataset*>(&borrowed)}) {
            const Normalizer n = Normalizer::fit(NormalizeMode::per_feature, Subset{d, {0, 1}});
            std::vector<float>& x = X[d == source ? 0 : 1];
            x.assign(3 * 4, -1.0f);
            const Subset all{d, {2, 0, 1}};
            const int order[3] = {0, 1, 2};
            prefetch_batch(all, order, 3);
            gather_batch(all, order, 3, n, MatrixView<float>(x.data(), 3, 4), nullptr);
        }
        EXPECT_EQ(X[0], X[1]);
    }
}

}  // namespace
}  // namespace mlp
