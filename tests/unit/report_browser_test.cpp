// report.html seen as a person sees it: opened in headless Chromium, which must decode
// every embedded figure (checked from the page's own DOM) and paint the charts (checked on
// a screenshot). Installs chromium through scripts/install_deps.sh when it is missing.
#include <gtest/gtest.h>

#include <filesystem>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "report_test_support.hpp"

namespace mlp {
namespace {

using test::decode_png_file;
using test::run;
using test::Scratch;
using test::slurp;
using test::train_tiny;

// The browser on PATH, installing the Debian package when there is none. Empty (and
// `why` set) only when it cannot be installed here, e.g. without root or network.
std::string find_chromium(std::string* why) {
    const char* probe = "command -v chromium || command -v chromium-browser";
    auto found = test::run(probe);
    if (found.status != 0) {
        const auto install = test::run("scripts/install_deps.sh chromium");
        if (install.status != 0) {
            *why = "chromium is not installed and scripts/install_deps.sh chromium failed: " + install.output;
            return "";
        }
        found = test::run(probe);
        if (found.status != 0) {
            *why = "scripts/install_deps.sh chromium succeeded but no chromium is on PATH";
            return "";
        }
    }
    std::string path = found.output.substr(0, found.output.find('\n'));
    return path;
}

std::string headless(const std::string& chromium, const Scratch& scratch) {
    // A profile of its own per test; no sandbox (tests may run as root in containers).
    return "'" + chromium + "' --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run " +
           "--user-data-dir='" + scratch / "profile" + "' --virtual-time-budget=5000 ";
}

// Appended to a copy of the page (report.html itself holds no script): after load, lists
// each image's decoded size and its box on the page, the page's size and its landmarks,
// in an element that --dump-dom prints. One line per image:
//   img <id> complete|pending <natural w>x<natural h> at <x> <y> <w> <h>
const char* kCheckScript = R"(<script>
window.addEventListener('load', () => {
  const lines = [];
  for (const img of document.images) {
    const r = img.getBoundingClientRect();
    lines.push(['img', img.id || '?', img.complete ? 'complete' : 'pending', img.naturalWidth + 'x' + img.naturalHeight,
                'at', Math.round(r.left + scrollX), Math.round(r.top + scrollY), Math.round(r.width),
                Math.round(r.height)].join(' '));
  }
  lines.push('page ' + document.documentElement.scrollWidth + ' ' + document.documentElement.scrollHeight);
  lines.push('tables ' + document.querySelectorAll('table').length);
  lines.push('sections ' + [...document.querySelectorAll('section[id]')].map(s => s.id).join(','));
  const out = document.createElement('pre');
  out.id = 'render-check';
  out.textContent = lines.join('\n');
  document.body.appendChild(out);
});
</script>)";

struct ImageBox {
    std::string id, state;
    int natural_w = 0, natural_h = 0, x = 0, y = 0, w = 0, h = 0;
};

std::vector<ImageBox> image_boxes(const std::string& check) {
    std::vector<ImageBox> boxes;
    std::istringstream in(check);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("img ", 0) != 0) continue;
        ImageBox b;
        char at[4] = {};
        std::sscanf(line.c_str(), "img %*s %*s %dx%d %3s %d %d %d %d", &b.natural_w, &b.natural_h, at, &b.x, &b.y, &b.w, &b.h);
        std::istringstream words(line);
        std::string img;
        words >> img >> b.id >> b.state;
        boxes.push_back(b);
    }
    return boxes;
}

