// `mlp report`, `mlp train`'s own report and `mlp data show`, run as a person would run
// them: the built binary on small MNIST runs, checking files, exit codes and messages.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "report_test_support.hpp"

namespace mlp {
namespace {

using test::decode_png_file;
using test::mlp_binary;
using test::run;
using test::Scratch;
using test::slurp;
using test::train_tiny;

namespace fs = std::filesystem;

const char* kFigures[] = {"learning_curves.png", "network.png", "weights.png", "confusion.png",
                          "worst_classified.png", "samples.png"};

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (std::size_t p = 0; (p = text.find(what, p)) != std::string::npos; p += what.size()) ++n;
    return n;
}

TEST(ReportCommand, TrainWritesItsReportByDefault) {
    Scratch scratch;
    const std::string dir = scratch / "run";
    const auto r = train_tiny(dir, "", scratch);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("report: " + dir + "/report.html\n"), std::string::npos) << r.out;
    for (const char* figure : kFigures) {
        const auto d = decode_png_file(dir + "/figures/" + figure);
        EXPECT_GT(d.width, 400) << figure;
        EXPECT_GT(d.height, 200) << figure;
        EXPECT_GT(d.distinct(), 20) << figure;
        EXPECT_GT(d.ink(), 0.02) << figure;
    }
    const std::string html = slurp(dir + "/report.html");
    EXPECT_EQ(count(html, "<img "), 6);
    EXPECT_EQ(count(html, "src=\"data:image/png;base64,"), 6);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_NE(html.find("[train]"), std::string::npos) << "resolved config missing";
    EXPECT_NE(html.find("sha256 t10k-images-idx3-ubyte"), std::string::npos) << "data checksums missing";
    EXPECT_TRUE(fs::exists(dir + "/summary.md"));
    EXPECT_TRUE(fs::exists(dir + "/summary.csv"));
}

TEST(ReportCommand, NoReportFlagSkipsIt) {
    Scratch scratch;
    const std::string dir = scratch / "run";
    const auto r = train_tiny(dir, "--no-report", scratch);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out.find("report:"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir + "/report.html"));
    EXPECT_FALSE(fs::exists(dir + "/figures"));
}

TEST(ReportCommand, RunWithoutValidationDataStillReports) {
    Scratch scratch;
    const std::string dir = scratch / "run";
    ASSERT_EQ(train_tiny(dir, "--no-report --set data.validation=0 --set train.patience=0", scratch).code, 0);
    const auto r = run(mlp_binary() + " report " + dir, scratch.str());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "report: " + dir + "/report.html\n");
    const std::string md = slurp(dir + "/summary.md");
    EXPECT_NE(md.find("| – | – |"), std::string::npos) << md;  // val loss and accuracy
    EXPECT_GT(decode_png_file(dir + "/figures/learning_curves.png").near(0x1f77b4), 100);
}

TEST(ReportCommand, MissingHistoryIsAOneLineErrorNamingTheFile) {
    Scratch scratch;
    const std::string dir = scratch / "run";
    ASSERT_EQ(train_tiny(dir, "--no-report", scratch).code, 0);
    fs::remove(dir + "/history.csv");
    const auto r = run(mlp_binary() + " report " + dir, scratch.str());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err.rfind("mlp: error: " + dir + "/history.csv: missing", 0), 0u) << r.err;
    EXPECT_EQ(count(r.err, "\n"), 1) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/report.html"));
}

TEST(ReportCommand, DamagedHistoryIsAOneLineErrorNamingTheFileAndLine) {
    Scratch scratch;
    const std::string dir = scratch / "run";
    ASSERT_EQ(train_tiny(dir, "--no-report", scratch).code, 0);
    std::string text = slurp(dir + "/history.csv");
    std::ofstream(dir + "/history.csv") << text.substr(0, text.find('\n') + 1) << "12,0.5,oops,0.5,1,0.5,0.1,1\n";
    auto r = run(mlp_binary() + " report " + dir, scratch.str());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "mlp: error: " + dir + "/history.csv:2: malformed value 'oops'\n");

    std::ofstream(dir + "/history.csv") << "not,a,history\n";
    r = run(mlp_binary() + " report " + dir, scratch.str());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err.rfind("mlp: error: " + dir + "/history.csv: not a history file", 0), 0u) << r.err;

    std::ofstream(dir + "/history.csv") << text.substr(0, text.find('\n') + 1);
    r = run(mlp_binary() + " report " + dir, scratch.str());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err.rfind("mlp: error: " + dir + "/history.csv: no rows", 0), 0u) << r.err;
}

