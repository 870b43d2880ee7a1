// History as CSV (one row per validation check), metrics.json, run-directory path rules and
// its writer's lock.
#include "run_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config_schema.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/version.hpp"

namespace mlp {

namespace {
const char* kHeader = "step,epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds";

// The processor's name as /proc/cpuinfo gives it ("model name"), or "" where it does not.
std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
            const std::size_t at = line.find_first_not_of(" \t", line.find(':') + 1);
            return at == std::string::npos ? "" : line.substr(at);
        }
    return "";
}

nlohmann::json evaluation_json(const Evaluation& e) {
    if (e.count == 0) return nullptr;
    return {{"loss", e.loss}, {"accuracy", e.accuracy}, {"count", e.count}};
}

}  // namespace

nlohmann::json data_checksums(const DataSplits& data) {
    nlohmann::json checksums = nlohmann::json::object();
    for (const auto& [file, sum] : data.train_data->checksums) checksums[file] = sum;
    for (const auto& [file, sum] : data.test_data->checksums) checksums[file] = sum;
    return checksums;
}

nlohmann::json metrics_json(const Config& config, const Network<float>& net, const DataSplits& data,
                            const TrainResult& result, const Evaluation& train, const Evaluation& val,
                            const Evaluation& test) {
    auto number_or_null = [](const Evaluation& e, double v) { return e.count ? nlohmann::json(v) : nlohmann::json(); };
    nlohmann::json m;
    m["train_accuracy"] = train.accuracy;
    m["train_loss"] = train.loss;
    m["val_accuracy"] = number_or_null(val, val.accuracy);
    m["val_loss"] = number_or_null(val, val.loss);
    m["test_accuracy"] = test.accuracy;
    m["test_loss"] = test.loss;
    m["parameters"] = net.layout().parameters;
    m["epochs"] = result.epochs;
    m["steps"] = result.steps;
    m["best_step"] = result.best_step;
    m["stopped_early"] = result.stopped_early;
    m["seconds"] = result.seconds;
    m["seed"] = config.train.seed;
    m["threads"] = config.train.threads;
    m["cpu"] = cpu_model();
    // Augmentation uses where pixels lie: such a run is not permutation-invariant.
    m["permutation_invariant"] = !config.train.augment.active();
    m["augmentation"] = config.train.augment.describe();
    if (config.train.label_smoothing > 0) m["label_smoothing"] = config.train.label_smoothing;
    m["gemm"] = config.gemm;
    m["version"] = kVersion;
    m["splits"] = {{"train", evaluation_json(train)}, {"val", evaluation_json(val)}, {"test", evaluation_json(test)}};
    m["confusion_test"] = test.confusion;
    m["class_names"] = data.train_data->class_names;
    m["data_sha256"] = data_checksums(data);
    if (data.normalizer.mode == NormalizeMode::global)
        m["normalization"] = {{"mean", data.normalizer.mean[0]}, {"std", 1.0 / data.normalizer.inv_std[0]}};
    return m;
}

std::string history_csv(const std::vector<HistoryRow>& history) {
    std::ostringstream out;
    out << kHeader << "\n";
    out.precision(9);
    for (const auto& r : history)
        out << r.step << ',' << r.epoch << ',' << r.train_loss << ',' << r.train_acc << ',' << r.val_loss << ','
            << r.val_acc << ',' << r.lr << ',' << r.seconds << "\n";
    return out.str();
}

std::vector<HistoryRow> parse_history_csv(const std::string& text, const std::string& source) {
    std::istringstream in(text);
    std::string line;
    require(std::getline(in, line) && line == kHeader,
            source + ": not a history file (expected the header '" + std::string(kHeader) + "')");
    std::vector<HistoryRow> rows;
    for (int number = 2; std::getline(in, line); ++number) {
        if (line.empty()) continue;
        std::vector<double> v;
        std::istringstream fields(line);
        for (std::string token; std::getline(fields, token, ',');) {
            char* end = nullptr;
            v.push_back(std::strtod(token.c_str(), &end));  // strtod reads "nan" (no validation data)
            require(!token.empty() && *end == '\0',
                    source + ":" + std::to_string(number) + ": malformed value '" + token + "'");
        }
        require(v.size() == 8, source + ":" + std::to_string(number) + ": expected 8 columns, found " +
                                   std::to_string(v.size()));
        // The step becomes a long: it must be a whole number that fits (NaN or 3e27 would not).
        require(v[0] >= 0 && v[0] <= 1e15 && v[0] == std::floor(v[0]),
                source + ":" + std::to_string(number) + ": step must be a whole number from 0 to 1e15");
        rows.push_back({static_cast<long>(v[0]), v[1], v[2], v[3], v[4], v[5], v[6], v[7]});
    }
    return rows;
}