TEST(ReportBrowser, ChromiumDecodesEveryFigureAndPaintsIt) {
    std::string why;
    const std::string chromium = find_chromium(&why);
    if (chromium.empty()) GTEST_SKIP() << why;

    Scratch scratch;
    const std::string dir = scratch / "run";
    const auto trained = train_tiny(dir, "", scratch);
    ASSERT_EQ(trained.code, 0) << trained.err;

    // 1. The DOM after load: six figures, each decoded by the browser at its PNG's size.
    const std::string html = slurp(dir + "/report.html");
    const std::size_t body_end = html.rfind("</body>");
    ASSERT_NE(body_end, std::string::npos) << "report.html has no </body>";
    std::ofstream(dir + "/checked.html") << html.substr(0, body_end) << kCheckScript << html.substr(body_end);
    const auto dom = run(headless(chromium, scratch) + "--window-size=1280,1000 --dump-dom 'file://" + dir +
                             "/checked.html'",
                         scratch.str());
    ASSERT_EQ(dom.code, 0) << dom.err;
    const std::size_t check_at = dom.out.find("id=\"render-check\"");
    ASSERT_NE(check_at, std::string::npos) << "the check script did not run:\n" << dom.out.substr(0, 2000);
    const std::size_t text_at = dom.out.find('>', check_at) + 1;
    const std::string check = dom.out.substr(text_at, dom.out.find("</pre>", text_at) - text_at);
    const auto boxes = image_boxes(check);
    ASSERT_EQ(boxes.size(), 6u) << check;
    const std::map<std::string, std::string> files = {
        {"fig-learning-curves", "learning_curves.png"}, {"fig-network-1", "network.png"},
        {"fig-weights-1", "weights.png"},      {"fig-confusion-1", "confusion.png"},
        {"fig-worst-1", "worst_classified.png"}, {"fig-samples-1", "samples.png"}};
    for (const auto& b : boxes) {
        ASSERT_TRUE(files.count(b.id)) << "unexpected image " << b.id << "\n" << check;
        EXPECT_EQ(b.state, "complete") << b.id;
        const auto png = decode_png_file(dir + "/figures/" + files.at(b.id));
        EXPECT_EQ(b.natural_w, png.width) << b.id << " not decoded by the browser";
        EXPECT_EQ(b.natural_h, png.height) << b.id;
        EXPECT_GT(b.w, 300) << b.id << " drawn too small to read";
    }
    EXPECT_EQ(check.find("tables 0"), std::string::npos) << "no summary table:\n" << check;
    EXPECT_NE(check.find("sections summary,"), std::string::npos) << check;
    EXPECT_NE(check.find("run-1"), std::string::npos) << check;

    // 2. A screenshot of the whole page: each figure's box holds a painted image (not
    // blank), the curves in the run's colour and the confusion diagonal in dark blue.
    int page_w = 0, page_h = 0;
    ASSERT_EQ(std::sscanf(check.c_str() + check.find("page "), "page %d %d", &page_w, &page_h), 2) << check;
    ASSERT_GT(page_h, 1000);
    const std::string shot = scratch / "shot.png";
    const auto painted = run(headless(chromium, scratch) + "--window-size=1280," + std::to_string(page_h) +
                                 " --screenshot='" + shot + "' 'file://" + dir + "/report.html'",
                             scratch.str());
    ASSERT_EQ(painted.code, 0) << painted.err;
    const auto screen = decode_png_file(shot);
    ASSERT_EQ(screen.width, 1280);
    ASSERT_EQ(screen.height, page_h);
    for (const auto& b : boxes) {
        const auto box = screen.crop(b.x, b.y, b.w, b.h);
        ASSERT_EQ(box.width, b.w) << b.id << " outside the screenshot";
        EXPECT_GT(box.distinct(), 50) << b.id << " painted blank";
        EXPECT_GT(box.ink(), 0.02) << b.id << " painted blank";
        if (b.id == "fig-learning-curves") {
            EXPECT_GT(box.near(0x1f77b4, 24), 200) << "no curve in the run's colour";
        }
        if (b.id == "fig-confusion-1") {
            EXPECT_GT(box.near(0x08428a, 24), 3000) << "no dark diagonal";
        }
    }
}

}  // namespace
}  // namespace mlp
