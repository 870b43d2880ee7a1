// CSV reader: RFC 4180 fields (quotes, doubled quotes; no line breaks inside quotes),
// comma-separated, blank lines skipped. Every cell is checked before it is used.
#include "mlp/csv.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "mlp/error.hpp"
#include "mlp/file.hpp"

namespace mlp {
namespace {

constexpr int kMaxClasses = 65536;

std::string trim(const std::string& s) {
    const std::size_t a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

std::vector<std::string> split_fields(const std::string& line, const std::string& where) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false, was_quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"' && trim(field).empty()) {
            quoted = was_quoted = true;
            field.clear();
        } else if (c == ',') {
            fields.push_back(was_quoted ? field : trim(field));
            field.clear();
            was_quoted = false;
        } else {
            field += c;
        }
    }
    require(!quoted, where + ": unterminated quoted field");
    fields.push_back(was_quoted ? field : trim(field));
    return fields;
}

bool parse_number(const std::string& cell, double& out) {
    if (cell.empty()) return false;
    char* end = nullptr;
    out = std::strtod(cell.c_str(), &end);
    return end == cell.c_str() + cell.size();
}

std::string column_label(const std::vector<std::string>& columns, int c) {
    std::string s = "column " + std::to_string(c);
    if (c < static_cast<int>(columns.size())) s += " ('" + columns[c] + "')";
    return s;
}

std::string list_columns(const std::vector<std::string>& columns) {
    std::string s;
    for (std::size_t i = 0; i < columns.size() && i < 8; ++i) s += (i ? ", " : "") + columns[i];
    if (columns.size() > 8) s += ", ... (" + std::to_string(columns.size()) + " columns)";
    return s;
}

}  // namespace

int csv_width(const std::string& text, const std::string& name) {
    int number = 0;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        ++number;
        const std::string line = text.substr(start, end - start);
        if (!trim(line).empty())
            return static_cast<int>(split_fields(line, name + ":" + std::to_string(number)).size());
        start = end + 1;
    }
    return 0;
}

CsvTable parse_csv(const std::string& text, const std::string& name, const CsvOptions& options) {
    CsvTable table;
    // Non-blank lines with their numbers.
    std::vector<std::pair<int, std::string>> lines;
    int number = 0;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        ++number;
        std::string line = text.substr(start, end - start);
        if (!trim(line).empty()) lines.emplace_back(number, std::move(line));
        start = end + 1;
    }
    require(!lines.empty(), name + ": no data rows (the file is empty)");
    std::vector<std::string> first = split_fields(lines[0].second, name + ":" + std::to_string(lines[0].first));
    const int width = static_cast<int>(first.size());

    bool header = options.header == "true";
    require(options.header == "true" || options.header == "false" || options.header == "auto",
            name + ": header must be auto, true or false, got '" + options.header + "'");
    if (!options.label_name.empty())
        require(options.header != "false", name + ": the label column is given by name ('" + options.label_name +
                                               "') but header = false; give its 0-based index instead");
    if (options.header == "auto") {
        // A header when some non-empty cell of the first row, other than a label given by
        // index, is not a number.
        int skip = -1;
        if (options.label_index) skip = *options.label_index < 0 ? width + *options.label_index : *options.label_index;
        double v;
        for (int c = 0; c < width && !header; ++c) header = c != skip && !first[c].empty() && !parse_number(first[c], v);
        if (!options.label_name.empty()) header = true;
    }
    if (header) table.columns = first;

    if (options.has_label) {
        int label = -1;
        if (!options.label_name.empty() || !options.label_index) {
            const std::string wanted = options.label_name.empty() ? "label" : options.label_name;
            auto it = std::find(table.columns.begin(), table.columns.end(), wanted);
            if (it == table.columns.end()) {
                if (options.label_name.empty())
                    throw Error(name + ": no column named 'label'" +
                                (header ? " (columns: " + list_columns(table.columns) + ")" : " and no header") +
                                "; set data.label_column to the label column's name or 0-based index");
                throw Error(name + ": no column named '" + wanted + "' in the header (columns: " +
                            list_columns(table.columns) + ")");
            }
            label = static_cast<int>(it - table.columns.begin());
        } else {
            label = *options.label_index < 0 ? width + *options.label_index : *options.label_index;
            require(label >= 0 && label < width, name + ": label column " + std::to_string(*options.label_index) +
                                                     " is out of range (the file has " + std::to_string(width) +
                                                     " columns)");
        }
        table.label_column = label;
    }
    table.features = width - (options.has_label ? 1 : 0);
    require(table.features > 0, name + ": no feature columns (the file has " + std::to_string(width) + " columns)");

    const std::size_t data_rows = lines.size() - (header ? 1 : 0);
    require(data_rows > 0, name + ": no data rows after the header");
    table.values.reserve(data_rows * table.features);
    for (std::size_t i = header ? 1 : 0; i < lines.size(); ++i) {
        const std::string where = name + ":" + std::to_string(lines[i].first);
        const std::vector<std::string> fields = i == 0 ? first : split_fields(lines[i].second, where);
        require(static_cast<int>(fields.size()) == width,
                where + ": " + std::to_string(fields.size()) + " fields, expected " + std::to_string(width) +
                    " (as in line " + std::to_string(lines[0].first) + ")");
        for (int c = 0; c < width; ++c) {
            if (c == table.label_column) {
                require(!fields[c].empty(), where + ": " + column_label(table.columns, c) + ": empty label");
                table.labels.push_back(fields[c]);
                continue;
            }
            double v = 0;
            if (!parse_number(fields[c], v))
                throw Error(where + ": " + column_label(table.columns, c) + ": '" + fields[c] +
                            "' is not a number");
            if (!std::isfinite(static_cast<float>(v)))
                throw Error(where + ": " + column_label(table.columns, c) + ": '" + fields[c] +
                            "' is not a finite number (features must be finite)");
            table.values.push_back(static_cast<float>(v));
        }
        table.lines.push_back(lines[i].first);
        ++table.rows;
    }
    return table;
}

