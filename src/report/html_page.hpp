// The report page as data (sections of figures, facts, config text) and its rendering to
// one self-contained HTML document: inline CSS, figures as data: URIs, no scripts, no
// network. Private to src/report; report.cpp fills a Page.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "mlp/figures.hpp"

namespace mlp {

struct PageFigure {
    std::string id;       // the <img> id, e.g. "fig-weights-1"
    std::string title;    // heading above the figure
    std::string caption;  // one sentence under it
    std::string file;     // where the PNG was written, relative to the page
    Png png;
};

struct PageSection {
    std::string id;  // anchor, e.g. "run-1"
    std::string title;
    std::string subtitle;
    std::vector<PageFigure> figures;
    std::vector<std::string> notes;                            // what could not be drawn, and why
    std::vector<std::pair<std::string, std::string>> facts;    // provenance: name → value
    std::string config_toml;
};

struct Page {
    std::string title;
    std::string subtitle;
    std::string summary_table;  // HTML
    std::vector<PageSection> sections;  // the overview first, then one per run
};

std::string page_html(const Page& page);

}  // namespace mlp
