// Batched evaluation; sums in double in a fixed order. Every loss and probability comes from
// softmax_cross_entropy.hpp: the batch loss from softmax_cross_entropy() on the batch, a row's
// loss from the same function on that row alone, its confidence from softmax().
#include "mlp/metrics.hpp"

#include <algorithm>
#include <numeric>

namespace mlp {
namespace {

// −log softmax(z)[label] of one row of K logits, by the batch loss's own function: the row's
// term in the batch sum, bit for bit, and finite where softmax(z)[label] underflows to 0.
double row_loss(const float* z, int K, int label) {
    return softmax_cross_entropy<float>(ConstView<float>(z, 1, K), &label, MatrixView<float>()).loss;
}

}  // namespace

Evaluation evaluate(const Context& ctx, const Network<float>& net, Workspace<float>& ws, const Subset& subset, const Normalizer& norm,
                    EvaluationExtras extras) {
    const bool with_confusion = extras.confusion, with_predictions = extras.predictions;
    Evaluation result;
    const int N = subset.size();
    const int K = net.architecture().classes;
    if (with_confusion) result.confusion.assign(std::size_t(K) * K, 0);
    if (N == 0) return result;
    if (with_predictions) result.predictions.resize(N);
    std::vector<float> probabilities(with_predictions ? std::size_t(ws.max_batch) * K : 0);  // P: (max_batch, K)
    std::vector<int> order(N);
    std::iota(order.begin(), order.end(), 0);
    double loss_sum = 0.0;
    long correct = 0;
    for (int start = 0; start < N; start += ws.max_batch) {
        const int B = std::min(ws.max_batch, N - start);
        gather_batch(subset, order.data() + start, B, norm, ws.input, ws.labels.data());
        ConstView<float> logits = net.forward(ctx, ws, B);
        const LossResult batch = softmax_cross_entropy<float>(logits, ws.labels.data(), MatrixView<float>());
        loss_sum += batch.loss * B;
        correct += batch.correct;
        if (!with_confusion && !with_predictions) continue;
        const MatrixView<float> P(probabilities.data(), with_predictions ? B : 0, K);
        if (with_predictions) softmax<float>(logits, P);
        for (int i = 0; i < B; ++i) {
            const float* z = logits.row(i);
            const int label = ws.labels[i];
            const int predicted = static_cast<int>(std::max_element(z, z + K) - z);
            if (with_confusion) result.confusion[std::size_t(label) * K + predicted] += 1;
            if (!with_predictions) continue;
            Prediction& p = result.predictions[start + i];
            p.row = subset.indices[start + i];
            p.label = label;
            p.predicted = predicted;
            p.confidence = P(i, predicted);
            p.loss = static_cast<float>(row_loss(z, K, label));
        }
    }
    result.count = N;
    result.loss = loss_sum / N;
    result.accuracy = double(correct) / N;
    return result;
}

}  // namespace mlp
