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

struct SearchOptions {
    std::string config;  // an experiment config with a [search] section
    std::string out;     // "" → runs/<stem>-search
    int workers = 0;     // 0 → search.workers from the config
};
int search_command(const SearchOptions& options);

struct ReproduceOptions {
    std::string group;              // a folder of experiments/ with a group.toml
    std::string out;                // "" → results/<group>
    std::string runs;               // "" → runs/<group>
    bool quick = false;             // 1 epoch on 600 images: checks the configs, not the results
    std::vector<std::string> only;  // run names to (re)run; empty → all
};
int reproduce_command(const ReproduceOptions& options);

}  // namespace mlp
