// The `mlp` sub-commands. Each takes parsed options and returns the process exit code;
// errors are thrown as mlp::Error and printed by main().
#pragma once
#include <string>
#include <vector>

namespace mlp {

struct TrainOptions {
    std::string config;
    std::vector<std::string> overrides;
    std::string out;        // run directory; "" → runs/<name>
    std::string init_from;  // a model.safetensors (or run directory) to start from
    std::string resume;     // a run directory to continue from its checkpoint (instead of config)
    bool quiet = false;
};
int train_command(const TrainOptions& options);

struct EvalOptions {
    std::string model;  // run directory or model.safetensors
    std::vector<std::string> overrides;
    std::string split = "test";  // test | val | train
};
int eval_command(const EvalOptions& options);

struct InfoOptions {
    std::string config;
    std::vector<std::string> overrides;
};
int info_command(const InfoOptions& options);

struct GradcheckOptions {
    std::string config;
    std::vector<std::string> overrides;
    int batch = 8;
    int samples = 64;
    bool random_inputs = false;  // Gaussian inputs instead of the dataset's first rows
};
int gradcheck_command(const GradcheckOptions& options);

}  // namespace mlp
