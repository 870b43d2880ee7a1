// write_report: decides which figures a set of runs gets, draws them, and writes the PNGs,
// the summary tables and report.html. Figures that need data the run lacks (test images
// that cannot be loaded, a non-image input) become a note on the page, not an error.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "canvas.hpp"
#include "html_page.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/report.hpp"
#include "mlp/version.hpp"

namespace mlp {
namespace {

constexpr int kWorstCount = 32;
constexpr int kSamplesPerClass = 8;

std::string slug(const std::string& label) {
    std::string out;
    for (char ch : label) out += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.') ? ch : '_';
    return out.empty() ? "run" : out;
}

std::string json_text(const nlohmann::json& m, const char* key) {
    const auto it = m.find(key);
    if (it == m.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::vector<std::string> class_names_of(const ReportRun& run, int K) {
    if (run.info.class_names.size() == std::size_t(K)) return run.info.class_names;
    std::vector<std::string> names;
    for (int k = 0; k < K; ++k) names.push_back(std::to_string(k));
    return names;
}

PageSection run_section(const ReportRun& run, int index, const std::string& dir) {
    PageSection s;
    s.id = "run-" + std::to_string(index + 1);
    s.title = "Run: " + run.label;
    s.subtitle = "run directory " + run.dir;
    const std::string n = std::to_string(index + 1);
    const Network<float>& net = *run.net;
    const Architecture& arch = net.architecture();
    const int K = arch.classes;
    const auto names = class_names_of(run, K);

    s.figures.push_back({"fig-network-" + n, "Network", "Layers, widths, activations and parameters per layer.",
                         dir + "network.png", network_diagram_png(arch, run.info.image_shape)});

    const auto [C, H, W] = run.info.image_shape;
    const ConstView<float> W1 = net.weight(net.params, 0);  // (D, H1), or (D, K) for softmax regression
    if (C > 0 && std::size_t(C) * H * W == std::size_t(W1.rows)) {
        const bool regression = arch.hidden.empty();
        s.figures.push_back(
            {"fig-weights-" + n, regression ? "Weights per class" : "First-layer weights",
             regression ? "The incoming weights of each output unit (class), in the input's shape; red raises the "
                          "class score, blue lowers it."
                        : "The incoming weights of each of the " + std::to_string(W1.cols) +
                              " first hidden units, in the input's shape; red excites the unit, blue inhibits it.",
             dir + "weights.png",
             weight_images_png(W1, run.info.image_shape,
                               regression ? "Weights W1 per class (" + std::to_string(W1.rows) + " inputs)"
                                          : "W1: incoming weights of " + std::to_string(W1.cols) + " hidden units",
                               regression ? names : std::vector<std::string>{})});
    } else {
        s.notes.push_back("No weight images: the model's inputs are not images of a known shape.");
    }

    const auto confusion = run.metrics.find("confusion_test");
    if (confusion != run.metrics.end() && confusion->is_array() && confusion->size() == std::size_t(K) * K) {
        const auto counts = confusion->get<std::vector<long>>();
        long total = 0, correct = 0;
        for (int t = 0; t < K; ++t)
            for (int p = 0; p < K; ++p) {
                total += counts[std::size_t(t) * K + p];
                if (t == p) correct += counts[std::size_t(t) * K + p];
            }
        const std::string title = "Confusion matrix, test set: " +
                                  draw::format("%.2f%%", total ? 100.0 * double(correct) / double(total) : 0.0) +
                                  " of " + draw::thousands(total) + " correct";
        s.figures.push_back({"fig-confusion-" + n, "Confusion matrix",
                             "Rows are the true class, columns the prediction; shading is the square root of the "
                             "row fraction, so that rare confusions show.",
                             dir + "confusion.png", confusion_matrix_png(counts, names, title)});
    } else {
        s.notes.push_back("No confusion matrix: metrics.json has no " + std::to_string(K) + "x" + std::to_string(K) +
                          " confusion_test.");
    }

    if (run.data != nullptr && run.data->test_data->features == arch.inputs && run.data->test_data->image_shape[0] > 0) {
        const Subset& test = run.data->test;
        Workspace<float> ws(net.layout(), std::clamp(test.size(), 1, 1000));
        const auto predictions = evaluate(Context{}, net, ws, test, run.info.normalizer,  // a report: one thread
                                          {.predictions = true})
                                     .predictions;
        s.figures.push_back({"fig-worst-" + n, "Worst-classified test images",
                             "Misclassified test images with the highest cross-entropy: the model was most sure "
                             "and wrong. Percentages are its confidence in the wrong class.",
                             dir + "worst_classified.png", worst_classified_png(*run.data->test_data, predictions,
                                                                               kWorstCount, names)});
        const std::uint64_t seed = run.metrics.contains("seed") && run.metrics["seed"].is_number_unsigned()
                                       ? run.metrics["seed"].get<std::uint64_t>()
                                       : 0;
        s.figures.push_back({"fig-samples-" + n, "Training data",
                             "Random training images of every class, as the network sees them before normalisation.",
                             dir + "samples.png",
                             sample_grid_png(run.data->train, kSamplesPerClass, seed,
                                             run.data->train_data->name + ": " + std::to_string(kSamplesPerClass) +
                                                 " random training images per class")});
    } else {
        s.notes.push_back("No worst-classified or sample images: " +
                          (run.data_note.empty() ? std::string("the run's data are not images") : run.data_note));
    }

    const nlohmann::json& m = run.metrics;
    for (const char* key : {"seed", "version", "gemm", "threads", "steps", "epochs", "best_step", "seconds"}) {
        const std::string v = json_text(m, key);
        if (!v.empty()) s.facts.push_back({key, v});
    }
    if (m.contains("normalization") && m["normalization"].is_object())
        s.facts.push_back({"normalization", m["normalization"].dump()});
    if (m.contains("data_sha256") && m["data_sha256"].is_object())
        for (const auto& [file, sum] : m["data_sha256"].items())
            s.facts.push_back({"sha256 " + file, sum.is_string() ? sum.get<std::string>() : sum.dump()});
    s.config_toml = run.config_toml;
    return s;
}

}  // namespace

std::string write_report(const std::vector<ReportRun>& runs, const std::string& out_dir) {
    require(!runs.empty(), "report: no run directories given");
    for (const auto& run : runs) require(run.net != nullptr, run.dir + ": no model loaded");
    Page page;
    std::string names;
    for (const auto& run : runs) names += (names.empty() ? "" : ", ") + run.label;
    page.title = runs.size() == 1 ? "Run report: " + runs[0].label : "Comparison of " + std::to_string(runs.size()) + " runs";
    page.subtitle = (runs.size() == 1 ? "" : names + " · ") + "made by mlp " + std::string(kVersion);
    page.summary_table = summary_html(runs);

    std::vector<CurveRun> curves;
    for (const auto& run : runs) curves.push_back({run.label, run.history});
    PageSection overview;
    overview.id = "curves";
    overview.title = "Learning curves";
    overview.figures.push_back(
        {"fig-learning-curves", runs.size() == 1 ? "Loss and accuracy" : "Loss and accuracy, runs overlaid",
         "Against training steps (epochs on the top axis), at every validation check. Train values (dashed) are "
         "running means over the steps since the previous check unless train.train_metrics = \"full\"; validation "
         "(solid) is measured on the held-out split.",
         "figures/learning_curves.png", learning_curves_png(curves)});
    page.sections.push_back(std::move(overview));
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const std::string dir = runs.size() == 1 ? "figures/" : "figures/" + slug(runs[i].label) + "/";
        page.sections.push_back(run_section(runs[i], int(i), dir));
    }

    for (const auto& section : page.sections)
        for (const auto& figure : section.figures) {
            const std::string path = out_dir + "/" + figure.file;
            make_directories(path.substr(0, path.rfind('/')));
            write_png(path, figure.png);
        }
    write_file_atomic(out_dir + "/summary.md", summary_markdown(runs));
    write_file_atomic(out_dir + "/summary.csv", summary_csv(runs));
    const std::string html = out_dir + "/report.html";
    write_file_atomic(html, page_html(page));
    return html;
}

}  // namespace mlp
