// The figures of a report, each drawn with Cairo and returned as PNG bytes: learning
// curves, weight tiles, confusion matrix, image grids, network diagram. Figures draw what
// they are given; loading run directories and choosing what to draw is report.hpp's job.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mlp/architecture.hpp"
#include "mlp/dataset.hpp"
#include "mlp/gradient_cost.hpp"
#include "mlp/history.hpp"
#include "mlp/loss_landscape.hpp"
#include "mlp/metrics.hpp"
#include "mlp/network.hpp"

namespace mlp {

// An encoded PNG and its size in pixels. Figures are drawn at 2 pixels per layout unit,
// so a 480-unit-wide chart is a 960-pixel-wide PNG (sharp in print and on HiDPI screens).
struct Png {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> bytes;
};
// Writes png to path atomically.
void write_png(const std::string& path, const Png& png);

// --- learning_curves.cpp
// One run's history under a legend label.
struct CurveRun {
    std::string label;
    std::vector<HistoryRow> history;
};
// Loss (log scale when it spans a wide range) and accuracy (y-range zoomed onto the part
// where runs differ) against steps, epochs on the top axis; train dashed, validation
// solid, one colour per run. Runs without validation data draw train curves only.
// A non-empty title is set above both panels (figures that stand alone in a document).
Png learning_curves_png(const std::vector<CurveRun>& runs, const std::string& title = "");

// --- weight_images.cpp
// One tile per column of W (D, H) reshaped to image_shape {C, H, W}: grey inputs with a
// diverging blue–white–red map centred on zero, colour inputs as RGB around mid-grey.
// Each tile is scaled to its own largest |w|. tile_labels (optional) go under the tiles.
Png weight_images_png(ConstView<float> W, std::array<int, 3> image_shape, const std::string& title,
                      const std::vector<std::string>& tile_labels = {});

// --- confusion_matrix.cpp
// confusion: K×K counts, row = true class, column = predicted. Cells coloured by the
// fraction of their row, counts written in, per-class recall on the right.
Png confusion_matrix_png(const std::vector<long>& confusion, const std::vector<std::string>& class_names,
                         const std::string& title);

// --- image_grid.cpp
// One dataset image as C×H×W floats in [0, 1] (uint8 pixels / 255; float data min–max scaled).
struct GridImage {
    std::array<int, 3> shape{0, 0, 0};
    std::vector<float> pixels;
    std::vector<std::string> caption;  // lines under the image
    bool highlight = false;            // captions in red (a misclassification)
};
GridImage dataset_image(const Dataset& data, int row);
// Images in rows of `columns`, each with its caption; row_labels (optional) at the left.
Png image_grid_png(const std::vector<GridImage>& images, int columns, const std::string& title,
                   const std::vector<std::string>& row_labels = {});

// --- worst_classified.cpp
// The `count` misclassified rows with the highest loss, captioned true/predicted.
// predictions: evaluate()'s per-row predictions (metrics.hpp).
Png worst_classified_png(const Dataset& data, const std::vector<Prediction>& predictions, int count,
                         const std::vector<std::string>& class_names);

// --- sample_grid.cpp
// per_class random rows of each class of subset (drawn with seed), one class per grid row.
Png sample_grid_png(const Subset& subset, int per_class, std::uint64_t seed, const std::string& title);

// --- network_diagram.cpp
// Layers as columns of units with their widths, activations and per-layer parameter counts.
Png network_diagram_png(const Architecture& arch, std::array<int, 3> image_shape);

// --- contour_plot.cpp
// The loss over the two weights as a filled map with iso-lines (log-spaced above the
// minimum), each optimiser path as a line with a marker per step, the trained point marked.
Png contour_png(const Landscape& landscape, const std::string& a_name, const std::string& b_name,
                const std::string& title);

// --- search_chart.cpp
struct SearchTrialBar {
    std::string label;  // "trial-003: lr=0.01, hidden=[64]"
    double value;       // the metric; NaN for a failed trial
};
// Trials in the given order (best first) as bars of the metric; the best in another colour.
Png search_trials_png(const std::vector<SearchTrialBar>& trials, const std::string& metric, bool percent,
                      const std::string& title);

// --- gradient_cost_plot.cpp
// Seconds per gradient on a log axis, against depth and against width: backprop and naive
// measured, with the O(N·K²) and O(P²) predictions scaled through the measured points.
Png gradient_cost_png(const std::vector<GradientCostRow>& rows, const std::string& title);

}  // namespace mlp
