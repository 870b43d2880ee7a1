// mlp.Model: prediction, shapes and weight views (model.hpp).
#include "model.hpp"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <unistd.h>

#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/softmax_cross_entropy.hpp"
#include "run_dir.hpp"

namespace mlp::python {
namespace {

// A file name of our own under the temporary directory, removed when this goes out of scope.
class TemporaryFile {
public:
    TemporaryFile() {
        std::string pattern = (std::filesystem::temp_directory_path() / "mlp-model-XXXXXX").string();
        const int fd = mkstemp(pattern.data());
        require(fd >= 0, pattern + ": cannot create a temporary file");
        ::close(fd);
        path = pattern;
    }
    ~TemporaryFile() { std::filesystem::remove(path); }
    std::string path;
};

// The model as model.safetensors bytes, and back: Python's pickle of a Model.
py::bytes model_bytes(const Model& model) {
    TemporaryFile file;
    model.save(file.path);
    const std::vector<std::uint8_t> bytes = read_file(file.path);
    return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::shared_ptr<Model> model_from_bytes(const py::bytes& bytes, int threads) {
    TemporaryFile file;
    const std::string_view view = bytes;
    write_file_atomic(file.path, std::string(view));
    return Model::load(file.path, threads);
}

}  // namespace

Model::Model(std::unique_ptr<Network<float>> net, ModelInfo info, int threads)
    : net_(std::move(net)), info_(std::move(info)), team_(threads) {
    const int K = net_->architecture().classes;
    if (static_cast<int>(info_.class_names.size()) != K) {
        info_.class_names.clear();
        for (int k = 0; k < K; ++k) info_.class_names.push_back(std::to_string(k));
    }
}

std::shared_ptr<Model> Model::load(const std::string& run_dir_or_file, int threads) {
    ModelInfo info;
    std::unique_ptr<Network<float>> net = load_model(model_path(run_dir_or_file), &info);
    return std::make_shared<Model>(std::move(net), std::move(info), threads);
}

void Model::save(const std::string& path) const { save_model(path, *net_, info_); }

py::array_t<float> Model::predict_proba(const py::array& x) {
    const int D = net_->architecture().inputs, K = net_->architecture().classes;
    const FeatureRows rows(x, D, "x");
    py::array_t<float> probabilities(x.ndim() == 1 ? std::vector<py::ssize_t>{K}
                                                   : std::vector<py::ssize_t>{rows.rows, K});
    float* out = probabilities.mutable_data();
    const Dataset data = rows.dataset();  // dropped after the GIL is held again
    {
        py::gil_scoped_release unlocked;
        const SignalsHeld held;
        std::lock_guard<std::mutex> lock(team_mutex_);
        // As `mlp predict`: normalised batches of up to 256 rows, softmax of the logits. The
        // rows are read in place, each batch checked to be finite just before it is used.
        const int max_batch = std::min(256, rows.rows);
        Workspace<float> ws(net_->layout(), max_batch);
        const Context ctx{&team_};
        Subset batch{&data, std::vector<int>(max_batch)};
        std::vector<int> order(max_batch);
        std::iota(order.begin(), order.end(), 0);
        for (int start = 0; start < rows.rows; start += max_batch) {
            const int B = std::min(max_batch, rows.rows - start);
            rows.check_finite(start, B);
            std::iota(batch.indices.begin(), batch.indices.begin() + B, start);
            gather_batch(batch, order.data(), B, info_.normalizer, ws.input, nullptr);
            softmax<float>(net_->forward(ctx, ws, B), MatrixView<float>(out + std::size_t(start) * K, B, K));
        }
    }
    return probabilities;
}

py::object Model::predict(const py::array& x) {
    const py::array_t<float> p = predict_proba(x);
    const int K = net_->architecture().classes;
    const py::ssize_t N = p.ndim() == 1 ? 1 : p.shape(0);
    py::array_t<std::int64_t> classes(N);
    for (py::ssize_t i = 0; i < N; ++i) {
        const float* row = p.data() + i * K;
        classes.mutable_data()[i] = std::max_element(row, row + K) - row;
    }
    if (p.ndim() == 1) return py::int_(classes.data()[0]);
    return classes;
}

void bind_model(py::module_& m) {
    py::class_<Model, std::shared_ptr<Model>>(m, "Model", R"(A trained network: predictions, shapes and weights.

Weights and biases are NumPy views of the network's own memory: writing to them changes
the model.)")
        .def_static(
            "load", [](const std::filesystem::path& path, int threads) { return Model::load(path.string(), threads); },
            py::arg("run_dir"), py::arg("threads") = 1,
                    "Loads RUN_DIR/model.safetensors (or a model file); threads: the team predictions run on.")
        .def("predict_proba", &Model::predict_proba, py::arg("x"),
             "Class probabilities of one row (D,) -> (K,) or of rows (N, ...) -> (N, K); uint8 or float "
             "features, normalised with the model's saved statistics as `mlp predict` does.")
        .def("predict", &Model::predict, py::arg("x"), "The most probable class index of each row.")
        .def(
            "save", [](const Model& m, const std::filesystem::path& path) { m.save(path.string()); }, py::arg("path"), "Writes the model as model.safetensors (atomically).")
        .def_property_readonly("inputs", [](const Model& m) { return m.network().architecture().inputs; })
        .def_property_readonly("classes", [](const Model& m) { return m.network().architecture().classes; })
        .def_property_readonly("hidden", [](const Model& m) { return m.network().architecture().hidden; })
        .def_property_readonly("activation",
                               [](const Model& m) { return activation_name(m.network().architecture().activation.kind); })
        .def_property_readonly("bias", [](const Model& m) { return bias_mode_name(m.network().architecture().bias); })
        .def_property_readonly("class_names", [](const Model& m) { return m.info().class_names; })
        .def_property_readonly("image_shape", [](const Model& m) { return m.info().image_shape; })
        .def_property_readonly("parameters", [](const Model& m) { return m.network().layout().parameters; })
        .def_property_readonly(
            "layer_shapes",
            [](const Model& m) {
                std::vector<std::pair<int, int>> shapes;
                for (const LayerLayout& l : m.network().layout().layers) shapes.emplace_back(l.in, l.out);
                return shapes;
            },
            "(inputs, outputs) of each dense layer: W_l has this shape.")
        .def_property_readonly(
            "weights",
            [](py::object self) {
                Model& m = self.cast<Model&>();
                py::list views;
                for (int l = 0; l < m.network().layers(); ++l) {
                    const MatrixView<float> W = m.network().weight(m.network().params, l);
                    views.append(matrix_view(W.data, W.rows, W.cols, self));
                }
                return views;
            },
            "W_l of shape (inputs, outputs), one per dense layer: Y = X·W + b.")
        .def_property_readonly(
            "biases",
            [](py::object self) {
                Model& m = self.cast<Model&>();
                py::list views;
                for (int l = 0; l < m.network().layers(); ++l) {
                    float* b = m.network().bias(m.network().params, l);
                    if (b) views.append(vector_view(b, m.network().layout().layers[l].out, self));
                    else views.append(py::none());
                }
                return views;
            },
            "b_l of shape (outputs,), or None for a layer without bias (the bias trick).")
        .def_property_readonly(
            "normalization",
            [](py::object self) {
                Model& m = self.cast<Model&>();
                Normalizer& n = m.info().normalizer;
                const int D = m.network().architecture().inputs;
                py::dict d;
                d["mode"] = normalize_name(n.mode);
                d["mean"] = n.mean.empty() ? py::object(py::none()) : py::object(vector_view(n.mean.data(), D, self));
                d["inv_std"] = n.inv_std.empty() ? py::object(py::none()) : py::object(vector_view(n.inv_std.data(), D, self));
                return d;
            },
            "x' = (x - mean) * inv_std per feature, applied by predict and predict_proba.")
        .def("__repr__",
             [](const Model& m) {
                 std::string widths = std::to_string(m.network().architecture().inputs);
                 for (int h : m.network().architecture().hidden) widths += "-" + std::to_string(h);
                 widths += "-" + std::to_string(m.network().architecture().classes);
                 return "<mlp.Model " + widths + " " + activation_name(m.network().architecture().activation.kind) +
                        ", " + std::to_string(m.network().layout().parameters) + " parameters>";
             })
        .def(py::pickle([](const Model& m) { return model_bytes(m); },
                        [](const py::bytes& bytes) { return model_from_bytes(bytes, 1); }));
}

}  // namespace mlp::python
