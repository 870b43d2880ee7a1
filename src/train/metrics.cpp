// Batched evaluation; sums in double in a fixed order.
#include "mlp/metrics.hpp"

#include <algorithm>
#include <numeric>

namespace mlp {

Evaluation evaluate(const Context& ctx, const Network<float>& net, Workspace<float>& ws, const Subset& subset, const Normalizer& norm,
                    bool with_confusion) {
    Evaluation result;
    const int N = subset.size();
    const int K = net.architecture().classes;
    if (with_confusion) result.confusion.assign(std::size_t(K) * K, 0);
    if (N == 0) return result;
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
        if (!with_confusion) continue;
        for (int i = 0; i < B; ++i) {
            const float* z = logits.row(i);
            const int predicted = static_cast<int>(std::max_element(z, z + K) - z);
            result.confusion[std::size_t(ws.labels[i]) * K + predicted] += 1;
        }
    }
    result.count = N;
    result.loss = loss_sum / N;
    result.accuracy = double(correct) / N;
    return result;
}

}  // namespace mlp
