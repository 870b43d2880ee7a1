// The `mlp` sub-commands. Each takes parsed options and returns the process exit code;
// errors are thrown as mlp::Error and printed by main().
#pragma once
#include <string>
#include <vector>

namespace mlp {

class Communicator;
struct DataSplits;

struct TrainOptions {
    std::string config;
    std::vector<std::string> overrides;
    std::string out;        // run directory; "" → runs/<name>
    std::string init_from;  // a model.safetensors (or run directory) to start from
    std::string resume;     // a run directory to continue from its checkpoint (instead of config)
    bool quiet = false;
    bool no_report = false;  // skip writing report.html and figures at the end
    bool verbose = false;    // print each phase's wall time at the end (stderr)
    bool force = false;      // --resume even where settings that change results, or the data, differ
    Communicator* comm = nullptr;  // the ranks of an MPI job, data-parallel; rank 0 writes the run directory
};
int train_command(const TrainOptions& options);

struct EvalOptions {
    std::string model;  // run directory or model.safetensors
    std::vector<std::string> overrides;
    std::string split = "test";  // test | val | train
    std::string json;            // also write {split, rows, loss, accuracy} here
    int threads = 1;             // the thread team's size (products split over it)
};
int eval_command(const EvalOptions& options);

struct InfoOptions {
    std::string config;
    std::vector<std::string> overrides;
};
int info_command(const InfoOptions& options);

struct ConfigOptions {
    bool list = false;      // every config key: type, default, allowed values, meaning
    bool markdown = false;  // as the README's Markdown table
};
int config_command(const ConfigOptions& options);

struct GradcheckOptions {
    std::string config;
    std::vector<std::string> overrides;
    int batch = 8;
    int samples = 64;
    bool random_inputs = false;  // Gaussian inputs instead of the dataset's first rows
};
int gradcheck_command(const GradcheckOptions& options);

// `mlp data info`: counts per class and split, shapes, statistics and checksums of a
// config's data. (`mlp data` is a group: further data sub-commands sit beside `info`.)
struct DataInfoOptions {
    std::string config;
    std::vector<std::string> overrides;
};
int data_info_command(const DataInfoOptions& options);

// `mlp predict`: class probabilities of a trained model for images, .npy or .csv inputs.
struct PredictOptions {
    std::string model;                // run directory or model.safetensors
    std::vector<std::string> inputs;  // files
    int threads = 1;                  // the thread team's size (products split over it)
    std::string csv;                  // also write every row's probabilities here (9 significant digits)
};
int predict_command(const PredictOptions& options);

// `mlp export`: a trained model as an ONNX file or a self-contained C99 header.
struct ExportOptions {
    std::string run;     // run directory or model.safetensors
    std::string format;  // onnx | c
    std::string out;     // the file to write
    bool int8_weights = false;  // C header: int8 weights with a float scale per output unit
};
int export_command(const ExportOptions& options);

struct ReportOptions {
    std::vector<std::string> runs;  // run directories
    std::string out;                // "" → the run directory (one run) or runs/comparison
};
int report_command(const ReportOptions& options);
// Writes the report of run_dirs into out (same defaults); returns the path of report.html.
// labels (optional, one per run) name the runs in legends and tables instead of their
// directory names. run_data (optional): the data of run_dirs[0] already loaded in this
// process (`mlp train`'s own), so its report need not read and checksum the files again.
std::string write_run_report(const std::vector<std::string>& run_dirs, const std::string& out, bool quiet,
                             const std::vector<std::string>& labels = {}, const DataSplits* run_data = nullptr);

struct DataShowOptions {
    std::string config;
    std::vector<std::string> overrides;
    int per_class = 8;
    std::string out;  // "" → <dataset>_samples.png
};
int data_show_command(const DataShowOptions& options);

struct SearchOptions {
    std::string config;  // an experiment config with a [search] section
    std::string out;     // "" → runs/<stem>-search
    int workers = 0;     // 0 → search.workers from the config
    int max_trials = 0;  // > 0: only the first N trials
    Communicator* comm = nullptr;  // the ranks of an MPI job: one trial per rank at a time; rank 0 tabulates
};
int search_command(const SearchOptions& options);

struct ReproduceOptions {
    std::string group;              // a folder of experiments/ with a group.toml
    std::string out;                // "" → results/<group>
    std::string runs;               // "" → runs/<group>
    bool quick = false;             // 1 epoch on 600 images: checks the configs, not the results
    std::vector<std::string> only;  // run names to (re)run; empty → all
    int seeds = 0;                  // > 0: train only the first N of the group's seeds
    std::vector<std::string> set;   // KEY=VALUE overrides for every run (before its seed)
};
int reproduce_command(const ReproduceOptions& options);

struct ContourOptions {
    std::string model;               // run directory of a trained model
    std::vector<int> pixel{13, 13};  // input pixel (row, column) whose weights are varied
    int input = -1;                  // or the input index directly (≥ 0 overrides --pixel)
    std::vector<int> classes{0, 1};  // the two outputs the weights feed
    int examples = 1000;
    int grid = 61;
    double half_width = 0.0;
    double lr = 6e-3;
    int steps = 30;
    std::vector<double> momenta{0.0, 0.25, 0.8};
    std::vector<double> start{-1.0, 1.0};
    std::string out;  // "" → RUN_DIR/contour
};
int contour_command(const ContourOptions& options);

struct UnitsOptions {
    std::string model;                // run directory of a one-hidden-layer model
    std::vector<std::string> classes;  // two class names or indices
    int top = 8;
    std::string out;  // "" → RUN_DIR/units
};
int units_command(const UnitsOptions& options);

struct GradientCostOptions {
    std::vector<int> depths{1, 2, 3, 4, 6, 8};
    std::vector<int> widths{16, 32, 64, 128, 256};
    int fixed_width = 64;  // width while depth varies
    int fixed_depth = 2;   // depth while width varies
    int inputs = 784, classes = 10;
    int batch = 1;
    int naive_weights = 100000;
    double naive_seconds = 0.5;
    std::string out = "runs/gradient-cost";
};
int gradient_cost_command(const GradientCostOptions& options);

}  // namespace mlp
