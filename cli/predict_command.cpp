// `mlp predict`: class probabilities of a saved model for new inputs — image files (decoded
// and resized to the model's image shape), .npy arrays or .csv rows — normalised with the
// statistics saved in the model.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "commands.hpp"
#include "config.hpp"
#include "mlp/csv.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/gemm.hpp"
#include "mlp/image_folder.hpp"
#include "mlp/npy.hpp"
#include "mlp/safetensors.hpp"
#include "mlp/softmax_cross_entropy.hpp"
#include "run_dir.hpp"

namespace mlp {
namespace {

std::string extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

// The rows of one input file as a Dataset of D features (labels unused, all 0).
Dataset read_input(const std::string& path, int D, const ModelInfo& info, const std::string& run_dir) {
    Dataset data;
    data.name = path;
    data.features = D;
    if (is_image_file(path)) {
        const auto& s = info.image_shape;
        require(s[0] > 0, path + ": the model was trained on " + std::to_string(D) +
                              " non-image features; give an .npy or .csv input");
        std::array<int, 3> shape{};
        data.u8 = read_image(path, ImageOptions{s[1], s[2], s[0] == 1}, shape);
        require(shape[0] * shape[1] * shape[2] == D, path + ": decoded to " + std::to_string(data.u8.size()) +
                                                         " values, the model takes " + std::to_string(D));
        data.rows = 1;
    } else if (extension(path) == ".npy") {
        const NpyArray array = read_npy(path);
        const std::size_t n = array.count();
        require(n > 0 && n % D == 0, path + ": " + std::to_string(n) + " values, expected a multiple of the model's " +
                                         std::to_string(D) + " inputs (shape (D,) or (N, D))");
        data.rows = static_cast<int>(n / D);
        if (array.header.kind == 'u' && array.header.item_size == 1) data.u8 = array.bytes;
        else data.f32 = npy_floats(array, path);
    } else if (extension(path) == ".csv" || extension(path) == ".txt") {
        const std::string text = read_text(path);
        CsvOptions options;
        options.has_label = false;
        if (csv_width(text, path) == D + 1) {
            // Rows with their label column: the run's config says which column that is.
            const std::string config_path = run_dir + "/config.toml";
            if (file_exists(config_path)) {
                const Config config = load_config(config_path);
                options.label_name = config.data.label_column;
                options.label_index = config.data.label_index;
                options.header = config.data.header;
            }
            options.has_label = true;
        }
        const CsvTable table = parse_csv(text, path, options);
        require(table.features == D, path + ": rows have " + std::to_string(table.features) +
                                         " feature columns, the model takes " + std::to_string(D));
        data.rows = table.rows;
        data.f32 = std::move(table.values);
    } else {
        throw Error(path + ": unknown input type (expected an image file, .npy or .csv)");
    }
    data.labels.assign(data.rows, 0);
    return data;
}

}  // namespace

int predict_command(const PredictOptions& options) {
    ModelInfo info;
    auto net = load_model(model_path(options.model), &info);
    const int D = net->architecture().inputs, K = net->architecture().classes;
    std::vector<std::string> names = info.class_names;
    if (static_cast<int>(names.size()) != K) {
        names.clear();
        for (int k = 0; k < K; ++k) names.push_back(std::to_string(k));
    }
    std::printf("model: %s (%d inputs, %d classes)\n", model_path(options.model).c_str(), D, K);
    const int max_batch = 256;
    ThreadTeam team(options.threads);
    const Context ctx{&team};
    Workspace<float> ws(net->layout(), max_batch);
    std::vector<float> probabilities(std::size_t(max_batch) * K);
    std::string csv;  // --csv: one line per row, every input file's rows in order
    for (const std::string& path : options.inputs) {
        const Dataset data = read_input(path, D, info, run_dir_of(options.model));
        const Subset all{&data, [&] {
                             std::vector<int> rows(data.rows);
                             std::iota(rows.begin(), rows.end(), 0);
                             return rows;
                         }()};
        std::printf("input: %s (%d row%s)\n", path.c_str(), data.rows, data.rows == 1 ? "" : "s");
        const bool table = K <= 12;
        if (table) {
            std::printf("%-6s %-14s %8s", "row", "predicted", "p");
            for (const auto& name : names) std::printf(" %*s", static_cast<int>(std::max<std::size_t>(8, name.size())),
                                                       name.c_str());
            std::printf("\n");
        }
        for (int start = 0; start < data.rows; start += max_batch) {
            const int B = std::min(max_batch, data.rows - start);
            gather_batch(all, all.indices.data() + start, B, info.normalizer, ws.input, ws.labels.data());
            MatrixView<float> P(probabilities.data(), B, K);
            softmax<float>(net->forward(ctx, ws, B), P);
            for (int i = 0; i < B; ++i) {
                const float* p = P.row(i);
                std::vector<int> order(K);
                std::iota(order.begin(), order.end(), 0);
                std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p[a] > p[b]; });
                for (int k = 0; k < K; ++k) {
                    char value[32];
                    std::snprintf(value, sizeof value, "%s%.9g", k ? "," : "", double(p[k]));
                    csv += value;
                }
                csv += "\n";
                std::printf("%-6d %-14s %8.4f", start + i + 1, names[order[0]].c_str(), p[order[0]]);
                if (table) {
                    for (int k = 0; k < K; ++k)
                        std::printf(" %*.4f", static_cast<int>(std::max<std::size_t>(8, names[k].size())), p[k]);
                } else {
                    std::printf("  top 5:");
                    for (int k = 0; k < std::min(K, 5); ++k)
                        std::printf(" %s %.4f", names[order[k]].c_str(), p[order[k]]);
                }
                std::printf("\n");
            }
        }
    }
    if (!options.csv.empty()) {
        std::string header;
        for (int k = 0; k < K; ++k) header += (k ? "," : "") + names[k];
        write_file_atomic(options.csv, header + "\n" + csv);
    }
    return 0;
}

}  // namespace mlp
