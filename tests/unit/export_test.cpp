// `mlp export` (issue 20): for every activation, both bias conventions and every
// normalisation, a tiny trained run exported as ONNX passes Debian's onnx checker and
// onnxruntime (tests/export/run_onnx.js) gives `mlp predict`'s probabilities within 1e-5;
// exported as a C99 header it compiles with gcc -std=c99 -Wall -Wextra -Werror -pedantic
// (tests/export/predict_rows.c) and gives them too. The int8 header's accuracy loss on MNIST
// is printed and bounded. Bad input is one error line and writes no file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "mlp/export.hpp"
#include "mlp/file.hpp"
#include "mlp/idx.hpp"
#include "mlp/init.hpp"
#include "mlp/safetensors.hpp"
#include "mlp_process.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

using test::run;

constexpr double kTolerance = 1e-5;  // max |p_exported − p_predict| over every row and class
const std::string kSource = MLP_SOURCE_DIR;
const std::string kRuntime = kSource + "/tests/export/node_modules/onnxruntime-node/package.json";

std::vector<std::vector<double>> read_csv(const std::string& path, bool skip_header) {
    std::istringstream text(read_text(path));
    std::vector<std::vector<double>> rows;
    std::string line;
    if (skip_header) std::getline(text, line);
    while (std::getline(text, line)) {
        std::vector<double> row;
        std::istringstream cells(line);
        for (std::string cell; std::getline(cells, cell, ',');) row.push_back(std::stod(cell));
        rows.push_back(row);
    }
    return rows;
}

// max |a − b| over all entries; infinity when the shapes differ.
double max_difference(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
    if (a.size() != b.size() || a.empty()) return INFINITY;
    double diff = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].size() != b[i].size()) return INFINITY;
        for (std::size_t k = 0; k < a[i].size(); ++k) diff = std::max(diff, std::abs(a[i][k] - b[i][k]));
    }
    return diff;
}

// The first `count` MNIST test images as CSV rows of raw pixels (0-255), as the file holds them.
void write_mnist_rows(const std::string& path, int count) {
    const IdxImages images = parse_idx_images(read_file(kSource + "/data/mnist/t10k-images-idx3-ubyte"), "t10k");
    const int D = images.height * images.width;
    std::string csv;
    for (int i = 0; i < count; ++i) {
        for (int f = 0; f < D; ++f) csv += (f ? "," : "") + std::to_string(images.pixels[std::size_t(i) * D + f]);
        csv += "\n";
    }
    write_file_atomic(path, csv);
}

std::string train_tiny_run(const std::string& dir, const std::string& model_section, const std::string& data_extra,
                           const std::string& train_section) {
    const std::string config = dir + "/config.toml";
    write_file_atomic(config, "[data]\ndir = \"" + kSource + "/data/mnist\"\nvalidation = 100\ntest_size = 10\n" +
                                  data_extra + "[model]\ninit = \"xavier_normal\"\n" + model_section + "[train]\n" +
                                  train_section);
    const auto r = run(test::mlp_binary() + " train --quiet --no-report --config " + config + " --out " + dir + "/run");
    EXPECT_EQ(r.status, 0) << r.output;
    return dir + "/run";
}

// Compiles tests/export/predict_rows.c against header_dir/model.h; returns the program.
std::string compile_header(const std::string& header_dir) {
    const std::string program = header_dir + "/predict_rows";
    const auto r = run("gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -I" + header_dir + " -o " + program + " " +
                       kSource + "/tests/export/predict_rows.c -lm");
    EXPECT_EQ(r.status, 0) << r.output;
    return program;
}

struct RoundTripCase {
    const char* activation;
    const char* bias;
    const char* normalize;
    const char* hidden;
};

// How gtest (and so ctest's test names) shows a case, instead of its bytes.
void PrintTo(const RoundTripCase& c, std::ostream* os) {
    *os << c.activation << " " << c.bias << " " << c.normalize << " hidden " << c.hidden;
}

std::string case_name(const ::testing::TestParamInfo<RoundTripCase>& info) {
    std::string hidden = info.param.hidden;
    return std::string(info.param.activation) + "_" + info.param.bias + "_" + info.param.normalize +
           (hidden == "[]" ? "_no_hidden" : "");
}

