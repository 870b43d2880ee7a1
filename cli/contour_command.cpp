// `mlp contour RUN_DIR`: the loss over two weights of a trained model (all others fixed)
// with gradient-descent and momentum trajectories; writes contour.png, contour.csv,
// trajectories.csv and summary.md.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "commands.hpp"
#include "config.hpp"
#include "mlp/error.hpp"
#include "mlp/figures.hpp"
#include "mlp/file.hpp"
#include "mlp/loss_landscape.hpp"
#include "mlp/safetensors.hpp"
#include "run_dir.hpp"

namespace mlp {
namespace {

// Row of the first layer's weight matrix fed by pixel (row, column) of the input images.
int pixel_row(const ModelInfo& info, int inputs, const std::vector<int>& pixel) {
    require(pixel.size() == 2, "--pixel takes two numbers: ROW,COLUMN");
    const int height = info.image_shape[1], width = info.image_shape[2];
    require(height > 0 && width > 0, "--pixel needs a model trained on images; use --input instead");
    require(pixel[0] >= 0 && pixel[0] < height && pixel[1] >= 0 && pixel[1] < width,
            "--pixel " + std::to_string(pixel[0]) + "," + std::to_string(pixel[1]) + " is outside the " +
                std::to_string(height) + "x" + std::to_string(width) + " image");
    const int row = pixel[0] * width + pixel[1];
    require(row < inputs, "--pixel maps past the model's inputs");
    return row;
}

// "W1[377, 0]: pixel (13,13) → class 0" — the axis title of one weight.
std::string weight_name(const ContourOptions& o, const ModelInfo& info, int row, int column) {
    std::string name = "W1[" + std::to_string(row) + ", " + std::to_string(column) + "]: ";
    name += o.input >= 0 ? "input " + std::to_string(row)
                         : "pixel (" + std::to_string(o.pixel[0]) + "," + std::to_string(o.pixel[1]) + ")";
    const bool named = std::size_t(column) < info.class_names.size();
    return name + " \u2192 class " + (named ? info.class_names[column] : std::to_string(column));
}

std::string grid_csv(const Landscape& L) {
    std::ostringstream out;
    out.precision(9);
    out << "a,b,loss\n";
    for (std::size_t j = 0; j < L.b_values.size(); ++j)
        for (std::size_t i = 0; i < L.a_values.size(); ++i)
            out << L.a_values[i] << ',' << L.b_values[j] << ',' << L.loss[j * L.a_values.size() + i] << '\n';
    return out.str();
}

std::string trajectories_csv(const Landscape& L) {
    std::ostringstream out;
    out.precision(9);
    out << "momentum,step,a,b,loss\n";
    for (const auto& t : L.trajectories)
        for (std::size_t s = 0; s < t.points.size(); ++s)
            out << t.momentum << ',' << s << ',' << t.points[s].a << ',' << t.points[s].b << ',' << t.points[s].loss
                << '\n';
    return out.str();
}

std::string summary_md(const Landscape& L, const LandscapeSettings& s) {
    std::ostringstream md;
    char text[640];
    std::snprintf(text, sizeof text,
                  "Weights W1[%d, %d] (a) and W1[%d, %d] (b), trained values a = %.4f, b = %.4f; loss = cross-entropy "
                  "summed over %d training rows; paths start at (a%+.2f, b%+.2f), lr %g, %d steps.\n\n",
                  s.pair.row, s.pair.column_a, s.pair.row, s.pair.column_b, L.trained_a, L.trained_b, s.examples,
                  s.start_offset_a, s.start_offset_b, s.lr, s.steps);
    md << text << "| momentum | start loss | final loss | final a | final b |\n|---|---|---|---|---|\n";
    for (const auto& t : L.trajectories) {
        const TrajectoryPoint& end = t.points.back();
        std::snprintf(text, sizeof text, "| %.2f | %.3f | %.3f | %.4f | %.4f |\n", t.momentum, t.points.front().loss,
                      end.loss, end.a, end.b);
        md << text;
    }
    return md.str();
}

}  // namespace

int contour_command(const ContourOptions& o) {
    const std::string dir = run_dir_of(o.model);
    const Config config = load_config(dir + "/config.toml", {});
    ModelInfo info;
    auto net = load_model(model_path(o.model), &info);
    const DataSplits data = load_data(config.data);
    require(data.train.size() > 0, "the run's config has no training data");
    require(o.classes.size() == 2, "--classes takes two output classes: A,B");

    LandscapeSettings s;
    s.pair.layer = 0;
    s.pair.row = o.input >= 0 ? o.input : pixel_row(info, net->architecture().inputs, o.pixel);
    s.pair.column_a = o.classes[0];
    s.pair.column_b = o.classes[1];
    s.examples = std::min(o.examples, data.train.size()), s.grid = o.grid, s.half_width = o.half_width;
    s.lr = o.lr, s.steps = o.steps, s.momenta = o.momenta;
    s.start_offset_a = o.start[0], s.start_offset_b = o.start[1];
    const Landscape L = loss_landscape(*net, data.train, info.normalizer, s);

    const std::string out = o.out.empty() ? dir + "/contour" : o.out;
    make_directories(out);
    write_file_atomic(out + "/contour.csv", grid_csv(L));
    write_file_atomic(out + "/trajectories.csv", trajectories_csv(L));
    write_file_atomic(out + "/summary.md", summary_md(L, s));
    write_png(out + "/contour.png", contour_png(L, weight_name(o, info, s.pair.row, s.pair.column_a),
                                                weight_name(o, info, s.pair.row, s.pair.column_b),
                                                "Loss over two weights, others fixed at their trained values"));
    std::printf("trained weights: a = %.5f, b = %.5f (layer 1, input %d, outputs %d and %d)\n", L.trained_a,
                L.trained_b, s.pair.row, s.pair.column_a, s.pair.column_b);
    for (const auto& t : L.trajectories)
        std::printf("momentum %.2f: loss %.4f -> %.4f after %zu steps (lr %g)\n", t.momentum, t.points.front().loss,
                    t.points.back().loss, t.points.size() - 1, s.lr);
    std::printf("wrote %s/contour.png, contour.csv, trajectories.csv and summary.md\n", out.c_str());
    return 0;
}

}  // namespace mlp
