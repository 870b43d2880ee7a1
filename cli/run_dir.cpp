// History as CSV (one row per validation check) and run-directory path rules.
#include "run_dir.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "mlp/error.hpp"

namespace mlp {

namespace {
const char* kHeader = "step,epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds";
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

}  // namespace mlp
