// Reading the golden fixtures that tools/make_golden.py writes: the file, a case's
// architecture, and its numbers.
#pragma once
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlp/architecture.hpp"

namespace mlp::test {

using json = nlohmann::json;

// tests/fixtures/<name>, which must hold exactly `cases` cases; a missing file, or a
// "cases" array emptied or cut short (every loop over it would pass), fails the test.
inline json load_golden(const std::string& name, std::size_t cases) {
    std::ifstream in(MLP_SOURCE_DIR "/tests/fixtures/" + name);
    EXPECT_TRUE(in.good()) << "missing tests/fixtures/" << name << " (run tools/make_golden.py)";
    json fixture = json::parse(in);
    EXPECT_TRUE(fixture.contains("cases") && fixture["cases"].is_array()) << name << ": no \"cases\" array";
    EXPECT_EQ(fixture.value("cases", json::array()).size(), cases) << name << ": cases written by tools/make_golden.py";
    return fixture;
}

// "sizes" [D, H1, ..., K], "activation", and the dropout rates where the case has them.
inline Architecture golden_architecture(const json& c) {
    const auto sizes = c["sizes"].get<std::vector<int>>();
    Architecture a;
    a.inputs = sizes.front();
    a.hidden = std::vector<int>(sizes.begin() + 1, sizes.end() - 1);
    a.classes = sizes.back();
    a.activation.kind = parse_activation(c["activation"].get<std::string>());
    a.dropout = c.value("dropout", 0.0);
    a.input_dropout = c.value("input_dropout", 0.0);
    return a;
}

// dst[i] = values[i], converted to T.
template <class T>
void set_values(T* dst, const json& values) {
    const auto v = values.get<std::vector<double>>();
    for (std::size_t i = 0; i < v.size(); ++i) dst[i] = static_cast<T>(v[i]);
}

}  // namespace mlp::test
