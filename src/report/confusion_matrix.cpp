// Confusion matrix: counts of (true, predicted) pairs on the test set, shaded by the
// fraction of the true class so that rare confusions still show.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"
#include "mlp/error.hpp"

namespace mlp {

Png confusion_matrix_png(const std::vector<long>& confusion, const std::vector<std::string>& class_names,
                         const std::string& title) {
    const int K = static_cast<int>(class_names.size());
    require(K >= 1 && confusion.size() == std::size_t(K) * K,
            "confusion matrix: expected " + std::to_string(K) + "x" + std::to_string(K) + " counts, got " +
                std::to_string(confusion.size()));
    const double cell = K <= 10 ? 46 : std::max(18.0, 460.0 / K);
    draw::Canvas probe(1, 1);
    double label_w = 0;
    for (const auto& name : class_names) label_w = std::max(label_w, probe.text_width(name, 11));
    const bool rotate = label_w > cell - 6;  // long column labels go diagonal
    const double column_label_h = rotate ? label_w * 0.71 + 10 : 18;
    const double left = 40 + label_w + 10, top = 44 + 16 + column_label_h;
    const double width = std::max(left + K * cell + 76, probe.text_width(title, 14, draw::Weight::bold) + 40);
    draw::Canvas c(width, top + K * cell + 20);
    c.text(width / 2, 12, title, 14, 0.5, 0.0, draw::kInk, draw::Weight::bold);
    c.text(left + K * cell / 2, 44, "predicted class", 11, 0.5, 0.0);
    c.text(16, top + K * cell / 2, "true class", 11, 0.5, 0.5, draw::kInk, draw::Weight::normal, -M_PI / 2);
    c.text(left + K * cell + 12, top - 6, "recall", 10, 0.0, 1.0, draw::kMuted);

    const double count_size = std::min(11.0, cell * 0.26);
    for (int t = 0; t < K; ++t) {
        long row_total = 0;
        for (int p = 0; p < K; ++p) row_total += confusion[std::size_t(t) * K + p];
        const double y = top + t * cell;
        c.text(left - 8, y + cell / 2, class_names[t], 11, 1.0, 0.5);
        for (int p = 0; p < K; ++p) {
            const long n = confusion[std::size_t(t) * K + p];
            // sqrt: a 1 % confusion is shaded visibly next to a 98 % diagonal.
            const double shade = row_total ? std::sqrt(double(n) / row_total) : 0.0;
            const double x = left + p * cell;
            c.fill_rect(x, y, cell, cell, draw::sequential(shade));
            if (n == 0) continue;
            const std::string label = std::to_string(n);
            c.text(x + cell / 2, y + cell / 2, label, c.fit(label, count_size, cell - 4), 0.5, 0.5,
                   shade > 0.55 ? draw::Rgb{1, 1, 1} : draw::kInk);
        }
        const double recall = row_total ? double(confusion[std::size_t(t) * K + t]) / row_total : 0.0;
        c.text(left + K * cell + 12, y + cell / 2, row_total ? draw::format("%.1f%%", 100 * recall) : "–", 10, 0.0, 0.5,
               draw::kMuted);
    }
    for (int p = 0; p < K; ++p) {
        const double x = left + p * cell + cell / 2;
        if (rotate) c.text(x, top - 6, class_names[p], 11, 0.0, 0.5, draw::kInk, draw::Weight::normal, -M_PI / 4);
        else c.text(x, top - 6, class_names[p], 11, 0.5, 1.0);
    }
    // Thin lines between cells, a frame around the matrix.
    for (int i = 1; i < K; ++i) {
        c.line(left + i * cell, top, left + i * cell, top + K * cell, {1, 1, 1}, 0.8);
        c.line(left, top + i * cell, left + K * cell, top + i * cell, {1, 1, 1}, 0.8);
    }
    c.stroke_rect(left, top, K * cell, K * cell, draw::kMuted, 0.8);
    return c.png();
}

}  // namespace mlp