std::vector<RoundTripCase> round_trip_cases() {
    const char* activations[] = {"sigmoid", "improved_sigmoid", "tanh", "relu", "leaky_relu", "identity"};
    const char* normalizations[] = {"global", "per_feature", "scale255", "none", "mean_image", "per_channel"};
    std::vector<RoundTripCase> cases;
    for (int a = 0; a < 6; ++a)
        for (int b = 0; b < 2; ++b)
            cases.push_back({activations[a], b ? "trick" : "explicit", normalizations[(a + 3 * b) % 6], "[16, 8]"});
    cases.push_back({"sigmoid", "explicit", "global", "[]"});  // softmax regression: one Gemm
    cases.push_back({"relu", "trick", "per_feature", "[]"});
    return cases;
}

class ExportRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(ExportRoundTrip, OnnxAndCHeaderMatchPredict) {
    const RoundTripCase& c = GetParam();
    const test::TempDir dir;
    std::string model = std::string("hidden = ") + c.hidden + "\nactivation = \"" + c.activation + "\"\nbias = \"" +
                        c.bias + "\"\n";
    if (std::string(c.activation) == "leaky_relu") model += "leaky_slope = 0.1\n";
    const std::string run_dir =
        train_tiny_run(dir.path, model, "train_size = 400\nnormalize = \"" + std::string(c.normalize) + "\"\n",
                       "max_steps = 8\nbatch_size = 32\noptimizer = \"adam\"\nlr = 0.01\n");
    write_mnist_rows(dir / "rows.csv", 16);
    const auto predicted = run(test::mlp_binary() + " predict --model " + run_dir + " " + dir / "rows.csv" + " --csv " +
                               dir / "predict.csv");
    ASSERT_EQ(predicted.status, 0) << predicted.output;
    const auto expected = read_csv(dir / "predict.csv", true);
    ASSERT_EQ(expected.size(), 16u);

    // ONNX: the checker (with shape inference), then onnxruntime on the same rows.
    const auto onnx = run(test::mlp_binary() + " export " + run_dir + " --format onnx --out " + dir / "model.onnx");
    ASSERT_EQ(onnx.status, 0) << onnx.output;
    const auto checked = run("/usr/bin/python3 -c 'import onnx, sys; "
                             "onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)' " +
                             dir / "model.onnx");
    EXPECT_EQ(checked.status, 0) << "onnx checker (Debian python3-onnx):\n" << checked.output;
    ASSERT_TRUE(file_exists(kRuntime)) << "onnxruntime-node is not installed: run "
                                          "`(cd tests/export && ONNXRUNTIME_NODE_INSTALL=skip npm ci)` or scripts/test.sh";
    const auto ran = run("node " + kSource + "/tests/export/run_onnx.js " + dir / "model.onnx" + " " +
                         dir / "rows.csv" + " " + dir / "onnx.csv");
    ASSERT_EQ(ran.status, 0) << ran.output;
    EXPECT_LE(max_difference(read_csv(dir / "onnx.csv", false), expected), kTolerance);