TEST(ReportCommand, NotARunDirectory) {
    Scratch scratch;
    const auto r = run(mlp_binary() + " report " + scratch / "nowhere", scratch.str());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err.rfind("mlp: error: " + scratch / "nowhere" + ": not a directory", 0), 0u) << r.err;
}

TEST(ReportCommand, ComparisonOfFourRunsOverlaysTheirCurves) {
    Scratch scratch;
    // baseline vs improved init vs improved sigmoid vs momentum, as in the course reports.
    const std::vector<std::pair<std::string, std::string>> runs = {
        {"baseline", "--set model.activation=sigmoid --set model.init=uniform --set train.optimizer=sgd --set train.lr=0.5"},
        {"improved_init", "--set model.activation=sigmoid --set model.init=fan_in --set train.optimizer=sgd --set train.lr=0.5"},
        {"improved_sigmoid", "--set model.activation=improved_sigmoid --set model.init=fan_in --set train.optimizer=sgd --set train.lr=0.1"},
        {"momentum", "--set model.activation=improved_sigmoid --set model.init=fan_in --set train.optimizer=momentum --set train.lr=0.02"},
    };
    std::string dirs;
    for (const auto& [name, settings] : runs) {
        const auto r = train_tiny(scratch / name, "--no-report " + settings, scratch);
        ASSERT_EQ(r.code, 0) << name << ": " << r.err;
        dirs += " " + scratch / name;
    }
    const std::string out = scratch / "comparison";
    const auto r = run(mlp_binary() + " report" + dirs + " --out " + out, scratch.str());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "report: " + out + "/report.html\n");
    const auto curves = decode_png_file(out + "/figures/learning_curves.png");
    for (std::uint32_t colour : {0x1f77b4u, 0xff7f0eu, 0x2ca02cu, 0xd62728u})
        EXPECT_GT(curves.near(colour), 300) << std::hex << colour;
    const std::string html = slurp(out + "/report.html");
    for (int i = 1; i <= 4; ++i) {
        EXPECT_NE(html.find("id=\"run-" + std::to_string(i) + "\""), std::string::npos);
        EXPECT_NE(html.find("id=\"fig-weights-" + std::to_string(i) + "\""), std::string::npos);
    }
    for (const auto& [name, settings] : runs) {
        EXPECT_TRUE(fs::exists(out + "/figures/" + name + "/confusion.png")) << name;
        EXPECT_NE(slurp(out + "/summary.csv").find("\n" + name + ","), std::string::npos) << name;
    }
}

TEST(DataShow, WritesAGridOfImagesPerClass) {
    Scratch scratch;
    const std::string png = scratch / "samples.png";
    auto r = run(mlp_binary() + " data show --config experiments/mnist_default.toml --per-class 3 --out " + png,
                 scratch.str());
    ASSERT_EQ(r.code, 0) << r.err;
    const auto three = decode_png_file(png);
    EXPECT_GT(three.near(0x000000), 10 * 3 * 50 * 50) << "MNIST images have black backgrounds";
    r = run(mlp_binary() + " data show --config experiments/mnist_default.toml --per-class 6 --out " + png,
            scratch.str());
    ASSERT_EQ(r.code, 0) << r.err;
    const auto six = decode_png_file(png);
    EXPECT_GT(six.width, three.width);
    EXPECT_EQ(six.height, three.height);  // one row per class either way
    EXPECT_GT(six.near(0x000000), 2 * three.near(0x000000) * 9 / 10);
}

}  // namespace
}  // namespace mlp
