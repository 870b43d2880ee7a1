// Augmentation: a shift moves every pixel exactly, a flip reverses the columns, a shift is a
// crop of the zero-padded image, no move gives normalize_bytes' bits; the stream's draws
// (range, balance, slices, steps); and in training: the same batches on one and two
// threads, for the same seed, other batches each epoch, and nothing changed when off.
// Elastic distortion: its field against a slow double-precision 2-D convolution of the
// documented noise, its size and smoothness, and the distorted image against bilinear
// reads of that field in double.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <tuple>

#include "data_test_support.hpp"
#include "interrupt_support.hpp"
#include "mlp/augment.hpp"
#include "mlp/checkpoint.hpp"
#include "mlp/data_source.hpp"
#include "mlp/init.hpp"
#include "mlp/pointwise.hpp"
#include "mlp/train_step.hpp"
#include "mlp/trainer.hpp"
#include "test_context.hpp"

namespace mlp {
namespace {

// N random images of shape (C, H, W) as bytes, labels i mod K.
std::unique_ptr<Dataset> random_images(int N, int C, int H, int W, int K, std::uint64_t seed) {
    auto data = std::make_unique<Dataset>();
    data->name = "images";
    data->rows = N;
    data->features = C * H * W;
    data->classes = K;
    data->image_shape = {C, H, W};
    Rng rng(seed);
    for (int i = 0; i < N * C * H * W; ++i) data->u8.push_back(std::uint8_t(1 + rng.below(255)));  // never 0: fill shows
    for (int i = 0; i < N; ++i) data->labels.push_back(i % K);
    for (int k = 0; k < K; ++k) data->class_names.push_back(std::to_string(k));
    return data;
}

DataSplits image_splits(int N, int C, int H, int W, int K, const std::string& normalize = "per_feature") {
    DataConfig config;
    config.validation = 0;
    config.normalize = normalize;
    return make_splits(random_images(N, C, H, W, K, 1), random_images(20, C, H, W, K, 2), config);
}

// The image moved as augment_bytes does, with mean 0 and scale 1: plain loops over (c, v, u).
std::vector<float> moved(const std::vector<std::uint8_t>& x, int C, int H, int W, AugmentDraw d) {
    const std::vector<float> zero(x.size(), 0.0f), one(x.size(), 1.0f);
    std::vector<float> y(x.size());
    augment_bytes(x.data(), {C, H, W}, d, zero.data(), one.data(), y.data());
    return y;
}

std::vector<std::uint8_t> pattern(int C, int H, int W) {
    std::vector<std::uint8_t> x(std::size_t(C) * H * W);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::uint8_t(1 + i % 251);
    return x;
}

TEST(Augment, AShiftMovesEveryPixelByExactlyDxDyAndFillsWithZero) {
    const int C = 2, H = 5, W = 7;
    const auto x = pattern(C, H, W);
    for (int dy = -2; dy <= 2; ++dy)
        for (int dx = -3; dx <= 3; ++dx) {
            const auto y = moved(x, C, H, W, {dx, dy, false});
            for (int c = 0; c < C; ++c)
                for (int v = 0; v < H; ++v)
                    for (int u = 0; u < W; ++u) {
                        const int sv = v - dy, su = u - dx;
                        const bool inside = sv >= 0 && sv < H && su >= 0 && su < W;
                        const float want = inside ? float(x[(c * H + sv) * W + su]) : 0.0f;
                        ASSERT_EQ(y[(c * H + v) * W + u], want) << dx << "," << dy << " at " << c << "," << v << "," << u;
                    }
        }
}

TEST(Augment, AFlipReversesTheColumnsOfEveryRowAndChannel) {
    const int C = 3, H = 4, W = 6;
    const auto x = pattern(C, H, W);
    const auto y = moved(x, C, H, W, {0, 0, true});
    for (int c = 0; c < C; ++c)
        for (int v = 0; v < H; ++v)
            for (int u = 0; u < W; ++u) ASSERT_EQ(y[(c * H + v) * W + u], float(x[(c * H + v) * W + W - 1 - u]));
    // Flipped then shifted: the mirror image moves right by dx.
    const auto z = moved(x, C, H, W, {2, 0, true});
    for (int v = 0; v < H; ++v)
        for (int u = 0; u < W; ++u) ASSERT_EQ(z[v * W + u], u >= 2 ? y[v * W + u - 2] : 0.0f);
}

// torchvision's RandomCrop(size, padding=p): pad by p zeros on every side, take the size×size
// window at (i, j) in [0, 2p]². That window is the shift by (p − j, p − i).
TEST(Augment, AShiftIsTheCropOfTheZeroPaddedImage) {
    const int C = 3, H = 8, W = 8, p = 4;
    const auto x = pattern(C, H, W);
    const int PH = H + 2 * p, PW = W + 2 * p;
    std::vector<float> padded(std::size_t(C) * PH * PW, 0.0f);
    for (int c = 0; c < C; ++c)
        for (int v = 0; v < H; ++v)
            for (int u = 0; u < W; ++u) padded[(c * PH + v + p) * PW + u + p] = x[(c * H + v) * W + u];
    for (int i = 0; i <= 2 * p; ++i)
        for (int j = 0; j <= 2 * p; ++j) {
            const auto y = moved(x, C, H, W, {p - j, p - i, false});
            for (int c = 0; c < C; ++c)
                for (int v = 0; v < H; ++v)
                    for (int u = 0; u < W; ++u)
                        ASSERT_EQ(y[(c * H + v) * W + u], padded[(c * PH + v + i) * PW + u + j]) << i << "," << j;
        }
}

// Float rows (NPY images) move as byte rows of the same values do.
TEST(Augment, FloatRowsMoveAsByteRows) {
    const int C = 3, H = 6, W = 5;
    const auto x = pattern(C, H, W);
    const std::vector<float> xf(x.begin(), x.end()), mean(x.size(), 3.0f), scale(x.size(), 0.5f);
    std::vector<float> from_bytes(x.size()), from_floats(x.size());
    for (AugmentDraw d : {AugmentDraw{1, -2, false}, AugmentDraw{-1, 1, true}, AugmentDraw{0, 0, true}}) {
        augment_bytes(x.data(), {C, H, W}, d, mean.data(), scale.data(), from_bytes.data());
        augment_floats(xf.data(), {C, H, W}, d, mean.data(), scale.data(), from_floats.data());
        EXPECT_EQ(from_bytes, from_floats) << d.dx << "," << d.dy << "," << d.flip;
    }
}

TEST(Augment, NoMoveGivesTheBitsOfThePlainNormalisation) {
    const DataSplits data = image_splits(40, 3, 8, 8, 4, "per_feature");
    const Dataset& d = *data.train.data;
    std::vector<float> plain(d.features), same(d.features);
    for (int r = 0; r < 5; ++r) {
        const std::uint8_t* x = d.u8.data() + std::size_t(r) * d.features;
        normalize_bytes(x, data.normalizer.mean.data(), data.normalizer.inv_std.data(), plain.data(), d.features);
        augment_bytes(x, d.image_shape, {0, 0, false}, data.normalizer.mean.data(), data.normalizer.inv_std.data(),
                      same.data());
        ASSERT_EQ(0, std::memcmp(plain.data(), same.data(), plain.size() * sizeof(float)));
    }
}

TEST(Augment, DrawsCoverTheRangeEvenlyAndFlipHalfTheRows) {
    const AugmentStream s = [] {
        AugmentStream a = AugmentStream::of_seed(Augmentation{2, true}, 7);
        a.step = 3;
        return a;
    }();
    std::vector<int> dx(5), dy(5);
    int flips = 0;
    const int n = 50000;
    for (int i = 0; i < n; ++i) {
        const AugmentDraw d = s.draw(i);
        ASSERT_TRUE(d.dx >= -2 && d.dx <= 2 && d.dy >= -2 && d.dy <= 2);
        ++dx[d.dx + 2], ++dy[d.dy + 2];
        flips += d.flip;
    }
    for (int k = 0; k < 5; ++k) {
        EXPECT_NEAR(dx[k] / double(n), 0.2, 0.01) << k;  // σ ≈ 0.0018
        EXPECT_NEAR(dy[k] / double(n), 0.2, 0.01) << k;
    }
    EXPECT_NEAR(flips / double(n), 0.5, 0.01);
    // Off: no move, whatever the bits.
    AugmentStream off = AugmentStream::of_seed(Augmentation{}, 7);
    for (int i = 0; i < 100; ++i) {
        const AugmentDraw d = off.draw(i);
        ASSERT_TRUE(d.dx == 0 && d.dy == 0 && !d.flip);
    }
}

TEST(Augment, ARankDrawsTheRowsOfItsShareAsTheWholeBatchDoes) {
    AugmentStream whole = AugmentStream::of_seed(Augmentation{3, true}, 11);
    whole.step = 5;
    AugmentStream share = whole;
    share.row0 = 17;
    for (int i = 0; i < 20; ++i) {
        const AugmentDraw a = whole.draw(17 + i), b = share.draw(i);
        ASSERT_TRUE(a.dx == b.dx && a.dy == b.dy && a.flip == b.flip) << i;
    }
    // Another step, or another seed, draws otherwise.
    AugmentStream later = whole, other = AugmentStream::of_seed(Augmentation{3, true}, 12);
    later.step = 6;
    other.step = 5;
    int same_later = 0, same_other = 0;
    for (int i = 0; i < 200; ++i) {
        const AugmentDraw a = whole.draw(i), b = later.draw(i), c = other.draw(i);
        same_later += a.dx == b.dx && a.dy == b.dy && a.flip == b.flip;
        same_other += a.dx == c.dx && a.dy == c.dy && a.flip == c.flip;
    }
    EXPECT_LT(same_later, 30);  // 1 in 98 by chance
    EXPECT_LT(same_other, 30);
}

// The batch a training step gathered (ws.input) after each of `steps` steps over the rows
// in order, on a team of `threads`.
std::vector<std::vector<float>> gathered_batches(const DataSplits& data, const Augmentation& augment, int threads,
                                                 std::uint64_t seed, int steps, int B,
                                                 std::vector<float>* weights = nullptr) {
    ThreadTeam team(threads);
    const Context ctx = test::test_context(&team);
    Architecture arch;
    arch.inputs = data.train.data->features;
    arch.hidden = {64};
    arch.classes = data.train.data->classes;
    arch.activation.kind = ActivationKind::relu;
    Network<float> net(arch);
    Rng rng(3);
    initialize(net, Init{InitScheme::he}, rng);
    StepRules rules;
    rules.seed = seed;
    rules.augment = augment;
    TrainStep step(ctx, net, OptimizerSettings{}, rules);
    if (threads > 1) {
        EXPECT_TRUE(step.shares(threads, B));
    }
    Workspace<float> ws(net.layout(), B);
    std::vector<int> order(data.train.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<std::vector<float>> batches;
    for (int s = 0; s < steps; ++s) {
        const int* rows = order.data() + (s % 2) * B;  // two batches of rows, over and over: "epochs"
        step.run(BatchRows{&data.train, rows, &data.normalizer}, ws, B, 0.01);
        batches.emplace_back(ws.input.data, ws.input.data + std::size_t(B) * arch.inputs);
    }
    if (weights) weights->assign(step.network().params.begin(), step.network().params.end());
    return batches;
}

TEST(Augment, TrainingBatchesAreTheSameOnOneAndTwoThreadsAndForTheSameSeed) {
    const DataSplits data = image_splits(64, 1, 28, 28, 10);
    const Augmentation augment{2, true};
    const auto one = gathered_batches(data, augment, 1, 5, 4, 32);
    const auto two = gathered_batches(data, augment, 2, 5, 4, 32);
    const auto again = gathered_batches(data, augment, 2, 5, 4, 32);
    for (std::size_t s = 0; s < one.size(); ++s) {
        EXPECT_EQ(0, std::memcmp(one[s].data(), two[s].data(), one[s].size() * sizeof(float))) << "step " << s;
        EXPECT_EQ(0, std::memcmp(two[s].data(), again[s].data(), two[s].size() * sizeof(float))) << "step " << s;
    }
    // Another seed moves the images otherwise.
    const auto other = gathered_batches(data, augment, 1, 6, 1, 32);
    EXPECT_NE(0, std::memcmp(one[0].data(), other[0].data(), one[0].size() * sizeof(float)));
}

TEST(Augment, TheSameRowsAreMovedOtherwiseEachEpoch) {
    const DataSplits data = image_splits(64, 3, 8, 8, 4);
    const auto batches = gathered_batches(data, Augmentation{2, true}, 1, 5, 4, 32);
    // Steps 0 and 2 (and 1 and 3) gather the same rows: the moves differ.
    EXPECT_NE(batches[0], batches[2]);
    EXPECT_NE(batches[1], batches[3]);
    // Without augmentation they are the same floats.
    const auto plain = gathered_batches(data, Augmentation{}, 1, 5, 4, 32);
    EXPECT_EQ(plain[0], plain[2]);
}

TEST(Augment, OffIsBitIdenticalToTheUnaugmentedStep) {
    const DataSplits data = image_splits(64, 1, 28, 28, 10);
    const int B = 32;
    for (int threads : {1, 2}) {
        std::vector<float> off, plain;
        const auto a = gathered_batches(data, Augmentation{0, false}, threads, 5, 4, B, &off);
        // The plain gather, by hand, of the same rows.
        std::vector<float> batch(std::size_t(B) * data.train.data->features);
        std::vector<int> order(data.train.size());
        std::iota(order.begin(), order.end(), 0);
        gather_batch(data.train, order.data(), B, data.normalizer,
                     MatrixView<float>(batch.data(), B, data.train.data->features), nullptr);
        EXPECT_EQ(0, std::memcmp(a[0].data(), batch.data(), batch.size() * sizeof(float))) << threads;
        // A different seed changes nothing without augmentation or dropout.
        gathered_batches(data, Augmentation{0, false}, threads, 99, 4, B, &plain);
        EXPECT_EQ(0, std::memcmp(off.data(), plain.data(), off.size() * sizeof(float))) << threads;
    }
}

// A data-parallel rank gathers its share of the batch with its rows' place in the batch: its
// rows equal those rows of the whole batch gathered at once.
TEST(Augment, ARankGathersItsShareOfTheAugmentedBatch) {
    const DataSplits data = image_splits(64, 3, 8, 8, 4);
    const int B = 30, D = data.train.data->features;
    std::vector<int> order(data.train.size());
    std::iota(order.begin(), order.end(), 0);
    AugmentStream s = AugmentStream::of_seed(Augmentation{2, true}, 4);
    s.step = 9;
    std::vector<float> whole(std::size_t(B) * D), share(std::size_t(B) * D);
    gather_batch(data.train, order.data(), B, data.normalizer, MatrixView<float>(whole.data(), B, D), nullptr, &s);
    for (int ranks : {2, 3}) {
        for (int r = 0; r < ranks; ++r) {
            const Range mine = batch_share(B, ranks, r);
            AugmentStream at = s;
            at.row0 = int(mine.begin);
            const int b = int(mine.end - mine.begin);
            gather_batch(data.train, order.data() + mine.begin, b, data.normalizer,
                         MatrixView<float>(share.data(), b, D), nullptr, &at);
            EXPECT_EQ(0, std::memcmp(share.data(), whole.data() + mine.begin * D, std::size_t(b) * D * sizeof(float)))
                << ranks << " ranks, rank " << r;
        }
    }
}

TEST(Augment, TrainingRefusesDataWithoutAnImageShape) {
    DataSplits data = image_splits(64, 1, 8, 8, 4);
    Architecture arch;
    arch.inputs = 64;
    arch.hidden = {8};
    arch.classes = 4;
    Network<float> net(arch);
    TrainSettings settings;
    settings.augment.translate = 2;
    EXPECT_NO_THROW(Trainer(net, settings, data));
    const_cast<Dataset&>(*data.train.data).image_shape = {0, 0, 0};  // a table of 64 features
    try {
        Trainer trainer(net, settings, data);
        FAIL() << "no error";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_EQ(m.rfind("augment.translate: augmentation needs images, but images has 64 features and no image shape",
                          0),
                  0u)
            << m;
    }
    settings.augment = Augmentation{0, true};
    EXPECT_THROW(Trainer(net, settings, data), Error);
    settings.augment = Augmentation{};
    EXPECT_NO_THROW(Trainer(net, settings, data));
    // A shift as large as the image.
    const_cast<Dataset&>(*data.train.data).image_shape = {1, 8, 8};
    settings.augment.translate = 8;
    EXPECT_THROW(Trainer(net, settings, data), Error);
}

// The moves are keyed by the optimizer step, which a checkpoint keeps: a run stopped and
// resumed trains on the same moved images as one that was not, on two threads.
TEST(Augment, AResumedRunEndsBitForBitWhereAnUnbrokenOneDoes) {
    const DataSplits data = image_splits(200, 1, 28, 28, 4);
    Architecture arch;
    arch.inputs = 784;
    arch.hidden = {64};
    arch.classes = 4;
    arch.activation.kind = ActivationKind::relu;
    TrainSettings settings;
    settings.epochs = 2;
    settings.batch_size = 32;  // 7 steps an epoch, the last one short
    settings.lr = 0.05;
    settings.optimizer.kind = OptimizerKind::momentum;
    settings.checkpoint_every = 3;
    settings.threads = 2;
    settings.augment = Augmentation{2, true};
    auto network = [&](std::uint64_t seed) {
        Network<float> net(arch);
        Rng rng(seed);
        initialize(net, Init{InitScheme::he}, rng);
        return net;
    };
    Network<float> reference = network(1);
    Trainer(reference, settings, data).run();
    for (long stop_at : {3L, 9L}) {
        Network<float> first = network(1);
        const test::Interrupted part = test::train_until(first, settings, data, stop_at);
        ASSERT_TRUE(part.result.interrupted);
        Network<float> second = network(2);
        Trainer resumed(second, settings, data);
        resumed.resume(decode_checkpoint(part.checkpoint.data(), part.checkpoint.size(), "checkpoint"));
        resumed.run();
        EXPECT_EQ(0, std::memcmp(second.params.data(), reference.params.data(), reference.params.size() * sizeof(float)))
            << "stopped after step " << stop_at;
    }
    // Without augmentation the same run ends elsewhere: the moves were used.
    settings.augment = Augmentation{};
    Network<float> plain = network(1);
    Trainer(plain, settings, data).run();
    EXPECT_NE(0, std::memcmp(plain.params.data(), reference.params.data(), reference.params.size() * sizeof(float)));
}

// The CLI: a table of features refuses augmentation in one line naming the key; the keys'
// own values are checked when the config is read.
// The field as augment.hpp documents it, in double: noise k from the halves of
// mix64(mix64(key) + k), the 2-D Gaussian (the outer product of the normalised taps to ±⌈3σ⌉)
// summed over every pixel within reach, 0 outside the image, times α.
std::vector<double> reference_field(std::uint64_t key, int H, int W, double alpha, double sigma, bool along_rows) {
    const int r = std::max(1, int(std::ceil(3 * sigma)));
    std::vector<double> w(2 * r + 1);
    double sum = 0;
    for (int k = -r; k <= r; ++k) sum += w[k + r] = std::exp(-double(k) * k / (2 * sigma * sigma));
    for (double& t : w) t /= sum;
    std::vector<double> noise(std::size_t(H) * W), field(noise.size(), 0.0);
    for (std::size_t k = 0; k < noise.size(); ++k) {
        const std::uint64_t h = mix64(mix64(key) + k);
        noise[k] = double(along_rows ? h >> 32 : h & 0xffffffffULL) / 2147483648.0 - 1.0;
    }
    for (int v = 0; v < H; ++v)
        for (int u = 0; u < W; ++u)
            for (int i = -r; i <= r; ++i)
                for (int j = -r; j <= r; ++j) {
                    const int sv = v + i, su = u + j;
                    if (sv >= 0 && sv < H && su >= 0 && su < W)
                        field[v * W + u] += alpha * w[i + r] * w[j + r] * noise[sv * W + su];
                }
    return field;
}

TEST(Augment, TheElasticFieldIsTheGaussianSmoothedNoiseOfItsKey) {
    for (auto [H, W, sigma] : {std::tuple{28, 28, 4.0}, std::tuple{8, 11, 1.5}, std::tuple{32, 32, 6.0}}) {
        std::vector<float> fx(std::size_t(H) * W), fy(fx.size());
        elastic_field(77, H, W, 34.0f, float(sigma), fx.data(), fy.data());
        const auto want_x = reference_field(77, H, W, 34, sigma, false), want_y = reference_field(77, H, W, 34, sigma, true);
        for (std::size_t k = 0; k < fx.size(); ++k) {
            ASSERT_NEAR(fx[k], want_x[k], 1e-4) << H << "×" << W << " pixel " << k;
            ASSERT_NEAR(fy[k], want_y[k], 1e-4) << H << "×" << W << " pixel " << k;
        }
    }
}

TEST(Augment, TheElasticFieldHasTheSizeAndSmoothnessOfItsSigma) {
    // Inside the image: var = α² · (1/3) · Σ_ij (w_i w_j)² = α² (Σ_i w_i²)² / 3, Σ_i w_i² ≈
    // 1/(2√π σ), so std ≈ 34 · 0.577 · 0.0705 ≈ 1.38 px for σ = 4; neighbours correlate as
    // exp(−1/(4σ²)) ≈ 0.98.
    const int H = 28, W = 28;
    std::vector<float> fx(H * W), fy(H * W);
    double sum = 0, squares = 0, products = 0, next_squares = 0;
    int n = 0;
    for (std::uint64_t key = 1; key <= 200; ++key) {
        elastic_field(key, H, W, 34.0f, 4.0f, fx.data(), fy.data());
        for (int v = 12; v < 16; ++v)
            for (int u = 12; u < 16; ++u) {
                const float a = fx[v * W + u], b = fx[v * W + u + 1];
                sum += a;
                squares += a * a;
                products += a * b;
                next_squares += b * b;
                ++n;
            }
    }
    EXPECT_NEAR(sum / n, 0.0, 0.2);
    EXPECT_NEAR(std::sqrt(squares / n), 1.38, 0.2);
    EXPECT_GT(products / std::sqrt(squares * next_squares), 0.95);
    // Another key, another field; the same key, the same bits.
    std::vector<float> again(H * W), other(H * W), ignored(H * W);
    elastic_field(200, H, W, 34.0f, 4.0f, again.data(), ignored.data());
    elastic_field(201, H, W, 34.0f, 4.0f, other.data(), ignored.data());
    EXPECT_EQ(again, fx);
    EXPECT_NE(other, fx);
}

TEST(Augment, ADistortedImageIsReadBilinearlyAtTheDisplacedPoints) {
    const int C = 3, H = 12, W = 10;
    const auto x = pattern(C, H, W);
    for (const AugmentDraw d : {AugmentDraw{0, 0, false, 5.0f, 2.0f, 9}, AugmentDraw{2, -1, true, 8.0f, 1.5f, 10}}) {
        const auto y = moved(x, C, H, W, d);
        std::vector<float> fx(H * W), fy(H * W);
        elastic_field(d.field, H, W, d.alpha, d.sigma, fx.data(), fy.data());
        for (int c = 0; c < C; ++c)
            for (int v = 0; v < H; ++v)
                for (int u = 0; u < W; ++u) {
                    auto at = [&](int sv, int su) {
                        return sv >= 0 && sv < H && su >= 0 && su < W ? double(x[(c * H + sv) * W + su]) : 0.0;
                    };
                    const double su = (d.flip ? W - 1 - (u - d.dx) : u - d.dx) + double(fx[v * W + u]);
                    const double sv = v - d.dy + double(fy[v * W + u]);
                    const int u0 = int(std::floor(su)), v0 = int(std::floor(sv));
                    const double a = su - u0, b = sv - v0;
                    const double want = (1 - b) * ((1 - a) * at(v0, u0) + a * at(v0, u0 + 1)) +
                                        b * ((1 - a) * at(v0 + 1, u0) + a * at(v0 + 1, u0 + 1));
                    ASSERT_NEAR(y[(c * H + v) * W + u], want, 1e-3 * (1 + std::abs(want))) << c << "," << v << "," << u;
                }
    }
    // A vanishing field reads the image where the shift alone puts it.
    const auto still = moved(x, C, H, W, AugmentDraw{1, 1, false, 1e-5f, 2.0f, 9});
    const auto shifted = moved(x, C, H, W, AugmentDraw{1, 1, false});
    for (std::size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(still[i], shifted[i], 0.01) << i;
}

TEST(Augment, ElasticTrainingBatchesAreTheSameOnOneAndTwoThreads) {
    const DataSplits data = image_splits(64, 1, 28, 28, 10);
    const Augmentation augment{1, false, 34.0, 4.0};
    const auto one = gathered_batches(data, augment, 1, 5, 3, 32);
    const auto two = gathered_batches(data, augment, 2, 5, 3, 32);
    for (std::size_t s = 0; s < one.size(); ++s)
        EXPECT_EQ(0, std::memcmp(one[s].data(), two[s].data(), one[s].size() * sizeof(float))) << "step " << s;
    const auto shifted_only = gathered_batches(data, Augmentation{1, false}, 1, 5, 1, 32);
    EXPECT_NE(one[0], shifted_only[0]);
    EXPECT_EQ(augment.describe(), "translate ±1 px, zero fill, elastic α 34 σ 4 px");
}

TEST(Augment, TheCliRefusesAugmentingATableAndBadValuesInOneLine) {
    const std::string dir = testing::scratch_dir("augment_cli");
    std::string csv = "a,b,c,d,label\n";
    for (int i = 0; i < 40; ++i) csv += std::to_string(i % 7) + ",1,2," + std::to_string(i % 3) + "," + std::to_string(i % 2) + "\n";
    testing::write_text(dir + "/t.csv", csv);
    testing::write_text(dir + "/t.toml", "[data]\ndataset = \"csv\"\nfile = \"" + dir +
                                             "/t.csv\"\nvalidation = 0\n[model]\nhidden = [4]\n[train]\nepochs = 1\n");
    const std::string train = "train --config " + dir + "/t.toml --out " + dir + "/run --no-report --quiet";
    auto r = testing::run_mlp(train + " --set augment.translate=2");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err.rfind("mlp: error: augment.translate: augmentation needs images, but ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    r = testing::run_mlp(train + " --set augment.flip=true");
    EXPECT_EQ(r.err.rfind("mlp: error: augment.flip: augmentation needs images", 0), 0u) << r.err;
    r = testing::run_mlp(train + " --set augment.elastic_alpha=34");
    EXPECT_EQ(r.err.rfind("mlp: error: augment.elastic_alpha: augmentation needs images", 0), 0u) << r.err;
    r = testing::run_mlp(train + " --set augment.elastic_sigma=0");
    EXPECT_NE(r.err.find("augment.elastic_sigma: expected 0.5..20 pixels, got 0"), std::string::npos) << r.err;
    r = testing::run_mlp(train + " --set augment.translate=-1");
    EXPECT_NE(r.err.find("augment.translate: expected a shift of 0..64 pixels, got -1"), std::string::npos) << r.err;
    r = testing::run_mlp(train + " --set augment.rotate=3");
    EXPECT_NE(r.err.find("unknown key 'augment.rotate'"), std::string::npos) << r.err;
    r = testing::run_mlp(train + " --set train.label_smoothing=1");
    EXPECT_NE(r.err.find("train.label_smoothing: expected ε in [0, 1), got 1"), std::string::npos) << r.err;
    r = testing::run_mlp(train);  // and without [augment], the table trains
    EXPECT_EQ(r.status, 0) << r.err;
}

}  // namespace
}  // namespace mlp
