// evaluate(): its per-row predictions agree with its batch loss, accuracy and confusion
// matrix and with the double reference row by row, including a row whose true class has a
// probability far below float's smallest (where −log p would be +inf); asking for them
// leaves loss and accuracy unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mlp/init.hpp"
#include "mlp/metrics.hpp"
#include "synthetic_data.hpp"
#include "test_context.hpp"

namespace mlp {
namespace {

Subset all_rows(const Dataset& data) {
    Subset subset{&data, std::vector<int>(data.rows)};
    std::iota(subset.indices.begin(), subset.indices.end(), 0);
    return subset;
}

// The network's logits (N, K) for every row of subset, in double for the reference.
std::vector<double> logits_of(const Network<float>& net, const Subset& subset, const Normalizer& norm) {
    const int N = subset.size(), K = net.architecture().classes;
    Workspace<float> ws(net.layout(), N);
    std::vector<int> order(N);
    std::iota(order.begin(), order.end(), 0);
    gather_batch(subset, order.data(), N, norm, ws.input, ws.labels.data());
    const ConstView<float> Z = net.forward(test::test_context(), ws, N);
    std::vector<double> out(std::size_t(N) * K);
    for (int i = 0; i < N; ++i)
        for (int k = 0; k < K; ++k) out[std::size_t(i) * K + k] = Z(i, k);
    return out;
}

// −log softmax(z)[label] of one row, by the plain double reference.
double reference_loss(const double* z, int K, int label) {
    return softmax_cross_entropy_reference(ConstView<double>(z, 1, K), &label, MatrixView<double>()).loss;
}

int arg_max(const double* z, int K) { return static_cast<int>(std::max_element(z, z + K) - z); }

TEST(Evaluate, PredictionsAgreeWithBatchLossAccuracyAndReferenceEvenWhenTheTrueClassUnderflows) {
    constexpr int N = 150, D = 6, K = 4;
    const auto data = test::gaussian_clusters(N, D, K, 3);
    const Subset subset = all_rows(*data);
    const Normalizer norm = Normalizer::fit(NormalizeMode::none, subset);
    Architecture arch;
    arch.inputs = D;
    arch.hidden = {12};
    arch.classes = K;
    Network<float> net(arch);
    Rng rng(5);
    initialize(net, Init{InitScheme::he, 0.0}, rng);

    // Scale the output layer so that the wrong row with the widest margin is wrong by 120
    // in logit: p(true class) ≈ e^−120 ≈ 8e−53, which is 0 in float.
    std::vector<double> Z = logits_of(net, subset, norm);
    int extreme = -1;
    double widest = 0;
    for (int i = 0; i < N; ++i) {
        const double* z = &Z[std::size_t(i) * K];
        const double margin = z[arg_max(z, K)] - z[data->labels[i]];
        if (margin > widest) widest = margin, extreme = i;
    }
    ASSERT_GE(extreme, 0) << "an untrained network classifies every row right";
    const int last = net.layers() - 1;
    const float scale = static_cast<float>(120.0 / widest);
    MatrixView<float> W = net.weight(net.params, last);  // (12, K)
    for (int r = 0; r < W.rows; ++r)
        for (int k = 0; k < K; ++k) W(r, k) *= scale;
    if (float* b = net.bias(net.params, last))
        for (int k = 0; k < K; ++k) b[k] *= scale;
    Z = logits_of(net, subset, norm);
    const double* z_extreme = &Z[std::size_t(extreme) * K];
    const double extreme_loss = reference_loss(z_extreme, K, data->labels[extreme]);
    ASSERT_LT(std::exp(-extreme_loss), 1e-40);

    Workspace<float> ws(net.layout(), 64);  // batches of 64, 64 and 22
    const Context ctx = test::test_context();
    const Evaluation plain = evaluate(ctx, net, ws, subset, norm);
    const Evaluation e = evaluate(ctx, net, ws, subset, norm, {.confusion = true, .predictions = true});
    EXPECT_TRUE(plain.predictions.empty());
    EXPECT_TRUE(plain.confusion.empty());
    EXPECT_EQ(plain.loss, e.loss);
    EXPECT_EQ(plain.accuracy, e.accuracy);
    ASSERT_EQ(e.count, N);
    ASSERT_EQ(e.predictions.size(), std::size_t(N));

    double loss_sum = 0, reference_sum = 0;
    long correct = 0;
    std::vector<long> confusion(std::size_t(K) * K, 0);
    for (int i = 0; i < N; ++i) {
        const Prediction& p = e.predictions[i];
        const double* z = &Z[std::size_t(i) * K];
        const double reference = reference_loss(z, K, data->labels[i]);
        ASSERT_TRUE(std::isfinite(p.loss)) << "row " << i;
        EXPECT_EQ(p.row, i);
        EXPECT_EQ(p.label, data->labels[i]);
        EXPECT_EQ(p.predicted, arg_max(z, K)) << "row " << i;
        EXPECT_NEAR(p.loss, reference, 1e-5 * std::max(1.0, reference)) << "row " << i;
        // p(predicted) = exp(−loss against the predicted class).
        EXPECT_NEAR(p.confidence, std::exp(-reference_loss(z, K, p.predicted)), 1e-6) << "row " << i;
        loss_sum += p.loss;
        reference_sum += reference;
        correct += p.predicted == p.label;
        confusion[std::size_t(p.label) * K + p.predicted] += 1;
    }
    EXPECT_NEAR(e.predictions[extreme].loss, extreme_loss, 1e-6 * extreme_loss);
    EXPECT_NEAR(loss_sum / N, e.loss, 1e-6 * e.loss);
    EXPECT_NEAR(reference_sum / N, e.loss, 1e-6 * e.loss);
    EXPECT_EQ(correct, std::lround(e.accuracy * N));
    EXPECT_EQ(confusion, e.confusion);
}

TEST(Evaluate, PredictionsHoldSoftmaxConfidenceAndLossPerRowInSubsetOrder) {
    // Softmax regression on 2 features: logits = x · W with W = [[2, 0], [0, 1]].
    Architecture arch;
    arch.inputs = 2;
    arch.classes = 2;
    Network<float> net(arch);
    auto W = net.weight(net.params, 0);
    W(0, 0) = 2;
    W(1, 1) = 1;
    Dataset data;
    data.rows = 2;
    data.features = 2;
    data.classes = 2;
    data.f32 = {1, 0, 0, 3};  // row 0 → logits (2, 0); row 1 → (0, 3)
    data.labels = {0, 0};
    const Subset subset{&data, {1, 0}};
    const Normalizer norm = Normalizer::fit(NormalizeMode::none, subset);
    Workspace<float> ws(net.layout(), 1);
    const Evaluation e = evaluate(Context{}, net, ws, subset, norm, {.predictions = true});
    const auto& p = e.predictions;
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].row, 1);
    EXPECT_EQ(p[0].predicted, 1);
    EXPECT_NEAR(p[0].confidence, 1 / (1 + std::exp(-3.0)), 1e-6);
    EXPECT_NEAR(p[0].loss, std::log(1 + std::exp(3.0)), 1e-5);  // −log p(class 0)
    EXPECT_EQ(p[1].row, 0);
    EXPECT_EQ(p[1].predicted, 0);
    EXPECT_NEAR(p[1].loss, std::log(1 + std::exp(-2.0)), 1e-6);
    EXPECT_NEAR(e.loss, (p[0].loss + p[1].loss) / 2, 1e-6);
    EXPECT_EQ(e.accuracy, 0.5);
}

}  // namespace
}  // namespace mlp
