// The public API's Model and Predictor (mlp/mlp.hpp): a Network with what it was trained
// on, over the engine's Trainer, evaluate(), forward pass and safetensors files.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "mlp/image_folder.hpp"
#include "mlp/init.hpp"
#include "mlp/metrics.hpp"
#include "mlp/schedule.hpp"
#include "mlp/trainer.hpp"
#include "state.hpp"

namespace mlp {

Architecture to_architecture(const NetworkSpec& spec) {
    Architecture arch;
    arch.inputs = spec.inputs;
    arch.hidden = spec.hidden;
    arch.classes = spec.classes;
    arch.activation.kind = parse_activation(spec.activation);
    arch.activation.slope = spec.leaky_slope;
    arch.bias = parse_bias_mode(spec.bias);
    arch.dropout = spec.dropout;
    arch.input_dropout = spec.input_dropout;
    validate(arch);
    return arch;
}

NetworkSpec to_spec(const Architecture& arch) {
    NetworkSpec spec;
    spec.inputs = arch.inputs;
    spec.hidden = arch.hidden;
    spec.classes = arch.classes;
    spec.activation = activation_name(arch.activation.kind);
    spec.leaky_slope = arch.activation.slope;
    spec.bias = bias_mode_name(arch.bias);
    spec.dropout = arch.dropout;
    spec.input_dropout = arch.input_dropout;
    return spec;
}

Model Access::make_model(NetworkSpec spec, std::unique_ptr<Network<float>> net, ModelInfo info) {
    Model model;
    model.state_ = std::make_unique<Model::State>(Model::State{std::move(spec), std::move(net), std::move(info)});
    return model;
}

Model::Model() = default;
Model::~Model() = default;
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;

Model::Model(const NetworkSpec& spec, std::uint64_t seed) {
    require(spec.inputs >= 1 && spec.classes >= 1, "network: " + std::to_string(spec.inputs) + " inputs and " +
                                                       std::to_string(spec.classes) +
                                                       " classes, expected at least 1 of each");
    auto net = std::make_unique<Network<float>>(to_architecture(spec));
    Rng rng = Rng::for_purpose(seed, "init");
    initialize(*net, Init{parse_init(spec.init), spec.init_scale}, rng);
    ModelInfo info;  // untrained: raw features go in as they are
    info.normalizer.mean.assign(spec.inputs, 0.0f);
    info.normalizer.inv_std.assign(spec.inputs, 1.0f);
    *this = Access::make_model(spec, std::move(net), std::move(info));
}

Model Model::load(const std::string& path) {
    std::error_code ec;
    const std::string file = std::filesystem::is_directory(path, ec) ? path + "/model.safetensors" : path;
    ModelInfo info;
    auto net = load_model(file, &info);
    NetworkSpec spec = to_spec(net->architecture());
    return Access::make_model(std::move(spec), std::move(net), std::move(info));
}

void Model::save(const std::string& path) const { save_model(path, *state_->net, state_->info); }
NetworkSpec Model::spec() const { return state_->spec; }
std::size_t Model::parameters() const { return state_->net->layout().parameters; }
std::vector<std::string> Model::class_names() const { return state_->info.class_names; }

TrainSummary Model::train(const Runtime& runtime, const Data& data, const TrainConfig& config,
                          const std::function<void(const TrainProgress&)>& progress) {
    const DataSplits& splits = Access::splits(data);
    Network<float>& net = *state_->net;
    const Architecture& arch = net.architecture();
    require(data.features() == arch.inputs && data.classes() == arch.classes,
            "train: the data have " + std::to_string(data.features()) + " features and " +
                std::to_string(data.classes()) + " classes, expected the network's " + std::to_string(arch.inputs) +
                " and " + std::to_string(arch.classes));
    TrainSettings s;
    s.epochs = config.epochs;
    s.max_steps = config.max_steps;
    s.batch_size = config.batch_size;
    s.lr = config.lr;
    s.optimizer = OptimizerSettings{parse_optimizer(config.optimizer), config.momentum, config.beta1, config.beta2,
                                    config.epsilon};
    s.l2 = config.l2;
    s.max_norm = config.max_norm;
    s.lr_decay = config.lr_decay;
    s.l2_biases = config.l2_biases;
    s.schedule = LrSchedule{parse_schedule(config.schedule), config.step_epochs, config.step_gamma,
                            config.warmup_epochs};
    s.label_smoothing = config.label_smoothing;
    s.augment = Augmentation{config.augment_translate, config.augment_flip, config.augment_elastic_alpha,
                             config.augment_elastic_sigma};
    s.validations_per_epoch = config.validations_per_epoch;
    s.patience = config.patience;
    s.seed = config.seed;
    s.threads = runtime.threads();
    s.gemm = Access::context(runtime).backend;
    Trainer trainer(net, s, splits);
    const TrainResult r = trainer.run([&](const Progress& p) {
        if (!progress) return;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        progress(TrainProgress{p.epoch, p.epochs, p.step, p.steps_per_epoch, p.loss, p.accuracy, p.seconds,
                               p.check != nullptr, p.check ? p.check->val_loss : nan,
                               p.check ? p.check->val_acc : nan});
    });
    state_->info.normalizer = splits.normalizer;
    state_->info.class_names = splits.train_data->class_names;
    state_->info.image_shape = splits.train_data->image_shape;
    return TrainSummary{r.steps, r.epochs, r.stopped_early, r.best_step, r.seconds};
}

Scores Model::evaluate(const Runtime& runtime, const Data& data, Split split) const {
    const DataSplits& splits = Access::splits(data);
    const Subset& subset = split == Split::train ? splits.train : split == Split::validation ? splits.validation
                                                                                             : splits.test;
    require(subset.size() > 0, "evaluate: the data have no rows in this split");
    require(data.features() == state_->spec.inputs, "evaluate: the data have " + std::to_string(data.features()) +
                                                        " features, expected the network's " +
                                                        std::to_string(state_->spec.inputs));
    Workspace<float> ws(state_->net->layout(), std::min(subset.size(), 256));
    const Evaluation e = mlp::evaluate(Access::context(runtime), *state_->net, ws, subset, state_->info.normalizer,
                                       EvaluationExtras{.confusion = true});
    return Scores{e.loss, e.accuracy, e.count, e.confusion};
}

std::vector<float> Model::predict(const Runtime& runtime, std::span<const float> rows) const {
    const int D = state_->spec.inputs, K = state_->spec.classes;
    require(!rows.empty() && rows.size() % D == 0, "predict: " + std::to_string(rows.size()) +
                                                       " values, expected a positive multiple of the " +
                                                       std::to_string(D) + " inputs");
    const std::size_t N = rows.size() / D, chunk = 256;
    Predictor predictor(*this, runtime, static_cast<int>(std::min(N, chunk)));
    std::vector<float> probabilities(N * K);
    for (std::size_t start = 0; start < N; start += chunk) {
        const std::size_t B = std::min(chunk, N - start);
        predictor.predict(rows.subspan(start * D, B * D), std::span(probabilities).subspan(start * K, B * K));
    }
    return probabilities;
}

std::vector<float> Model::read_image(const std::string& path) const {
    const auto& s = state_->info.image_shape;
    require(s[0] > 0, path + ": the model was trained on " + std::to_string(state_->spec.inputs) +
                          " features that are not an image, expected an image model");
    std::array<int, 3> shape{};
    const std::vector<std::uint8_t> pixels = mlp::read_image(path, ImageOptions{s[1], s[2], s[0] == 1}, shape);
    return std::vector<float>(pixels.begin(), pixels.end());
}

Predictor::Predictor(const Model& model, const Runtime& runtime, int max_batch)
    : state_((require(max_batch >= 1, "predictor: max_batch " + std::to_string(max_batch) + ", expected ≥ 1"),
              std::make_unique<State>(*Access::state(model).net, Access::state(model).info.normalizer,
                                      Access::context(runtime), max_batch))) {
    // A one- or two-row product split over the team grows a per-thread scratch buffer the
    // first time (gemm.cpp, gemm_split_k): one pass here, so predict() never does.
    std::fill(state_->ws.input.data, state_->ws.input.data + state_->ws.input.size(), 0.0f);
    state_->net.forward(state_->ctx, state_->ws, std::min(max_batch, 2));
}
Predictor::~Predictor() = default;
Predictor::Predictor(Predictor&&) noexcept = default;
Predictor& Predictor::operator=(Predictor&&) noexcept = default;

// No require() here: its message would be built, and allocated, on every call.
void Predictor::predict(std::span<const float> rows, std::span<float> probabilities) {
    State& s = *state_;
    const int D = s.net.architecture().inputs, K = s.net.architecture().classes;
    const std::size_t B = rows.size() / D;
    if (rows.size() % D != 0 || B < 1 || B > std::size_t(s.ws.max_batch) || probabilities.size() != B * K)
        throw Error("predict: " + std::to_string(rows.size()) + " values and room for " +
                    std::to_string(probabilities.size()) + " probabilities, expected B×" + std::to_string(D) +
                    " and B×" + std::to_string(K) + " with 1 ≤ B ≤ " + std::to_string(s.ws.max_batch));
    const float* mean = s.normalizer.mean.data();
    const float* scale = s.normalizer.inv_std.data();
    for (std::size_t i = 0; i < B; ++i) {
        const float* x = rows.data() + i * D;
        float* out = s.ws.input.row(static_cast<int>(i));
        for (int f = 0; f < D; ++f) out[f] = (x[f] - mean[f]) * scale[f];
    }
    softmax<float>(s.net.forward(s.ctx, s.ws, static_cast<int>(B)),
                   MatrixView<float>(probabilities.data(), static_cast<int>(B), K));
}

int Predictor::classify(std::span<const float> row) {
    predict(row, state_->probabilities);
    const auto& p = state_->probabilities;
    return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

}  // namespace mlp
