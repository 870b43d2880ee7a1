// report.html: one page that opens anywhere, offline. Figures are embedded as base64 PNG
// data: URIs, the style sheet is inline, and there is no script.
#include "html_page.hpp"

#include <sstream>

#include "mlp/report.hpp"

namespace mlp {
namespace {

const char* kStyle = R"css(
:root { --ink: #222; --muted: #666; --rule: #e3e3e3; --accent: #1f77b4; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #f6f6f4; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; min-height: 100vh; }
h1 { font-size: 26px; margin: 8px 0 2px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
h3 { font-size: 16px; margin: 22px 0 6px; }
.subtitle, .muted { color: var(--muted); }
nav { margin: 12px 0 0; font-size: 14px; }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
figure { margin: 14px 0 22px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
figcaption a { color: var(--muted); }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 4px 9px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.summary-wrap { overflow-x: auto; }
table.facts td:first-child { color: var(--muted); white-space: nowrap; }
table.facts td { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; word-break: break-all; }
pre { background: #f7f7f7; border: 1px solid var(--rule); padding: 10px 12px; font-size: 12px; overflow-x: auto; }
.note { background: #fff6e5; border-left: 3px solid #ff7f0e; padding: 6px 10px; font-size: 13px; }
)css";

}  // namespace

std::string base64(const std::uint8_t* data, std::size_t size) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((size + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= size; i += 3) {  // 3 bytes → 4 digits of 6 bits
        const unsigned v = unsigned(data[i]) << 16 | unsigned(data[i + 1]) << 8 | data[i + 2];
        out += {digits[v >> 18], digits[(v >> 12) & 63], digits[(v >> 6) & 63], digits[v & 63]};
    }
    if (size - i == 1) {
        const unsigned v = unsigned(data[i]) << 16;
        out += {digits[v >> 18], digits[(v >> 12) & 63], '=', '='};
    } else if (size - i == 2) {
        const unsigned v = unsigned(data[i]) << 16 | unsigned(data[i + 1]) << 8;
        out += {digits[v >> 18], digits[(v >> 12) & 63], digits[(v >> 6) & 63], '='};
    }
    return out;
}

std::string html_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += ch;
        }
    }
    return out;
}

std::string page_html(const Page& page) {
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>" << html_escape(page.title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<main>\n"
        << "<h1>" << html_escape(page.title) << "</h1>\n<p class=\"subtitle\">" << html_escape(page.subtitle) << "</p>\n"
        << "<nav><a href=\"#summary\">Summary</a>";
    for (const auto& section : page.sections)
        out << "<a href=\"#" << html_escape(section.id) << "\">" << html_escape(section.title) << "</a>";
    out << "</nav>\n<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"summary-wrap\">\n"
        << page.summary_table << "</div>\n</section>\n";
    for (const auto& section : page.sections) {
        out << "<section id=\"" << html_escape(section.id) << "\">\n<h2>" << html_escape(section.title) << "</h2>\n";
        if (!section.subtitle.empty()) out << "<p class=\"muted\">" << html_escape(section.subtitle) << "</p>\n";
        for (const auto& note : section.notes) out << "<p class=\"note\">" << html_escape(note) << "</p>\n";
        for (const auto& figure : section.figures) {
            out << "<figure>\n<h3>" << html_escape(figure.title) << "</h3>\n<img id=\"" << html_escape(figure.id)
                << "\" alt=\"" << html_escape(figure.title) << "\" width=\"" << figure.png.width / 2 << "\" height=\""
                << figure.png.height / 2 << "\" src=\"data:image/png;base64,"
                << base64(figure.png.bytes.data(), figure.png.bytes.size()) << "\">\n<figcaption>"
                << html_escape(figure.caption) << " <a href=\"" << html_escape(figure.file) << "\">"
                << html_escape(figure.file) << "</a></figcaption>\n</figure>\n";
        }
        if (!section.facts.empty()) {
            out << "<h3>Provenance</h3>\n<table class=\"facts\">\n";
            for (const auto& [name, value] : section.facts)
                out << "<tr><td>" << html_escape(name) << "</td><td>" << html_escape(value) << "</td></tr>\n";
            out << "</table>\n";
        }
        if (!section.config_toml.empty())
            out << "<h3>Resolved config</h3>\n<pre class=\"config\">" << html_escape(section.config_toml) << "</pre>\n";
        out << "</section>\n";
    }
    out << "</main>\n</body>\n</html>\n";
    return out.str();
}

}  // namespace mlp
