// The files of a run directory: history.csv, metrics.json (and what it holds), config.toml,
// data_sha256.json, model.safetensors, checkpoint.bin, and .lock (its one writer).
// Each is written atomically; metrics.json last, so its presence marks a finished run.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.hpp"
#include "mlp/trainer.hpp"

namespace mlp {

std::string history_csv(const std::vector<HistoryRow>& history);
std::vector<HistoryRow> parse_history_csv(const std::string& text, const std::string& source);
// Resolves a --model argument: a run directory holds model.safetensors and config.toml.
std::string model_path(const std::string& model_or_dir);
std::string run_dir_of(const std::string& model_or_dir);
// The run directory's checkpoint: the latest one only, replaced atomically.
std::string checkpoint_path(const std::string& run_dir);
// data_sha256.json: the sha256 of every file the data came from, by file name.
nlohmann::json data_checksums(const DataSplits& data);
// What a resume must keep, against the run's config.toml and data_sha256.json: the
// settings that change results and the data files. A difference is refused unless
// force (--force), which is recorded in RUN_DIR/resumes.log when writer.
void check_resume(const std::string& run, const Config& config, const DataSplits& data, bool force, bool writer);
// metrics.json: the final evaluation of each split and what produced them.
nlohmann::json metrics_json(const Config& config, const Network<float>& net, const DataSplits& data,
                            const TrainResult& result, const Evaluation& train, const Evaluation& val,
                            const Evaluation& test);

// One run directory, one writer: an exclusive flock(2) on RUN_DIR/.lock, which holds the
// writer's PID as text. The kernel releases it when the process ends, however it ends
// (kill -9 included), so a stale lock file never blocks anyone. The file stays: removing it
// would let a second writer lock a new file while a third still holds the old one.
class RunDirectoryLock {
public:
    // Throws Error naming the holder's PID when another process holds the lock.
    explicit RunDirectoryLock(const std::string& run_dir);
    ~RunDirectoryLock();
    RunDirectoryLock(const RunDirectoryLock&) = delete;
    RunDirectoryLock& operator=(const RunDirectoryLock&) = delete;

private:
    int fd_ = -1;
};
std::string lock_path(const std::string& run_dir);

}  // namespace mlp
