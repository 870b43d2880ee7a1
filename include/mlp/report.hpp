// Reports of finished runs: the summary table across runs (Markdown, CSV, HTML) and
// write_report, which draws every figure (figures.hpp) and writes them with the table
// and one self-contained report.html. Reading run directories is the CLI's job.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlp/data_source.hpp"
#include "mlp/figures.hpp"
#include "mlp/safetensors.hpp"

namespace mlp {

// Everything a report shows about one run, as read from its directory.
struct ReportRun {
    std::string dir;    // the run directory, as given
    std::string label;  // its name in legends, tables and headings (unique within a report)
    std::vector<HistoryRow> history;
    nlohmann::json metrics;   // metrics.json
    std::string config_toml;  // the resolved config.toml
    const Network<float>* net = nullptr;  // model.safetensors (required)
    ModelInfo info;
    const DataSplits* data = nullptr;  // the run's data, for test images; null when unavailable
    std::string data_note;             // why data is null, shown in the report
};

// One line per run: final train/val/test loss and accuracy, parameters, epochs run, the
// epoch whose weights were kept, whether training stopped early, seconds.
std::string summary_markdown(const std::vector<ReportRun>& runs);
std::string summary_csv(const std::vector<ReportRun>& runs);
std::string summary_html(const std::vector<ReportRun>& runs);

// Writes into out_dir: figures/*.png (per-run figures under figures/<label>/ when there
// are several runs), summary.md, summary.csv and report.html, each atomically.
// Returns the path of report.html.
std::string write_report(const std::vector<ReportRun>& runs, const std::string& out_dir);

// RFC 4648 base64, for data: URIs.
std::string base64(const std::uint8_t* data, std::size_t size);
// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(const std::string& text);

}  // namespace mlp
