// Backprop against naive finite differences: seconds per gradient against depth and width,
// measured points with the O(N·K²) and O(P²) predictions scaled through them.
#include <algorithm>
#include <cmath>
#include <functional>

#include "canvas.hpp"
#include "mlp/error.hpp"

namespace mlp {
namespace {

using draw::Canvas;
using draw::Rgb;

constexpr double kWidth = 960, kHeight = 420, kTop = 60, kBottom = 340;

struct Series {
    std::string label;
    Rgb colour;
    bool dashed;
    std::function<double(const GradientCostRow&)> seconds;
};

// c such that c·model(row) passes through the measurements in the geometric-mean sense.
double scale_through(const std::vector<GradientCostRow>& rows, const std::function<double(const GradientCostRow&)>& measured,
                     const std::function<double(const GradientCostRow&)>& model) {
    double sum = 0;
    int n = 0;
    for (const auto& r : rows)
        if (measured(r) > 0 && model(r) > 0) sum += std::log(measured(r) / model(r)), ++n;
    return n ? std::exp(sum / n) : 0.0;
}

struct Panel {
    double left, right;
    double x_lo, x_hi;
    bool log_x;
    double y_lo, y_hi;  // seconds, log axis
    double x(double v) const {
        const double t = log_x ? std::log(v / x_lo) / std::log(x_hi / x_lo) : (v - x_lo) / (x_hi - x_lo);
        return left + (right - left) * (0.04 + 0.92 * t);
    }
    double y(double s) const { return kBottom - (kBottom - kTop) * std::log(s / y_lo) / std::log(y_hi / y_lo); }
};

void frame(Canvas& c, const Panel& p, const std::vector<double>& xs, const std::string& title, const std::string& x_title) {
    c.text((p.left + p.right) / 2, 16, title, 14, 0.5, 0.0, draw::kInk, draw::Weight::bold);
    for (double v : draw::log_ticks(p.y_lo, p.y_hi)) {
        c.line(p.left, p.y(v), p.right, p.y(v), draw::kGrid, 0.8);
        c.text(p.left - 6, p.y(v), draw::tick_label(v), 10, 1.0, 0.5, draw::kMuted);
    }
    c.stroke_rect(p.left, kTop, p.right - p.left, kBottom - kTop, draw::kMuted, 0.8);
    for (double v : xs) {
        c.line(p.x(v), kBottom, p.x(v), kBottom + 4, draw::kMuted, 0.8);
        c.text(p.x(v), kBottom + 7, draw::tick_label(v), 10, 0.5, 0.0, draw::kMuted);
    }
    c.text((p.left + p.right) / 2, kBottom + 24, x_title, 11, 0.5, 0.0);
    c.text(p.left - 50, (kTop + kBottom) / 2, "seconds per full gradient", 11, 0.5, 0.5, draw::kInk,
           draw::Weight::normal, -M_PI / 2);
}

void series(Canvas& c, const Panel& p, const std::vector<GradientCostRow>& rows, const Series& s,
            const std::function<double(const GradientCostRow&)>& x_of) {
    cairo_t* cr = c.cr();
    c.set_colour(s.colour);
    cairo_set_line_width(cr, s.dashed ? 1.3 : 2.0);
    const double dash[] = {5.0, 4.0};
    cairo_set_dash(cr, dash, s.dashed ? 2 : 0, 0);
    bool open = false;
    for (const auto& r : rows) {
        const double v = s.seconds(r);
        if (!(v > 0)) continue;
        open ? cairo_line_to(cr, p.x(x_of(r)), p.y(v)) : cairo_move_to(cr, p.x(x_of(r)), p.y(v));
        open = true;
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, dash, 0, 0);
    if (s.dashed) return;
    for (const auto& r : rows) {
        if (!(s.seconds(r) > 0)) continue;
        cairo_arc(cr, p.x(x_of(r)), p.y(s.seconds(r)), 3.0, 0, 2 * M_PI);
        cairo_fill(cr);
    }
}

std::vector<Series> all_series(const std::vector<GradientCostRow>& rows) {
    auto backprop = [](const GradientCostRow& r) { return r.cost.backprop_seconds; };
    auto naive = [](const GradientCostRow& r) { return r.cost.naive_seconds; };
    auto nk2 = [](const GradientCostRow& r) { return double(r.depth) * r.width * r.width; };
    auto p2 = [](const GradientCostRow& r) { return double(r.cost.parameters) * double(r.cost.parameters); };
    const double c_bp = scale_through(rows, backprop, nk2), c_naive = scale_through(rows, naive, p2);
    return {{"backprop, measured", draw::palette(0), false, backprop},
            {"O(N\u00b7K\u00b2) prediction", draw::palette(0), true, [=](const GradientCostRow& r) { return c_bp * nk2(r); }},
            {"naive, measured", draw::palette(1), false, naive},
            {"O(P\u00b2) prediction", draw::palette(1), true, [=](const GradientCostRow& r) { return c_naive * p2(r); }}};
}

void legend(Canvas& c, const std::vector<Series>& all) {
    double x = 120;
    for (const auto& s : all) {
        const double y = kHeight - 26;
        c.line(x, y, x + 26, y, s.colour, s.dashed ? 1.3 : 2.0);
        if (s.dashed) c.line(x + 9, y, x + 15, y, draw::hex(0xffffff), 2.2);
        c.text(x + 32, y, s.label, 11, 0.0, 0.5);
        x += 46 + c.text_width(s.label, 11);
    }
}

}  // namespace

Png gradient_cost_png(const std::vector<GradientCostRow>& rows, const std::string& title) {
    require(!rows.empty(), "gradient cost figure: no measurements");
    const std::vector<Series> all = all_series(rows);
    double lo = INFINITY, hi = 0;
    for (const auto& r : rows)
        for (const auto& s : all)
            if (s.seconds(r) > 0) lo = std::min(lo, s.seconds(r)), hi = std::max(hi, s.seconds(r));
    lo = std::pow(10.0, std::floor(std::log10(lo)) - 1), hi = std::pow(10.0, std::ceil(std::log10(hi)));
    Canvas c(kWidth, kHeight + 10);
    if (!title.empty()) c.text(kWidth / 2, kHeight - 8, title, 11, 0.5, 1.0, draw::kMuted);
    const std::pair<const char*, bool> sweeps[] = {{"depth", false}, {"width", true}};
    double left = 80;
    for (const auto& [sweep, log_x] : sweeps) {
        std::vector<GradientCostRow> part;
        for (const auto& r : rows)
            if (r.sweep == sweep) part.push_back(r);
        if (part.empty()) continue;
        const bool by_depth = std::string(sweep) == "depth";
        auto x_of = [by_depth](const GradientCostRow& r) { return double(by_depth ? r.depth : r.width); };
        std::vector<double> xs;
        for (const auto& r : part) xs.push_back(x_of(r));
        const auto [x_lo, x_hi] = std::minmax_element(xs.begin(), xs.end());
        const Panel p{left, left + 380, *x_lo, std::max(*x_hi, *x_lo + 1), log_x, lo, hi};
        const std::string fixed = by_depth ? draw::format("width K = %.0f", part[0].width)
                                           : draw::format("depth N = %.0f", part[0].depth);
        frame(c, p, xs, std::string("against ") + (by_depth ? "depth" : "width") + " (" + fixed + ")",
              by_depth ? "hidden layers N" : "hidden units per layer K");
        // Each prediction is scaled through this panel's own measurements.
        for (const auto& s : all_series(part)) series(c, p, part, s, x_of);
        left += 470;
    }
    legend(c, all);
    return c.png();
}

}  // namespace mlp
