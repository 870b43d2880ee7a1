// Fuzz target: the CSV table reader and the datasets made from a table. Any text must
// either parse or throw mlp::Error (ragged rows, non-numeric or non-finite cells, ...).
#include <cstdint>
#include <string>

#include "mlp/csv.hpp"
#include "mlp/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        mlp::csv_width(text, "fuzz.csv");
        mlp::CsvOptions options;
        options.label_index = -1;
        const mlp::CsvTable table = mlp::parse_csv(text, "fuzz.csv", options);
        mlp::csv_datasets({table}, {"fuzz.csv"}, {}, "fuzz");
    } catch (const mlp::Error&) {
    }
    return 0;
}
