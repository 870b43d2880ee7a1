// `mlp units RUN_DIR --classes A,B`: the hidden units of a one-hidden-layer model whose
// outgoing weights most separate two classes, s_h = W2[h, A] − W2[h, B], drawn as the images
// of their incoming weights W1[:, h]; writes units.png and summary.md.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "commands.hpp"
#include "mlp/error.hpp"
#include "mlp/figures.hpp"
#include "mlp/file.hpp"
#include "mlp/safetensors.hpp"
#include "run_dir.hpp"

namespace mlp {
namespace {

int class_index(const std::string& name, const ModelInfo& info, int classes) {
    const auto at = std::find(info.class_names.begin(), info.class_names.end(), name);
    if (at != info.class_names.end()) return int(at - info.class_names.begin());
    char* end = nullptr;
    const long k = std::strtol(name.c_str(), &end, 10);
    require(!name.empty() && *end == '\0' && k >= 0 && k < classes,
            "--classes: '" + name + "' is neither a class name of the model nor an index in [0, " +
                std::to_string(classes) + ")");
    return int(k);
}

std::string class_name(int k, const ModelInfo& info) {
    return std::size_t(k) < info.class_names.size() ? info.class_names[k] : std::to_string(k);
}

}  // namespace

int units_command(const UnitsOptions& o) {
    ModelInfo info;
    auto net = load_model(model_path(o.model), &info);
    require(net->layers() == 2, "mlp units needs a model with exactly one hidden layer (this one has " +
                                    std::to_string(net->layers() - 1) + ")");
    require(o.classes.size() == 2, "--classes takes two classes: A,B (names or indices)");
    const int K = net->architecture().classes;
    const int a = class_index(o.classes[0], info, K), b = class_index(o.classes[1], info, K);
    require(a != b, "--classes: the two classes must differ");
    ConstView<float> W1 = net->weight(std::as_const(net->params), 0);
    ConstView<float> W2 = net->weight(std::as_const(net->params), 1);
    const int H = W2.rows, D = net->architecture().inputs;

    std::vector<int> order(H);
    std::iota(order.begin(), order.end(), 0);
    auto score = [&](int h) { return double(W2(h, a)) - double(W2(h, b)); };
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return std::abs(score(x)) > std::abs(score(y)); });
    const int top = std::min(o.top, H);

    std::vector<float> columns(std::size_t(D) * top);
    std::vector<std::string> labels;
    std::ostringstream md;
    md << "Hidden units of `" << run_dir_of(o.model) << "` ranked by |W2[h, " << class_name(a, info) << "] − W2[h, "
       << class_name(b, info) << "]|.\n\n| unit | score | favours |\n|---|---|---|\n";
    for (int i = 0; i < top; ++i) {
        const int h = order[i];
        for (int d = 0; d < D; ++d) columns[std::size_t(d) * top + i] = W1(d, h);
        const std::string favours = class_name(score(h) > 0 ? a : b, info);
        char text[64];
        std::snprintf(text, sizeof text, "unit %d: %+.2f", h, score(h));
        labels.push_back(std::string(text) + " (" + favours + ")");
        md << "| " << h << " | " << score(h) << " | " << favours << " |\n";
    }
    std::array<int, 3> shape = info.image_shape;
    require(shape[0] * shape[1] * shape[2] == D, "the model's inputs are not images; no weight pictures to draw");
    const std::string out = o.out.empty() ? run_dir_of(o.model) + "/units" : o.out;
    make_directories(out);
    write_png(out + "/units.png",
              weight_images_png(ConstView<float>(columns.data(), D, top), shape,
                                "Hidden units separating " + class_name(a, info) + " from " + class_name(b, info),
                                labels));
    write_file_atomic(out + "/summary.md", md.str());
    std::printf("wrote %s/units.png and summary.md\n", out.c_str());
    return 0;
}

}  // namespace mlp
