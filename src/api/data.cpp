// The public API's Runtime, Data and load_experiment (mlp/mlp.hpp) over the engine's
// Context, readers and splits, and the TOML configs of the CLI. Holds no maths of its own.
#include <algorithm>

#include "config.hpp"  // cli/: the experiment TOML schema
#include "mlp/gemm_backend.hpp"
#include "mlp/schedule.hpp"
#include "state.hpp"

namespace mlp {

Runtime::Runtime(int threads, const std::string& backend)
    : state_(std::make_unique<State>(threads, parse_gemm_backend(backend))) {}
Runtime::~Runtime() = default;
Runtime::Runtime(Runtime&&) noexcept = default;
Runtime& Runtime::operator=(Runtime&&) noexcept = default;
int Runtime::threads() const { return state_->ctx.threads(); }
std::string Runtime::backend() const { return gemm_backend_name(state_->ctx.backend); }

Data Access::make_data(DataSplits splits) {
    Data data;
    data.state_ = std::make_unique<Data::State>(Data::State{std::move(splits)});
    return data;
}

namespace {

std::unique_ptr<Dataset> dataset_of(const std::string& name, int D, int K, Arrays rows) {
    const std::size_t N = rows.labels.size();
    require(rows.features.size() == N * std::size_t(D),
            name + ": " + std::to_string(rows.features.size()) + " feature values for " + std::to_string(N) +
                " labels, expected labels × " + std::to_string(D));
    const auto bad = std::find_if(rows.labels.begin(), rows.labels.end(), [&](int y) { return y < 0 || y >= K; });
    require(bad == rows.labels.end(), name + ": label " + (bad == rows.labels.end() ? "" : std::to_string(*bad)) +
                                          ", expected a class index in [0, " + std::to_string(K) + ")");
    auto data = std::make_unique<Dataset>();
    data->name = name;
    data->rows = static_cast<int>(N);
    data->features = D;
    data->classes = K;
    data->f32.assign(rows.features.begin(), rows.features.end());
    data->labels.assign(rows.labels.begin(), rows.labels.end());
    for (int k = 0; k < K; ++k) data->class_names.push_back(std::to_string(k));
    return data;
}

}  // namespace

Data Data::from_arrays(int features, int classes, Arrays train, Arrays test, double validation,
                       const std::string& normalize) {
    require(features >= 1 && classes >= 1, "arrays: " + std::to_string(features) + " features and " +
                                               std::to_string(classes) + " classes, expected at least 1 of each");
    DataConfig config;
    config.validation = validation;
    config.normalize = normalize;
    require(validation >= 0, "validation: " + std::to_string(validation) + ", expected a count ≥ 1 or a fraction < 1");
    return Access::make_data(make_splits(dataset_of("train arrays", features, classes, train),
                                         dataset_of("test arrays", features, classes, test), config));
}

Data Data::read(const std::string& dataset, const std::string& dir) {
    DataConfig config;
    config.dataset = dataset;
    config.dir = dir;
    check_dataset_name(dataset);
    return Access::make_data(load_data(config));
}

Data::Data() = default;
Data::~Data() = default;
Data::Data(Data&&) noexcept = default;
Data& Data::operator=(Data&&) noexcept = default;
int Data::features() const { return state_->splits.train_data->features; }
int Data::classes() const { return state_->splits.train_data->classes; }
std::vector<std::string> Data::class_names() const { return state_->splits.train_data->class_names; }
int Data::rows(Split split) const {
    const DataSplits& s = state_->splits;
    return split == Split::train ? s.train.size() : split == Split::validation ? s.validation.size() : s.test.size();
}

Experiment load_experiment(const std::string& toml_path, const std::vector<std::string>& overrides) {
    const Config config = load_config(toml_path, overrides);
    Data data = Access::make_data(load_data(config.data));
    NetworkSpec network = to_spec(architecture_of(config, data.features(), data.classes()));
    network.init = config.model.init;
    network.init_scale = config.model.init_scale;
    const TrainSettings& s = config.train;
    TrainConfig train;
    train.epochs = s.epochs;
    train.max_steps = s.max_steps;
    train.batch_size = s.batch_size;
    train.lr = s.lr;
    train.optimizer = optimizer_name(s.optimizer.kind);
    train.momentum = s.optimizer.momentum;
    train.beta1 = s.optimizer.beta1;
    train.beta2 = s.optimizer.beta2;
    train.epsilon = s.optimizer.epsilon;
    train.l2 = s.l2;
    train.max_norm = s.max_norm;
    train.lr_decay = s.lr_decay;
    train.l2_biases = s.l2_biases;
    train.schedule = schedule_name(s.schedule.kind);
    train.step_epochs = s.schedule.step_epochs;
    train.step_gamma = s.schedule.step_gamma;
    train.warmup_epochs = s.schedule.warmup_epochs;
    train.label_smoothing = s.label_smoothing;
    train.augment_translate = s.augment.translate;
    train.augment_flip = s.augment.flip;
    train.augment_elastic_alpha = s.augment.elastic_alpha;
    train.augment_elastic_sigma = s.augment.elastic_sigma;
    train.validations_per_epoch = s.validations_per_epoch;
    train.patience = s.patience;
    train.seed = s.seed;
    return Experiment{std::move(data), std::move(network), std::move(train)};
}

}  // namespace mlp