CsvTable read_csv(const std::string& path, const CsvOptions& options) {
    const std::vector<std::uint8_t> bytes = read_file(path);
    CsvTable table = parse_csv(std::string(bytes.begin(), bytes.end()), path, options);
    table.sha256 = sha256_hex(bytes.data(), bytes.size(), &table.sha256_seconds);
    return table;
}

std::vector<Dataset> csv_datasets(const std::vector<CsvTable>& tables, const std::vector<std::string>& sources,
                                  const std::vector<std::string>& class_names, const std::string& name) {
    // Integer labels when every label of every table is a non-negative integer.
    bool integers = true;
    for (const CsvTable& t : tables)
        for (const std::string& s : t.labels) {
            char* end = nullptr;
            const long v = std::strtol(s.c_str(), &end, 10);
            integers = integers && end == s.c_str() + s.size() && v >= 0;
        }
    // Without class_names the classes are the first (training) table's labels: a label only
    // a later table has would be a class the model never trains on, a silent 0 % on it.
    std::set<std::string> trained;
    std::set<long> trained_indices;  // integer labels compare as numbers ("07" is class 7)
    if (!tables.empty())
        for (const std::string& label : tables[0].labels) {
            trained.insert(label);
            if (integers) trained_indices.insert(std::strtol(label.c_str(), nullptr, 10));
        }
    auto in_training = [&](const std::string& label) {
        return integers ? trained_indices.count(std::strtol(label.c_str(), nullptr, 10)) > 0 : trained.count(label) > 0;
    };
    std::vector<std::string> names = class_names;
    std::map<std::string, int> index;
    if (!integers) {
        if (names.empty()) names.assign(trained.begin(), trained.end());
        for (std::size_t k = 0; k < names.size(); ++k) index[names[k]] = static_cast<int>(k);
    }
    std::vector<Dataset> out;
    int K = static_cast<int>(names.size());
    for (std::size_t i = 0; i < tables.size(); ++i) {
        const CsvTable& t = tables[i];
        require(i == 0 || t.features == tables[0].features,
                sources[i] + ": " + std::to_string(t.features) + " feature columns, expected " +
                    std::to_string(tables[0].features) + " as in " + sources[0]);
        Dataset d;
        d.name = name;
        d.rows = t.rows;
        d.features = t.features;
        d.f32 = t.values;
        for (int r = 0; r < t.rows; ++r) {
            const std::string where = sources[i] + ":" + std::to_string(t.lines[r]);
            require(i == 0 || !class_names.empty() || in_training(t.labels[r]),
                    where + ": label " + t.labels[r] + " never occurs in the training file " + sources[0] +
                        " (the model would have no class for it; list every class in data.class_names to allow it)");
            int y = 0;
            if (integers) {
                y = std::atoi(t.labels[r].c_str());
                require(t.labels[r].size() <= 6 && y < kMaxClasses,
                        where + ": label " + t.labels[r] + " is out of range (class indices must be below " +
                            std::to_string(kMaxClasses) + ")");
                require(class_names.empty() || y < static_cast<int>(class_names.size()),
                        where + ": label " + t.labels[r] + " is out of range (expected 0.." +
                            std::to_string(class_names.size() - 1) + " for the " +
                            std::to_string(class_names.size()) + " class_names)");
                if (class_names.empty()) K = std::max(K, y + 1);
            } else {
                auto it = index.find(t.labels[r]);
                require(it != index.end(), where + ": label '" + t.labels[r] + "' is not one of class_names");
                y = it->second;
            }
            d.labels.push_back(y);
        }
        d.checksums[std::filesystem::path(sources[i]).filename().string()] = t.sha256;
        d.checksum_seconds = t.sha256_seconds;
        out.push_back(std::move(d));
    }
    if (names.empty())
        for (int k = 0; k < K; ++k) names.push_back(std::to_string(k));
    for (Dataset& d : out) {
        d.classes = K;
        d.class_names = names;
    }
    return out;
}

}  // namespace mlp
