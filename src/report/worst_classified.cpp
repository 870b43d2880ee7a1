// The grid of the misclassified images the model was most sure about (highest
// cross-entropy), with true and predicted labels. It runs no network: the predictions are
// evaluate()'s (metrics.hpp).
#include <algorithm>

#include "canvas.hpp"

namespace mlp {

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
