// Experiment configs: TOML files with [data], [model] and [train] sections, turned into
// typed, validated settings. Unknown keys and bad values are errors naming the file and key.
#pragma once
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "mlp/architecture.hpp"
#include "mlp/data_source.hpp"
#include "mlp/init.hpp"
#include "mlp/trainer.hpp"

namespace mlp {

struct ModelConfig {
    std::vector<int> hidden{64};
    std::string activation = "sigmoid";
    double leaky_slope = 0.01;
    double dropout = 0.0;        // inverted dropout of every hidden layer's output while training
    double input_dropout = 0.0;  // and of the inputs
    std::string init = "uniform";
    double init_scale = 0.0;  // uniform: bound (0 → 1); normal: std (0 → 1e-4)
    std::string bias = "explicit";
};

struct Config {
    Config() { train.threads = 0; }  // "auto" until the config is read (config_schema.cpp resolves it)
    std::string source;  // the file it came from, for messages
    std::string name;    // run name: the top-level `name`, else the file's stem
    DataConfig data;
    ModelConfig model;
    TrainSettings train;
    std::string optimizer = "sgd";
    std::string schedule = "none";  // none | step | cosine
    std::string gemm = "auto";
    std::string train_metrics = "running";  // running | full
    std::string on_divergence = "stop";     // stop | reduce_lr
    std::string log_format = "default";     // default | course ("Epoch [e/E], Step [s/S], Loss: x")
};

// Reads path, applies overrides ("section.key=value", value in TOML syntax or a bare
// string), validates everything. Throws Error naming path and key on any problem.
Config load_config(const std::string& path, const std::vector<std::string>& overrides = {});
// Parses TOML text; a syntax error becomes one line naming `source` and the line.
toml::table parse_toml(const std::string& text, const std::string& source);
// load_config's work on TOML text already in memory.
Config parse_config(const std::string& text, const std::string& source,
                    const std::vector<std::string>& overrides = {});
// Every setting, defaults included, as TOML: the run directory's config.toml.
std::string resolved_toml(const Config& config);

// The network a config describes, for a dataset of `inputs` features and `classes` classes.
Architecture architecture_of(const Config& config, int inputs, int classes);
Init init_of(const Config& config);

}  // namespace mlp
