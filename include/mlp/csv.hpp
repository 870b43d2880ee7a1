// CSV tables of numeric features and one label column (by header name or 0-based index);
// the header is optional. Ragged rows, non-numeric and non-finite cells are errors that
// name the file, line and column. Labels are integers (class indices) or words (class names).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "mlp/dataset.hpp"

namespace mlp {

struct CsvOptions {
    std::string label_name;          // the label column by header name, or
    std::optional<int> label_index;  // by 0-based index (−1: the last column);
                                     // neither: the column named "label"
    std::string header = "auto";     // auto (a first row with a non-numeric, non-empty feature cell) | true | false
    bool has_label = true;           // false: every column is a feature (prediction inputs)
};

struct CsvTable {
    std::vector<std::string> columns;  // header names; empty without a header
    int rows = 0, features = 0;        // N, D
    std::vector<float> values;         // N×D, row-major
    std::vector<std::string> labels;   // N label cells, as written
    std::vector<int> lines;            // the line number of each row, for messages
    int label_column = -1;             // its index among all columns; −1 without labels
    std::string sha256;                // of the file's bytes
    double sha256_seconds = 0.0;       // wall seconds computing it
};

CsvTable parse_csv(const std::string& text, const std::string& name, const CsvOptions& options);
CsvTable read_csv(const std::string& path, const CsvOptions& options);
// Fields in the first non-blank line (0 for an empty text): tells a labelled table from
// bare feature rows before either is parsed.
int csv_width(const std::string& text, const std::string& name);

// Datasets (one per table, the training table first) sharing one class list. Integer
// labels are class indices (K = max + 1, or class_names.size() when names are given); word
// labels map to class_names when given, else to the training table's sorted distinct values.
// Without class_names, a label of a later table that the training table never has is an
// error naming the file, line and label.
std::vector<Dataset> csv_datasets(const std::vector<CsvTable>& tables, const std::vector<std::string>& sources,
                                  const std::vector<std::string>& class_names, const std::string& name);

}  // namespace mlp