    // C99: the header compiled with every warning as an error, run on the same rows.
    const auto header = run(test::mlp_binary() + " export " + run_dir + " --format c --out " + dir / "model.h");
    ASSERT_EQ(header.status, 0) << header.output;
    const std::string program = compile_header(dir.path);
    ASSERT_EQ(run(program + " < " + dir / "rows.csv" + " > " + dir / "c.csv").status, 0);
    EXPECT_LE(max_difference(read_csv(dir / "c.csv", false), expected), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(EveryActivationBiasAndNormalization, ExportRoundTrip,
                         ::testing::ValuesIn(round_trip_cases()), case_name);

// Accuracy of one compiled header on the first `count` MNIST test rows.
double header_accuracy(const std::string& program, const std::string& rows, int count) {
    const std::string out = program + ".csv";
    EXPECT_EQ(run(program + " < " + rows + " > " + out).status, 0);
    const auto probs = read_csv(out, false);
    const std::vector<int> labels =
        parse_idx_labels(read_file(kSource + "/data/mnist/t10k-labels-idx1-ubyte"), "t10k labels");
    int correct = 0;
    for (int i = 0; i < count && i < int(probs.size()); ++i)
        correct += std::max_element(probs[i].begin(), probs[i].end()) - probs[i].begin() == labels[i];
    return 100.0 * correct / count;
}

TEST(Export, Int8HeaderLosesLittleAccuracy) {
    const test::TempDir dir;
    const std::string run_dir = train_tiny_run(dir.path, "hidden = [64]\nactivation = \"relu\"\n",
                                               "train_size = 6000\n", "epochs = 2\noptimizer = \"adam\"\nlr = 0.003\n");
    const int count = 2000;
    write_mnist_rows(dir / "rows.csv", count);
    make_directories(dir / "float");
    make_directories(dir / "int8");
    ASSERT_EQ(run(test::mlp_binary() + " export " + run_dir + " --format c --out " + dir / "float/model.h").status, 0);
    ASSERT_EQ(run(test::mlp_binary() + " export " + run_dir + " --format c --int8 --out " + dir / "int8/model.h").status,
              0);
    EXPECT_LT(read_text(dir / "int8/model.h").size(), read_text(dir / "float/model.h").size() / 2);
    const double float_accuracy = header_accuracy(compile_header(dir / "float"), dir / "rows.csv", count);
    const double int8_accuracy = header_accuracy(compile_header(dir / "int8"), dir / "rows.csv", count);
    std::printf("MNIST test rows 1-%d, 784-64-10 relu: float header %.2f %%, int8 header %.2f %% (loss %.2f points)\n",
                count, float_accuracy, int8_accuracy, float_accuracy - int8_accuracy);
    EXPECT_GT(float_accuracy, 85.0);
    EXPECT_GE(int8_accuracy, float_accuracy - 1.0);
}

// The text of the first ```<language> block after `heading` in a Markdown file.
std::string code_block(const std::string& markdown_path, const std::string& heading, const std::string& language) {
    const std::string text = read_text(markdown_path);
    const std::size_t section = text.find(heading);
    const std::size_t start = text.find("```" + language + "\n", section);
    if (section == std::string::npos || start == std::string::npos) return "";
    const std::size_t body = start + 4 + language.size();
    return text.substr(body, text.find("```", body) - body);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
    return text;
}

// The README's export commands run as written (on a tiny run instead of the default
// experiment's), and the C example of docs/export.md compiles with the header they wrote.
TEST(Export, ReadmeAndDocsExamplesRun) {
    const test::TempDir dir;
    const std::string run_dir = train_tiny_run(dir.path, "hidden = [8]\n", "train_size = 200\n", "max_steps = 3\n");
    const std::string commands = code_block(kSource + "/README.md", "\n## Export\n", "sh");
    ASSERT_NE(commands.find("build/mlp export"), std::string::npos) << "README.md has no ## Export commands";
    std::istringstream lines(commands);
    for (std::string line; std::getline(lines, line);) {
        line = line.substr(0, line.find('#'));
        line = replace_all(replace_all(line, "build/mlp", test::mlp_binary()), "runs/mnist_default", run_dir);
        line = replace_all(replace_all(line, " model.onnx", " " + dir / "model.onnx"), " model.h", " " + dir / "model.h");
        const auto r = run(line);
        EXPECT_EQ(r.status, 0) << line << "\n" << r.output;
    }
    ASSERT_TRUE(file_exists(dir / "model.onnx"));
    ASSERT_TRUE(file_exists(dir / "model.h"));

    std::string example = code_block(kSource + "/docs/export.md", "\n## C99 header\n", "c");
    ASSERT_NE(example.find("mlp_predict(x, probs);"), std::string::npos) << "docs/export.md has no C example";
    const std::size_t body = example.find('\n', example.find("#include \"model.h\"")) + 1;
    write_file_atomic(dir / "example.c", "#include <stdio.h>\n" + example.substr(0, body) +
                                             "int main(void) {\n    float x[MLP_INPUTS] = {0};\n" + example.substr(body) +
                                             "    return 0;\n}\n");
    const auto compiled = run("gcc -std=c99 -Wall -Wextra -Werror -pedantic -I" + dir.path + " -o " + dir / "example " +
                              dir / "example.c -lm && " + dir / "example");
    EXPECT_EQ(compiled.status, 0) << compiled.output;
}

// Bad input: one line `mlp: error: ...` naming what was wrong, exit 1, and no file at --out.
void expect_refused(const std::string& args, const std::string& fragment, const std::string& out) {
    const auto r = run(test::mlp_binary() + " export " + args + " --out " + out);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(test::count_lines(r.output), 1) << r.output;
    EXPECT_EQ(r.output.rfind("mlp: error: ", 0), 0u) << r.output;
    EXPECT_NE(r.output.find(fragment), std::string::npos) << r.output;
    EXPECT_FALSE(file_exists(out)) << out;
}

// A valid 4-3-2 model file written directly (no training), with the metadata key `drop` removed.
std::string small_model(const std::string& dir, const std::string& drop = "", float poison = 0.0f) {
    Network<float> net(Architecture{4, {3}, 2, {ActivationKind::tanh, 0.01}, BiasMode::explicit_vectors});
    Rng rng(7);
    initialize(net, Init{InitScheme::he, 0}, rng);
    net.weight(net.params, 1)(2, 1) += poison;
    ModelInfo info;
    info.normalizer.mean = {1, 2, 3, 4};
    info.normalizer.inv_std = {0.5f, 0.5f, 1, 1};
    const std::string path = dir + "/model.safetensors";
    save_model(path, net, info);
    if (!drop.empty()) {
        std::map<std::string, std::string> meta;
        const auto tensors = read_safetensors(path, &meta);
        meta.erase(drop);
        write_safetensors(path, tensors, drop == "__metadata__" ? std::map<std::string, std::string>{} : meta);
    }
    return path;
}

TEST(Export, BadInputIsOneLineAndWritesNothing) {
    const test::TempDir dir;
    make_directories(dir / "empty_run");
    expect_refused(dir / "empty_run --format onnx", "empty_run/model.safetensors: no model file, expected", dir / "a.onnx");

    make_directories(dir / "good");
    const std::string good = small_model(dir / "good");
    expect_refused(good + " --format tflite", "--format: unknown export format 'tflite' (expected onnx or c)",
                   dir / "a.tflite");
    expect_refused(good + " --format onnx --int8", "--int8: int8 weights are a variant of the C header",
                   dir / "a.onnx");

    make_directories(dir / "no_hidden");
    expect_refused(small_model(dir / "no_hidden", "hidden") + " --format c",
                   "model.safetensors: __metadata__ key 'hidden' is missing, expected the architecture", dir / "a.h");
    make_directories(dir / "no_metadata");
    expect_refused(small_model(dir / "no_metadata", "__metadata__") + " --format onnx",
                   "not an mlp model file (metadata format is '', expected 'mlp-model-1')", dir / "a.onnx");
    make_directories(dir / "nan");
    expect_refused(small_model(dir / "nan", "", NAN) + " --format c", "nan at index 5, expected finite values",
                   dir / "a.h");

    // A failed export leaves an earlier file at --out as it was.
    write_file_atomic(dir / "kept.h", "earlier\n");
    const auto r = run(test::mlp_binary() + " export " + dir / "no_hidden --format c --out " + dir / "kept.h");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(read_text(dir / "kept.h"), "earlier\n");

    // The same small model, complete, exports in both formats.
    for (const char* format : {"onnx", "c"}) {
        const auto ok = run(test::mlp_binary() + " export " + dir / "good --format " + format + " --out " + dir / "ok." +
                            format);
        EXPECT_EQ(ok.status, 0) << ok.output;
        EXPECT_TRUE(file_exists(dir / "ok." + format));
    }
}

// Class names and a source path that C would misread unescaped (quotes, backslashes,
// trigraphs, control bytes, a comment end) come out of the header as they went in.
TEST(Export, CHeaderEscapesClassNamesAndSource) {
    const test::TempDir dir;
    Network<float> net(Architecture{3, {}, 4, {ActivationKind::relu, 0.01}, BiasMode::explicit_vectors});
    Rng rng(3);
    initialize(net, Init{InitScheme::he, 0}, rng);
    ModelInfo info;
    info.normalizer.mean = {0, 0, 0};
    info.normalizer.inv_std = {1, 1, 1};
    info.class_names = {"say \"hi\"", "back\\slash", "what?\?=", "tab\there"};
    write_file_atomic(dir / "model.h", c_header(net, info, CHeaderOptions{false, "runs/*/ x */model"}));
    write_file_atomic(dir / "names.c", "#include <stdio.h>\n#include \"model.h\"\n"
                                       "int main(void) { int k; for (k = 0; k < MLP_CLASSES; ++k) "
                                       "printf(\"[%s]\\n\", mlp_class_name(k)); return 0; }\n");
    const auto r = run("gcc -std=c99 -Wall -Wextra -Werror -pedantic -I" + dir.path + " -o " + dir / "names " +
                       dir / "names.c -lm && " + dir / "names");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output, "[say \"hi\"]\n[back\\slash]\n[what?\?=]\n[tab\there]\n");
}

}  // namespace
}  // namespace mlp
