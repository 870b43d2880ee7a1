// CSV: one table of feature columns and a label column (by name or index), a test table
// optional; its classes are known only once every row is read.
#include "dataset_kind.hpp"
#include "mlp/csv.hpp"

namespace mlp {
namespace {

CsvOptions csv_options(const DataConfig& c) {
    CsvOptions o;
    o.label_name = c.label_column;
    o.label_index = c.label_index;
    o.header = c.header;
    return o;
}

Sources read(const DataConfig& c) {
    std::vector<CsvTable> tables{read_csv(required(c.file, "file", "a .csv file with a label column"), csv_options(c))};
    std::vector<std::string> sources{c.file};
    if (!c.test_file.empty()) {
        tables.push_back(read_csv(c.test_file, csv_options(c)));
        sources.push_back(c.test_file);
    }
    std::vector<Dataset> sets = csv_datasets(tables, sources, c.class_names, "csv");
    Sources s;
    s.train = std::make_unique<Dataset>(std::move(sets[0]));
    if (sets.size() > 1) s.test = std::make_unique<Dataset>(std::move(sets[1]));
    return s;
}

// The class list needs every row: read it all.
DataShape shape(const DataConfig& c) {
    const Sources s = read(c);
    DataShape shape;
    shape.features = s.train->features;
    shape.classes = s.train->classes;
    shape.image_shape = s.train->image_shape;
    shape.class_names = s.train->class_names;
    return shape;
}

}  // namespace

DatasetKind csv_kind() {
    return {"csv", [] { return std::string(); }, 0.1, read, shape,
            {"file", "test_file", "label_column", "header", "class_names", "test_fraction"}};
}

}  // namespace mlp