std::string model_path(const std::string& model_or_dir) {
    std::error_code ec;
    if (std::filesystem::is_directory(model_or_dir, ec)) return model_or_dir + "/model.safetensors";
    return model_or_dir;
}

std::string run_dir_of(const std::string& model_or_dir) {
    std::error_code ec;
    if (std::filesystem::is_directory(model_or_dir, ec)) return model_or_dir;
    return std::filesystem::path(model_or_dir).parent_path().string();
}

std::string checkpoint_path(const std::string& run_dir) { return run_dir + "/checkpoint.bin"; }

std::string lock_path(const std::string& run_dir) { return run_dir + "/.lock"; }

namespace {

// The PID the holder wrote into the lock file; "" while it has locked but not yet written.
std::string holder_of(int fd) {
    char text[32] = {};
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    std::string pid = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return pid;
}

}  // namespace

RunDirectoryLock::RunDirectoryLock(const std::string& run_dir) {
    const std::string path = lock_path(run_dir);
    // O_CLOEXEC: a child process (a report helper) must not inherit, and so keep, the lock.
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(path + ": cannot open the run directory's lock file (" + std::strerror(errno) + ")");
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        const int error = errno;
        std::string holder;
        if (error == EWOULDBLOCK) {
            // The holder writes its PID right after locking: give it a moment.
            for (int i = 0; i < 50 && (holder = holder_of(fd_)).empty(); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        ::close(fd_);
        fd_ = -1;
        if (error != EWOULDBLOCK)
            throw Error(path + ": cannot lock the run directory (" + std::strerror(error) + ")");
        throw Error(run_dir + ": another mlp process (PID " + (holder.empty() ? "unknown" : holder) +
                    ") is writing this run directory (it holds " + path + "); wait for it to end or stop it first");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        const std::string message = path + ": cannot write the lock file (" + std::strerror(errno) + ")";
        ::close(fd_);
        fd_ = -1;
        throw Error(message);
    }
}

RunDirectoryLock::~RunDirectoryLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the lock
}

void check_resume(const std::string& run, const Config& config, const DataSplits& data, bool force, bool writer) {
    std::vector<std::string> differences = changed_result_keys(load_config(run + "/config.toml"), config);
    const std::string recorded = run + "/data_sha256.json";
    if (file_exists(recorded)) {  // runs from before it was written have none
        nlohmann::json was;
        try {
            was = nlohmann::json::parse(read_text(recorded));
        } catch (const nlohmann::json::exception& e) {
            throw Error(recorded + ": not valid JSON (" + e.what() + ")");
        }
        const nlohmann::json now = data_checksums(data);
        for (const auto& [file, sum] : was.items())
            if (!now.contains(file)) differences.push_back("data file " + file + " (no longer read)");
            else if (now[file] != sum) differences.push_back("data file " + file + " (its sha256 changed)");
        for (const auto& [file, sum] : now.items())
            if (!was.contains(file)) differences.push_back("data file " + file + " (not read before)");
    }
    if (differences.empty()) return;
    std::string list;
    for (const std::string& d : differences) list += (list.empty() ? "" : "; ") + d;
    require(force, run + ": resuming would change what this run computes: " + list +
                       "; resume as it was, or add --force (recorded in " + run + "/resumes.log)");
    if (!writer) return;
    const std::string log = run + "/resumes.log";
    const std::string before = file_exists(log) ? read_text(log) : "";
    write_file_atomic(log, before + "resumed with --force: " + list + "\n");
}

}  // namespace mlp
