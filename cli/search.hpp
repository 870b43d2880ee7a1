// Hyper-parameter search: a [search] section beside an experiment config expands into a
// list of trials (grid: every combination; random: N draws from ranges), each a set of
// `section.key=value` overrides. Running and tabulating them is search_command.cpp's job.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mlp {

struct Trial {
    std::string id;                      // "trial-000", stable across resumes
    std::vector<std::string> overrides;  // "train.lr=0.01", values in TOML syntax
};

struct SearchPlan {
    std::string base_config;   // the experiment config without its [search] section (TOML text)
    std::string source;        // file name, for messages
    std::string mode;          // grid | random
    std::string metric = "val_accuracy";  // a metrics.json field
    bool maximize = true;      // from `goal`, default by metric name (…loss → min)
    int workers = 1;
    std::vector<std::string> keys;  // the searched keys, in order
    std::vector<Trial> trials;
};

// Reads a config with a [search] section:
//   [search]  mode = "grid" | "random", metric, goal = "max" | "min", workers, trials, seed
//   [search.grid]    "train.lr" = [0.1, 0.01]            (lists per key; every combination)
//   [search.random]  "train.lr" = {min = 1e-4, max = 1e-1, log = true}
//                    "train.batch_size" = {min = 16, max = 256, integer = true}
//                    "model.hidden" = {choices = [[64], [128]]}
SearchPlan plan_search(const std::string& path);
SearchPlan plan_search_text(const std::string& text, const std::string& source);

}  // namespace mlp
