// The public C++ API of mlp, all of it (docs/library.md): build a network, load data, train,
// evaluate, predict, save and load. The other headers in include/mlp/ are the engine's and
// are not installed. Errors are mlp::Error, whose what() is the CLI's one-line message.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mlp/error.hpp"
#include "mlp/version.hpp"  // MLP_VERSION "major.minor.patch", MLP_VERSION_MAJOR, ...

namespace mlp {

// Where computation runs: a team of threads and a matrix-product backend. Every call that
// computes takes one; nothing is global, so two Runtimes in one process run independently.
// One call at a time per Runtime.
class MLP_API Runtime {
public:
    // threads: 1..256; backend: auto | onednn | openblas | own | reference.
    explicit Runtime(int threads = 1, const std::string& backend = "auto");
    ~Runtime();
    Runtime(Runtime&&) noexcept;
    Runtime& operator=(Runtime&&) noexcept;
    int threads() const;
    std::string backend() const;

private:
    friend struct Access;
    struct State;
    std::unique_ptr<State> state_;
};

// Rows in memory: features N×D (row-major), labels N class indices in [0, K).
struct Arrays {
    std::span<const float> features;
    std::span<const int> labels;
};

enum class Split { train, validation, test };

// A dataset as train, validation and test rows, with its normalisation fitted on the train rows.
class MLP_API Data {
public:
    // D features, K classes. validation: rows of train held out, a count (≥ 1) or a fraction
    // (< 1). normalize: none | global | per_feature | scale255. Empty test: no test rows.
    static Data from_arrays(int features, int classes, Arrays train, Arrays test = {}, double validation = 0,
                            const std::string& normalize = "none");
    // A dataset the readers know (mnist | fashion-mnist | cifar10), from dir ("": its usual
    // folder), with the CLI's default splits and normalisation.
    static Data read(const std::string& dataset, const std::string& dir = "");
    ~Data();
    Data(Data&&) noexcept;
    Data& operator=(Data&&) noexcept;
    int features() const;  // D
    int classes() const;   // K
    int rows(Split split) const;
    std::vector<std::string> class_names() const;

private:
    Data();
    friend struct Access;
    struct State;
    std::unique_ptr<State> state_;
};

// A network's shape: D inputs, hidden widths, K classes (names as in `mlp config --list`;
// the defaults are ReLU with He init, where the CLI's are the course's sigmoid and uniform).
struct NetworkSpec {
    int inputs = 0;
    std::vector<int> hidden{64};
    int classes = 0;
    std::string activation = "relu";  // sigmoid | improved_sigmoid | tanh | relu | leaky_relu | identity
    double leaky_slope = 0.01;
    std::string init = "he";  // uniform | fan_in | xavier_uniform | xavier_normal | he | normal
    double init_scale = 0;    // uniform: the bound (0 → 1); normal: the std (0 → 1e-4)
    std::string bias = "explicit";  // explicit | trick
    double dropout = 0, input_dropout = 0;
};

// The [train] settings of `mlp config --list`, same defaults; threads and the backend
// come from the Runtime instead.
struct TrainConfig {
    int epochs = 10;
    long max_steps = 0;  // 0: no limit
    int batch_size = 32;
    double lr = 0.1;
    std::string optimizer = "sgd";  // sgd | momentum | nesterov | adam
    double momentum = 0.9, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    double l2 = 0, max_norm = 0, lr_decay = 1;
    bool l2_biases = false;
    std::string schedule = "none";  // none | step | cosine, on top of lr_decay
    int step_epochs = 10;
    double step_gamma = 0.1, warmup_epochs = 0;
    double label_smoothing = 0;  // ε: the training loss's target (1 − ε)·onehot(y) + ε/K
    int augment_translate = 0;   // [augment] translate: shifts of up to ±n pixels, zero fill (images only)
    bool augment_flip = false;   // [augment] flip: left–right mirror with probability 1/2
    double augment_elastic_alpha = 0.0;  // [augment] elastic_alpha: elastic distortion's scale (0: off)
    double augment_elastic_sigma = 4.0;  // [augment] elastic_sigma: its smoothing, in pixels
    int validations_per_epoch = 5;
    int patience = 0;  // early stopping after this many checks without a better val loss; 0: off
    std::uint64_t seed = 0;
};

// Handed to the progress callback after every step; validation is true at a check.
struct TrainProgress {
    int epoch = 0, epochs = 0;
    long step = 0, steps_per_epoch = 0;
    double loss = 0, accuracy = 0;  // train, running means since the last check
    double seconds = 0;
    bool validation = false;
    double val_loss = 0, val_accuracy = 0;  // at a check; NaN without validation rows
};

struct TrainSummary {
    long steps = 0;
    int epochs = 0;
    bool stopped_early = false;
    long best_step = 0;  // the step whose weights were kept
    double seconds = 0;
};

struct Scores {
    double loss = 0, accuracy = 0;  // mean cross-entropy, fraction correct
    int count = 0;
    std::vector<long> confusion;  // K×K, row = true class, column = predicted
};

// An experiment TOML file (the `mlp train --config` format): its data read, its network
// sized to them, its [train] settings. overrides: "section.key=value", as --set.
struct Experiment {
    Data data;
    NetworkSpec network;
    TrainConfig train;
};
MLP_API Experiment load_experiment(const std::string& toml_path, const std::vector<std::string>& overrides = {});

class MLP_API Model {
public:
    // A new network, its weights drawn from seed (as `mlp train` draws them from train.seed).
    explicit Model(const NetworkSpec& spec, std::uint64_t seed = 0);
    // A safetensors file from save() or `mlp train`, or an `mlp train` run directory.
    static Model load(const std::string& path);
    void save(const std::string& path) const;  // safetensors, written atomically
    ~Model();
    Model(Model&&) noexcept;
    Model& operator=(Model&&) noexcept;
    NetworkSpec spec() const;
    std::size_t parameters() const;
    std::vector<std::string> class_names() const;

    // Trains on data's train rows (validating on its validation rows) and keeps data's
    // normalisation, class names and image shape for prediction.
    TrainSummary train(const Runtime& runtime, const Data& data, const TrainConfig& config,
                       const std::function<void(const TrainProgress&)>& progress = {});
    // Loss, accuracy and confusion over a split, its rows normalised as the model was trained.
    Scores evaluate(const Runtime& runtime, const Data& data, Split split = Split::test) const;
    // Class probabilities (B×K) of B rows of raw features (B×D), normalised as in training.
    std::vector<float> predict(const Runtime& runtime, std::span<const float> rows) const;
    // An image file (PNG, JPEG, PGM, ...) as the raw features of the images this model was
    // trained on: resized, grey or colour, ready for predict().
    std::vector<float> read_image(const std::string& path) const;

private:
    Model();
    friend struct Access;
    struct State;
    std::unique_ptr<State> state_;
};

// Inference on up to max_batch rows at a time, allocating nothing after construction on
// the constructing thread (with oneDNN, see docs/library.md). Keeps references: the model
// and the runtime must outlive it, the model unchanged.
class MLP_API Predictor {
public:
    Predictor(const Model& model, const Runtime& runtime, int max_batch = 1);
    ~Predictor();
    Predictor(Predictor&&) noexcept;
    Predictor& operator=(Predictor&&) noexcept;
    // rows: B×D raw features, B ≤ max_batch; probabilities: B×K, written.
    void predict(std::span<const float> rows, std::span<float> probabilities);
    // The most probable class of one row (D features).
    int classify(std::span<const float> row);

private:
    friend struct Access;
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace mlp
