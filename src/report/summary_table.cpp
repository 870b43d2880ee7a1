// The summary table across runs, from each run's metrics.json and history, written as
// Markdown (for notes), CSV (for scripts) and an HTML table (for report.html).
#include <cmath>
#include <cstdio>
#include <sstream>

#include "mlp/report.hpp"

namespace mlp {
namespace {

struct Column {
    std::string title;
    bool numeric;
};

const std::vector<Column> kColumns = {
    {"run", false},         {"train loss", true}, {"train acc", true}, {"val loss", true},
    {"val acc", true},      {"test loss", true},  {"test acc", true},  {"parameters", true},
    {"epochs", true},       {"best epoch", true}, {"early stop", false}, {"seconds", true},
};

std::string number(const nlohmann::json& metrics, const char* key, const char* fmt, double scale = 1.0) {
    const auto it = metrics.find(key);
    if (it == metrics.end() || !it->is_number()) return "";
    char text[64];
    std::snprintf(text, sizeof text, fmt, it->get<double>() * scale);
    return text;
}

// Cells of one run; "" where the run has no such value (no validation data).
std::vector<std::string> cells(const ReportRun& run) {
    const nlohmann::json& m = run.metrics;
    std::string best_epoch;
    if (!run.history.empty() && run.history.back().epoch > 0 && m.contains("best_step") && m["best_step"].is_number()) {
        const double steps_per_epoch = double(run.history.back().step) / run.history.back().epoch;
        char text[32];
        std::snprintf(text, sizeof text, "%.2f", m["best_step"].get<double>() / steps_per_epoch);
        best_epoch = text;
    }
    std::string early;
    if (m.contains("stopped_early") && m["stopped_early"].is_boolean()) early = m["stopped_early"].get<bool>() ? "yes" : "no";
    // An augmented run used where pixels lie; its figures are no permutation-invariant result.
    const bool augmented = m.contains("permutation_invariant") && m["permutation_invariant"].is_boolean() &&
                           !m["permutation_invariant"].get<bool>();
    return {run.label + (augmented ? " (augmented: not permutation-invariant)" : ""),
            number(m, "train_loss", "%.4f"),
            number(m, "train_accuracy", "%.2f%%", 100),
            number(m, "val_loss", "%.4f"),
            number(m, "val_accuracy", "%.2f%%", 100),
            number(m, "test_loss", "%.4f"),
            number(m, "test_accuracy", "%.2f%%", 100),
            number(m, "parameters", "%.0f"),
            number(m, "epochs", "%.0f"),
            best_epoch,
            early,
            number(m, "seconds", "%.1f")};
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string quoted = "\"";
    for (char ch : s) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return quoted + "\"";
}

}  // namespace

std::string summary_markdown(const std::vector<ReportRun>& runs) {
    std::ostringstream out;
    out << "|";
    for (const auto& c : kColumns) out << " " << c.title << " |";
    out << "\n|";
    for (const auto& c : kColumns) out << (c.numeric ? " ---: |" : " --- |");
    out << "\n";
    for (const auto& run : runs) {
        out << "|";
        for (const auto& cell : cells(run)) {
            std::string text = cell.empty() ? "–" : cell;
            for (std::size_t p = 0; (p = text.find('|', p)) != std::string::npos; p += 2) text.replace(p, 1, "\\|");
            out << " " << text << " |";
        }
        out << "\n";
    }
    return out.str();
}

std::string summary_csv(const std::vector<ReportRun>& runs) {
    std::ostringstream out;
    // Machine-readable: accuracies as fractions, no units.
    out << "run,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,test_accuracy,parameters,epochs,best_step,"
           "stopped_early,seconds\n";
    for (const auto& run : runs) {
        const nlohmann::json& m = run.metrics;
        auto raw = [&](const char* key) {
            const auto it = m.find(key);
            return it != m.end() && !it->is_null() ? it->dump() : std::string();
        };
        out << csv_field(run.label) << ',' << raw("train_loss") << ',' << raw("train_accuracy") << ','
            << raw("val_loss") << ',' << raw("val_accuracy") << ',' << raw("test_loss") << ','
            << raw("test_accuracy") << ',' << raw("parameters") << ',' << raw("epochs") << ',' << raw("best_step")
            << ',' << raw("stopped_early") << ',' << raw("seconds") << "\n";
    }
    return out.str();
}

std::string summary_html(const std::vector<ReportRun>& runs) {
    std::ostringstream out;
    out << "<table class=\"summary\" id=\"summary-table\">\n<thead><tr>";
    for (const auto& c : kColumns) out << "<th" << (c.numeric ? " class=\"num\"" : "") << ">" << html_escape(c.title) << "</th>";
    out << "</tr></thead>\n<tbody>\n";
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const auto row = cells(runs[r]);
        out << "<tr>";
        for (std::size_t i = 0; i < row.size(); ++i) {
            const std::string text = row[i].empty() ? "–" : html_escape(row[i]);
            if (i == 0) {
                out << "<td><a href=\"#run-" << r + 1 << "\">" << text << "</a></td>";
            } else {
                out << "<td" << (kColumns[i].numeric ? " class=\"num\"" : "") << ">" << text << "</td>";
            }
        }
        out << "</tr>\n";
    }
    out << "</tbody>\n</table>\n";
    return out.str();
}

}  // namespace mlp
