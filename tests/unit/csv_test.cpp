// CSV reader: header detection, label column by name or index, word and integer labels,
// quoting, and the errors for ragged rows, non-numeric and non-finite cells.
#include <gtest/gtest.h>

#include "data_test_support.hpp"
#include "mlp/csv.hpp"
#include "mlp/data_source.hpp"

namespace mlp {
namespace {

using testing::error_of;

CsvOptions by_index(int i, const std::string& header = "auto") {
    CsvOptions o;
    o.label_index = i;
    o.header = header;
    return o;
}

TEST(Csv, HeaderAndLabelByName) {
    CsvOptions o;
    o.label_name = "kind";
    const CsvTable t = parse_csv("a,kind,b\n1,cat,2\n\n3.5,dog,-4e-1\n", "t.csv", o);
    EXPECT_EQ(t.columns, (std::vector<std::string>{"a", "kind", "b"}));
    EXPECT_EQ(t.rows, 2);
    EXPECT_EQ(t.features, 2);
    EXPECT_EQ(t.values, (std::vector<float>{1, 2, 3.5f, -0.4f}));
    EXPECT_EQ(t.labels, (std::vector<std::string>{"cat", "dog"}));
    EXPECT_EQ(t.lines, (std::vector<int>{2, 4}));
}

TEST(Csv, NoHeaderLabelByIndexFromEitherEnd) {
    const CsvTable first = parse_csv("7,0.5,0.25\n3,1,2\n", "t.csv", by_index(0));
    EXPECT_TRUE(first.columns.empty());
    EXPECT_EQ(first.labels, (std::vector<std::string>{"7", "3"}));
    EXPECT_EQ(first.values, (std::vector<float>{0.5f, 0.25f, 1, 2}));
    const CsvTable last = parse_csv("0.5,0.25,7\r\n1,2,3\r\n", "t.csv", by_index(-1));
    EXPECT_EQ(last.labels, (std::vector<std::string>{"7", "3"}));
    EXPECT_EQ(last.values, (std::vector<float>{0.5f, 0.25f, 1, 2}));
}

TEST(Csv, DefaultLabelColumnIsNamedLabel) {
    const CsvTable t = parse_csv("x,label\n1,0\n2,1\n", "t.csv", CsvOptions{});
    EXPECT_EQ(t.label_column, 1);
    const std::string e = error_of([] { parse_csv("1,0\n2,1\n", "n.csv", CsvOptions{}); });
    EXPECT_NE(e.find("n.csv: no column named 'label' and no header; set data.label_column"), std::string::npos) << e;
}

TEST(Csv, QuotedFields) {
    CsvOptions o;
    o.label_name = "name";
    const CsvTable t = parse_csv("\"x, y\",name\n\"1.5\",\"a \"\"b\"\", c\"\n", "q.csv", o);
    EXPECT_EQ(t.columns[0], "x, y");
    EXPECT_EQ(t.values, (std::vector<float>{1.5f}));
    EXPECT_EQ(t.labels[0], "a \"b\", c");
}

TEST(Csv, RaggedRowNamesLineAndWidths) {
    const std::string e = error_of([] { parse_csv("a,b,label\n1,2,0\n1,2\n", "r.csv", CsvOptions{}); });
    EXPECT_NE(e.find("r.csv:3: 2 fields, expected 3 (as in line 1)"), std::string::npos) << e;
}

TEST(Csv, NonNumericCellNamesLineAndColumn) {
    const std::string e = error_of([] { parse_csv("a,b,label\n1,2,0\n1,x7,0\n", "n.csv", CsvOptions{}); });
    EXPECT_NE(e.find("n.csv:3: column 1 ('b'): 'x7' is not a number"), std::string::npos) << e;
    const std::string empty = error_of([] { parse_csv("1,,0\n", "n.csv", by_index(2)); });
    EXPECT_NE(empty.find("n.csv:1: column 1: '' is not a number"), std::string::npos) << empty;
}

TEST(Csv, NonFiniteCellsAreErrors) {
    for (const char* bad : {"nan", "inf", "-Infinity", "1e999"}) {
        const std::string e =
            error_of([&] { parse_csv(std::string("a,label\n1,0\n") + bad + ",1\n", "f.csv", CsvOptions{}); });
        EXPECT_NE(e.find("f.csv:3: column 0 ('a'): '" + std::string(bad) + "' is not a finite number"),
                  std::string::npos)
            << e;
    }
}

TEST(Csv, EmptyFilesAndMissingColumns) {
    EXPECT_NE(error_of([] { parse_csv("\n\n", "e.csv", CsvOptions{}); }).find("e.csv: no data rows"),
              std::string::npos);
    EXPECT_NE(error_of([] { parse_csv("a,label\n", "h.csv", CsvOptions{}); }).find("h.csv: no data rows after the header"),
              std::string::npos);
    CsvOptions o;
    o.label_name = "y";
    EXPECT_NE(error_of([&] { parse_csv("a,b\n1,2\n", "m.csv", o); }).find("m.csv: no column named 'y' in the header (columns: a, b)"),
              std::string::npos);
    EXPECT_NE(error_of([] { parse_csv("1,2\n", "i.csv", by_index(5)); }).find("i.csv: label column 5 is out of range"),
              std::string::npos);
}

TEST(Csv, WordLabelsBecomeSortedClasses) {
    CsvOptions o;
    o.label_name = "y";
    const CsvTable train = parse_csv("x,y\n1,dog\n2,cat\n3,emu\n", "train.csv", o);
    const CsvTable test = parse_csv("x,y\n4,cat\n", "test.csv", o);
    const auto sets = csv_datasets({train, test}, {"train.csv", "test.csv"}, {}, "csv");
    EXPECT_EQ(sets[0].class_names, (std::vector<std::string>{"cat", "dog", "emu"}));
    EXPECT_EQ(sets[0].labels, (std::vector<int>{1, 0, 2}));
    EXPECT_EQ(sets[1].labels, (std::vector<int>{0}));
    EXPECT_EQ(sets[1].classes, 3);
    const std::string e = error_of([&] { csv_datasets({train}, {"train.csv"}, {"cat", "dog"}, "csv"); });
    EXPECT_NE(e.find("train.csv:4: label 'emu' is not one of class_names"), std::string::npos) << e;
}

TEST(Csv, IntegerLabelsAreClassIndices) {
    const CsvTable t = parse_csv("0.5,2\n0.25,0\n", "t.csv", by_index(1));
    const auto sets = csv_datasets({t}, {"t.csv"}, {}, "csv");
    EXPECT_EQ(sets[0].classes, 3);
    EXPECT_EQ(sets[0].labels, (std::vector<int>{2, 0}));
    const std::string e = error_of([&] { csv_datasets({t}, {"t.csv"}, {"a", "b"}, "csv"); });
    EXPECT_NE(e.find("t.csv:1: label 2 is out of range (expected 0..1 for the 2 class_names)"), std::string::npos) << e;
}

TEST(Csv, WidthOfTheFirstNonBlankLine) {
    EXPECT_EQ(csv_width("\n\n\"a,b\",c,d\n1,2\n", "w.csv"), 3);
    EXPECT_EQ(csv_width("\n", "w.csv"), 0);
}

TEST(Csv, LoadDataWithATestFile) {
    const std::string dir = testing::scratch_dir("csv_load");
    std::string train = "f1,f2,label\n", test = "f1,f2,label\n";
    for (int i = 0; i < 50; ++i) train += std::to_string(i) + "," + std::to_string(i % 5) + "," + std::to_string(i % 2) + "\n";
    for (int i = 0; i < 10; ++i) test += std::to_string(i) + ",0," + std::to_string(i % 2) + "\n";
    testing::write_text(dir + "/train.csv", train);
    testing::write_text(dir + "/test.csv", test + "1,2\n");
    DataConfig config;
    config.dataset = "csv";
    config.file = dir + "/train.csv";
    config.test_file = dir + "/test.csv";
    EXPECT_NE(error_of([&] { load_data(config); }).find(dir + "/test.csv:12: 2 fields, expected 3"), std::string::npos);
    testing::write_text(dir + "/test.csv", test);
    config.validation = 10;
    const DataSplits data = load_data(config);
    EXPECT_EQ(data.train.size(), 40);
    EXPECT_EQ(data.validation.size(), 10);
    EXPECT_EQ(data.test.size(), 10);
    EXPECT_EQ(data.train_data->features, 2);
    EXPECT_EQ(data.train_data->classes, 2);
    EXPECT_EQ(data.train_data->checksums.count("train.csv"), 1u);
}

}  // namespace
}  // namespace mlp
