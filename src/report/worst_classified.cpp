// Per-image predictions of a model on a subset, and the grid of the misclassified images
// the model was most sure about (highest cross-entropy), with true and predicted labels.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "canvas.hpp"

namespace mlp {

std::vector<Prediction> predict(const Network<float>& net, const Subset& subset, const Normalizer& norm) {
    const int N = subset.size(), K = net.architecture().classes;
    std::vector<Prediction> out(N);
    if (N == 0) return out;
    Workspace<float> ws(net.layout(), std::min(N, 1000));
    std::vector<int> order(N);
    std::iota(order.begin(), order.end(), 0);
    for (int start = 0; start < N; start += ws.max_batch) {
        const int B = std::min(ws.max_batch, N - start);
        gather_batch(subset, order.data() + start, B, norm, ws.input, ws.labels.data());
        ConstView<float> logits = net.forward(Context{}, ws, B);  // a report: one thread
        for (int i = 0; i < B; ++i) {
            const float* z = logits.row(i);
            const int predicted = static_cast<int>(std::max_element(z, z + K) - z);
            double sum = 0;  // log-sum-exp around the largest logit
            for (int k = 0; k < K; ++k) sum += std::exp(double(z[k]) - z[predicted]);
            const double lse = z[predicted] + std::log(sum);
            Prediction& p = out[start + i];
            p.row = subset.indices[start + i];
            p.label = ws.labels[i];
            p.predicted = predicted;
            p.confidence = float(1.0 / sum);
            p.loss = float(lse - z[p.label]);
        }
    }
    return out;
}

Png worst_classified_png(const Dataset& data, const std::vector<Prediction>& predictions, int count,
                         const std::vector<std::string>& class_names) {
    std::vector<const Prediction*> wrong;
    for (const auto& p : predictions)
        if (p.predicted != p.label) wrong.push_back(&p);
    std::stable_sort(wrong.begin(), wrong.end(), [](const Prediction* a, const Prediction* b) { return a->loss > b->loss; });
    const std::size_t total_wrong = wrong.size();
    if (wrong.size() > std::size_t(count)) wrong.resize(count);
    auto name = [&](int k) { return k < int(class_names.size()) ? class_names[k] : std::to_string(k); };
    std::vector<GridImage> images;
    for (const Prediction* p : wrong) {
        GridImage image = dataset_image(data, p->row);
        image.caption = {"true " + name(p->label), "pred " + name(p->predicted) + draw::format(" · %.0f%%", 100.0 * p->confidence)};
        image.highlight = true;
        images.push_back(std::move(image));
    }
    const std::string title =
        total_wrong == 0 ? "No misclassified test images"
                         : "Worst-classified test images: " + std::to_string(wrong.size()) + " of " +
                               draw::thousands(long(total_wrong)) + " errors, most confident first";
    return image_grid_png(images, std::min<int>(8, std::max<int>(1, int(images.size()))), title);
}

}  // namespace mlp
