// The files of a run directory: history.csv, metrics.json, config.toml, model.safetensors,
// checkpoint.bin.
// Each is written atomically; metrics.json last, so its presence marks a finished run.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlp/trainer.hpp"

namespace mlp {

std::string history_csv(const std::vector<HistoryRow>& history);
std::vector<HistoryRow> parse_history_csv(const std::string& text, const std::string& source);
// Resolves a --model argument: a run directory holds model.safetensors and config.toml.
std::string model_path(const std::string& model_or_dir);
std::string run_dir_of(const std::string& model_or_dir);
// The run directory's checkpoint: the latest one only, replaced atomically.
std::string checkpoint_path(const std::string& run_dir);

}  // namespace mlp
