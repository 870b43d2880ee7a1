// Report figures: each PNG decodes, has the expected size, and holds the colours its
// content must produce (one colour per run, the ends of the weight colour map, ...).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "mlp/error.hpp"
#include "mlp/figures.hpp"
#include "mlp/report.hpp"
#include "report_test_support.hpp"

namespace mlp {
namespace {

using test::decode_png;

// Tableau 10, the run colours of the learning curves.
constexpr std::uint32_t kRunColours[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd};

std::vector<HistoryRow> history(int checks, double rate, bool validation) {
    std::vector<HistoryRow> rows;
    for (int i = 0; i < checks; ++i) {
        HistoryRow r;
        r.step = 20 * (i + 1);
        r.epoch = r.step / 100.0;
        r.train_loss = 2.3 * std::exp(-rate * i) + 0.05;
        r.train_acc = 1.0 - 0.9 * std::exp(-rate * i) - 0.02;
        r.val_loss = validation ? r.train_loss * 1.1 : std::numeric_limits<double>::quiet_NaN();
        r.val_acc = validation ? r.train_acc - 0.01 : std::numeric_limits<double>::quiet_NaN();
        r.lr = 0.1;
        r.seconds = 0.01 * i;
        rows.push_back(r);
    }
    return rows;
}

void expect_size_matches(const Png& png, const test::Decoded& d) {
    EXPECT_GT(png.width, 0);
    EXPECT_EQ(d.width, png.width);
    EXPECT_EQ(d.height, png.height);
}

TEST(LearningCurves, SeveralRunsAreOverlaidEachInItsColour) {
    std::vector<CurveRun> runs = {{"baseline", history(30, 0.1, true)},
                                  {"improved init", history(30, 0.15, true)},
                                  {"improved sigmoid", history(30, 0.2, true)},
                                  {"momentum", history(30, 0.3, true)}};
    const Png png = learning_curves_png(runs);
    const auto d = decode_png(png.bytes);
    expect_size_matches(png, d);
    EXPECT_EQ(png.width, 1920);  // 960 layout units at 2 pixels each
    EXPECT_GT(d.distinct(), 200);
    for (int r = 0; r < 4; ++r) EXPECT_GT(d.near(kRunColours[r]), 300) << "run " << r << " is not drawn";
    EXPECT_EQ(d.near(kRunColours[4]), 0) << "a fifth colour appears for four runs";
}

TEST(LearningCurves, OneRunUsesOneColour) {
    const Png png = learning_curves_png({{"only", history(12, 0.2, true)}});
    const auto d = decode_png(png.bytes);
    expect_size_matches(png, d);
    EXPECT_GT(d.near(kRunColours[0]), 300);
    EXPECT_EQ(d.near(kRunColours[1]), 0);
}

TEST(LearningCurves, RunWithoutValidationStillDraws) {
    const Png png = learning_curves_png({{"no validation", history(12, 0.2, false)}});
    const auto d = decode_png(png.bytes);
    expect_size_matches(png, d);
    EXPECT_GT(d.near(kRunColours[0]), 100);
    EXPECT_GT(d.ink(), 0.02);
}

TEST(WeightImages, DivergingMapEndsAtDarkRedAndDarkBlue) {
    // W (784, 3): unit 0 all +1, unit 1 all −1, unit 2 zero.
    std::vector<float> w(784 * 3, 0.0f);
    for (int i = 0; i < 784; ++i) {
        w[i * 3 + 0] = 1.0f;
        w[i * 3 + 1] = -1.0f;
    }
    const Png png = weight_images_png(ConstView<float>(w.data(), 784, 3), {1, 28, 28}, "test", {"a", "b", "c"});
    const auto d = decode_png(png.bytes);
    expect_size_matches(png, d);
    // Tiles are whole device pixels per weight: at least 28×28×(2×2) pixels each.
    EXPECT_GE(d.near(0x67001f), 28 * 28 * 4);  // +max|w| → RdBu's darkest red
    EXPECT_GE(d.near(0x053061), 28 * 28 * 4);  // −max|w| → RdBu's darkest blue
    EXPECT_GE(d.near(0xf7f7f7), 28 * 28 * 4);  // 0 → RdBu's centre
}

TEST(WeightImages, ColourInputsAreDrawnAsRgbAroundGrey) {
    std::vector<float> w(48, -1.0f);  // (3·4·4, 1): red channel +1, green and blue −1
    for (int i = 0; i < 16; ++i) w[i] = 1.0f;
    const Png png = weight_images_png(ConstView<float>(w.data(), 48, 1), {3, 4, 4}, "colour");
    const auto d = decode_png(png.bytes);
    expect_size_matches(png, d);
    EXPECT_GE(d.near(0xff0000), 16 * 4);
}

TEST(WeightImages, RejectsAShapeThatDoesNotMatchTheInputs) {
    std::vector<float> w(100, 0.0f);
    EXPECT_THROW(weight_images_png(ConstView<float>(w.data(), 100, 1), {1, 28, 28}, "bad"), Error);
}

TEST(ConfusionMatrix, PerfectRowsAreShadedDarkest) {
    const std::vector<long> counts = {50, 0, 0, 5, 40, 5, 0, 0, 50};
    const Png png = confusion_matrix_png(counts, {"cat", "dog", "bird"}, "test");
    const auto d = decode_png(png.bytes);
    expect_size_matches(png, d);
    // Two rows are all-correct: their diagonal cells get Blues' darkest colour.
    EXPECT_GE(d.near(0x08306b), 2 * 60 * 60);
    EXPECT_THROW(confusion_matrix_png({1, 2, 3}, {"a", "b"}, "bad"), Error);
}

Dataset striped_dataset() {
    // 3 classes of 8×8 grey images, each image one flat grey level: 64·(k+1).
    Dataset data;
    data.name = "stripes";
    data.rows = 12;
    data.features = 64;
    data.classes = 3;
    data.image_shape = {1, 8, 8};
    data.class_names = {"dark", "mid", "light"};
    for (int r = 0; r < data.rows; ++r) {
        const int k = r % 3;
        data.labels.push_back(k);
        data.u8.insert(data.u8.end(), 64, std::uint8_t(64 * (k + 1)));
    }
    return data;
}

TEST(SampleGrid, ShowsPerClassImagesOfEveryClass) {
    const Dataset data = striped_dataset();
    Subset all{&data, {}};
    for (int r = 0; r < data.rows; ++r) all.indices.push_back(r);
    const Png png = sample_grid_png(all, 2, 7, "samples");
    const auto d = decode_png(png.bytes);
    expect_size_matches(png, d);
    // 8 pixels × 14 device pixels = 112 square per tile; edges may blend.
    for (int k = 0; k < 3; ++k) {
        const std::uint32_t grey = 0x010101u * std::uint32_t(64 * (k + 1));
        EXPECT_GE(d.near(grey), 2 * 110 * 110) << "class " << k;
        EXPECT_LE(d.near(grey), 2 * 114 * 114) << "class " << k;
    }
    EXPECT_THROW(sample_grid_png(all, 0, 7, "none"), Error);
}

TEST(WorstClassified, DrawsOnlyMisclassifiedImagesFramedInRed) {
    const Dataset data = striped_dataset();
    std::vector<Prediction> predictions;
    for (int r = 0; r < data.rows; ++r) predictions.push_back({r, data.labels[r], data.labels[r], 0.9f, 0.1f});
    predictions[4].predicted = 0;  // one error: a "mid" image called "dark"
    const Png png = worst_classified_png(data, predictions, 8, data.class_names);
    const auto d = decode_png(png.bytes);
    expect_size_matches(png, d);
    EXPECT_GE(d.near(0x808080), 110 * 110);  // the one "mid" image
    // No correctly classified "dark" image: a tile would be ≈110² pixels of 0x404040; the
    // few that appear come from anti-aliased caption text.
    EXPECT_LT(d.near(0x404040), 110 * 110 / 10);
    EXPECT_GT(d.near(0xd62728, 30), 100);     // its red frame
}

TEST(NetworkDiagram, GrowsWithTheNumberOfLayers) {
    Architecture small;
    small.inputs = 784;
    small.hidden = {64};
    small.classes = 10;
    Architecture deep = small;
    deep.hidden = {256, 128, 64, 32, 16};
    const Png a = network_diagram_png(small, {1, 28, 28}), b = network_diagram_png(deep, {1, 28, 28});
    const auto da = decode_png(a.bytes), db = decode_png(b.bytes);
    expect_size_matches(a, da);
    expect_size_matches(b, db);
    EXPECT_GT(b.width, a.width);
    EXPECT_GT(da.distinct(), 50);
    EXPECT_GT(da.near(0x1f77b4), 50);  // hidden units outlined in blue
}

TEST(Base64, MatchesRfc4648TestVectors) {
    auto b64 = [](const std::string& s) { return base64(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
    EXPECT_EQ(b64(""), "");
    EXPECT_EQ(b64("f"), "Zg==");
    EXPECT_EQ(b64("fo"), "Zm8=");
    EXPECT_EQ(b64("foo"), "Zm9v");
    EXPECT_EQ(b64("foob"), "Zm9vYg==");
    EXPECT_EQ(b64("fooba"), "Zm9vYmE=");
    EXPECT_EQ(b64("foobar"), "Zm9vYmFy");
    const std::uint8_t high[] = {0xff, 0xfe, 0xfd};
    EXPECT_EQ(base64(high, 3), "//79");
}

TEST(HtmlEscape, EscapesMarkupCharacters) {
    EXPECT_EQ(html_escape("a<b> & \"c\" 'd'"), "a&lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;");
}

TEST(SummaryTable, RunWithoutValidationShowsDashesAndEmptyCsvFields) {
    ReportRun run;
    run.label = "plain";
    run.history = history(5, 0.2, false);
    run.metrics = {{"train_loss", 0.25},  {"train_accuracy", 0.93}, {"val_loss", nullptr},
                   {"val_accuracy", nullptr}, {"test_loss", 0.3}, {"test_accuracy", 0.91},
                   {"parameters", 7850}, {"epochs", 1}, {"best_step", 100}, {"stopped_early", false},
                   {"seconds", 1.5}};
    const std::string md = summary_markdown({run});
    EXPECT_NE(md.find("| plain | 0.2500 | 93.00% | – | – | 0.3000 | 91.00% | 7850 | 1 | 1.00 | no | 1.5 |"),
              std::string::npos)
        << md;
    const std::string csv = summary_csv({run});
    EXPECT_NE(csv.find("plain,0.25,0.93,,,0.3,0.91,7850,1,100,false,1.5"), std::string::npos) << csv;
    const std::string html = summary_html({run});
    EXPECT_NE(html.find("<td class=\"num\">–</td>"), std::string::npos) << html;
}

TEST(SummaryTable, AnAugmentedRunIsLabelledNotPermutationInvariant) {
    ReportRun run;
    run.label = "shifted";
    run.metrics = {{"test_accuracy", 0.99}, {"permutation_invariant", false}};
    EXPECT_NE(summary_markdown({run}).find("| shifted (augmented: not permutation-invariant) |"), std::string::npos);
    EXPECT_NE(summary_html({run}).find("shifted (augmented: not permutation-invariant)</a>"), std::string::npos);
    run.metrics["permutation_invariant"] = true;
    EXPECT_NE(summary_markdown({run}).find("| shifted |"), std::string::npos);
}

}  // namespace
}  // namespace mlp
