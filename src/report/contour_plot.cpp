// Loss contour over two weights with optimiser paths: a filled map, iso-lines by marching
// squares, and one line per path.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"
#include "mlp/error.hpp"

namespace mlp {
namespace {

using draw::Canvas;
using draw::Rgb;

constexpr double kLeft = 78, kRight = 538, kTop = 56, kBottom = 516, kWidth = 560, kHeight = 580;

struct Frame {
    double a_lo, a_hi, b_lo, b_hi;
    double x(double a) const { return kLeft + (kRight - kLeft) * (a - a_lo) / (a_hi - a_lo); }
    double y(double b) const { return kBottom - (kBottom - kTop) * (b - b_lo) / (b_hi - b_lo); }
};

// Heights as log(loss − min + δ): contours of a bowl are then evenly spread from floor to rim.
std::vector<double> heights(const Landscape& L) {
    const double lo = *std::min_element(L.loss.begin(), L.loss.end());
    const double hi = *std::max_element(L.loss.begin(), L.loss.end());
    const double delta = std::max(1e-3 * (hi - lo), 1e-12);
    std::vector<double> h(L.loss.size());
    for (std::size_t i = 0; i < h.size(); ++i) h[i] = std::log(L.loss[i] - lo + delta);
    return h;
}

void fill_map(Canvas& c, const Landscape& L, const std::vector<double>& h) {
    const int n = int(L.a_values.size()), m = int(L.b_values.size());
    const double lo = *std::min_element(h.begin(), h.end()), hi = *std::max_element(h.begin(), h.end());
    cairo_surface_t* image = draw::make_image(n, m, [&](int i, int j) {
        const double t = hi > lo ? (h[std::size_t(m - 1 - j) * n + i] - lo) / (hi - lo) : 0.0;
        return draw::sequential(0.08 + 0.6 * (1.0 - t));  // low loss dark, high loss light
    });
    // Cell centres sit on the grid points: the image spans half a cell beyond them.
    const double dx = (kRight - kLeft) / (n - 1), dy = (kBottom - kTop) / (m - 1);
    cairo_t* cr = c.cr();
    cairo_save(cr);
    cairo_rectangle(cr, kLeft, kTop, kRight - kLeft, kBottom - kTop);
    cairo_clip(cr);
    cairo_translate(cr, kLeft - dx / 2, kTop - dy / 2);
    cairo_scale(cr, (kRight - kLeft + dx) / n, (kBottom - kTop + dy) / m);
    cairo_set_source_surface(cr, image, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(image);
}

// Marching squares: for each cell, the level's crossings on its four edges joined in pairs.
void iso_lines(Canvas& c, const Frame& f, const Landscape& L, const std::vector<double>& h, double level) {
    const int n = int(L.a_values.size()), m = int(L.b_values.size());
    auto at = [&](int i, int j) { return h[std::size_t(j) * n + i]; };
    for (int j = 0; j + 1 < m; ++j)
        for (int i = 0; i + 1 < n; ++i) {
            const double corner[4] = {at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)};
            const double ca[4] = {L.a_values[i], L.a_values[i + 1], L.a_values[i + 1], L.a_values[i]};
            const double cb[4] = {L.b_values[j], L.b_values[j], L.b_values[j + 1], L.b_values[j + 1]};
            double px[4], py[4];
            int crossings = 0;
            for (int e = 0; e < 4; ++e) {
                const int k = (e + 1) % 4;
                if ((corner[e] < level) == (corner[k] < level)) continue;
                const double t = (level - corner[e]) / (corner[k] - corner[e]);
                px[crossings] = f.x(ca[e] + t * (ca[k] - ca[e]));
                py[crossings] = f.y(cb[e] + t * (cb[k] - cb[e]));
                ++crossings;
            }
            for (int s = 0; s + 1 < crossings; s += 2) c.line(px[s], py[s], px[s + 1], py[s + 1], draw::kInk, 0.7, 0.55);
        }
}

void axes(Canvas& c, const Frame& f, const std::string& a_name, const std::string& b_name) {
    c.stroke_rect(kLeft, kTop, kRight - kLeft, kBottom - kTop, draw::kMuted, 0.8);
    for (double v : draw::nice_ticks(f.a_lo, f.a_hi, 6)) {
        c.line(f.x(v), kBottom, f.x(v), kBottom + 4, draw::kMuted, 0.8);
        c.text(f.x(v), kBottom + 7, draw::tick_label(v), 10, 0.5, 0.0, draw::kMuted);
    }
    for (double v : draw::nice_ticks(f.b_lo, f.b_hi, 6)) {
        c.line(kLeft - 4, f.y(v), kLeft, f.y(v), draw::kMuted, 0.8);
        c.text(kLeft - 7, f.y(v), draw::tick_label(v), 10, 1.0, 0.5, draw::kMuted);
    }
    c.text((kLeft + kRight) / 2, kBottom + 26, a_name, 12, 0.5, 0.0);
    c.text(kLeft - 52, (kTop + kBottom) / 2, b_name, 12, 0.5, 0.5, draw::kInk, draw::Weight::normal, -M_PI / 2);
}

void path(Canvas& c, const Frame& f, const Trajectory& t, Rgb colour) {
    cairo_t* cr = c.cr();
    c.set_colour(colour);
    cairo_set_line_width(cr, 1.8);
    bool open = false;
    for (const auto& p : t.points) {
        if (!std::isfinite(p.loss)) break;
        open ? cairo_line_to(cr, f.x(p.a), f.y(p.b)) : cairo_move_to(cr, f.x(p.a), f.y(p.b));
        open = true;
    }
    cairo_stroke(cr);
    for (const auto& p : t.points) {
        if (!std::isfinite(p.loss)) break;
        cairo_arc(cr, f.x(p.a), f.y(p.b), 2.4, 0, 2 * M_PI);
        cairo_fill(cr);
    }
}

void legend(Canvas& c, const Landscape& L) {
    const double x = kRight - 150, y = kTop + 8, row = 17;
    const double h = row * (L.trajectories.size() + 1) + 8;
    c.fill_rect(x, y, 142, h, draw::hex(0xffffff), 0.9);
    c.stroke_rect(x, y, 142, h, draw::kGrid, 0.8);
    for (std::size_t k = 0; k < L.trajectories.size(); ++k) {
        const double ly = y + 12 + row * k;
        c.line(x + 8, ly, x + 30, ly, draw::palette(int(k)), 2.0);
        const double mu = L.trajectories[k].momentum;
        c.text(x + 36, ly, mu == 0 ? std::string("gradient descent") : draw::format("momentum %.2f", mu), 11, 0.0, 0.5);
    }
    const double ly = y + 12 + row * L.trajectories.size();
    c.text(x + 19, ly, "\u2605", 13, 0.5, 0.5, draw::hex(0xd62728));
    c.text(x + 36, ly, "trained weights", 11, 0.0, 0.5);
}

}  // namespace

Png contour_png(const Landscape& L, const std::string& a_name, const std::string& b_name, const std::string& title) {
    require(L.a_values.size() >= 2 && L.b_values.size() >= 2, "contour: the grid needs 2 points per axis");
    Canvas c(kWidth, kHeight);
    c.text(kWidth / 2, 14, title, 14, 0.5, 0.0, draw::kInk, draw::Weight::bold);
    const Frame f{L.a_values.front(), L.a_values.back(), L.b_values.front(), L.b_values.back()};
    const std::vector<double> h = heights(L);
    fill_map(c, L, h);
    const double lo = *std::min_element(h.begin(), h.end()), hi = *std::max_element(h.begin(), h.end());
    for (int k = 1; k <= 12; ++k) iso_lines(c, f, L, h, lo + (hi - lo) * k / 13.0);
    for (std::size_t k = 0; k < L.trajectories.size(); ++k) path(c, f, L.trajectories[k], draw::palette(int(k)));
    c.text(f.x(L.trained_a), f.y(L.trained_b), "\u2605", 16, 0.5, 0.5, draw::hex(0xd62728));
    axes(c, f, a_name, b_name);
    legend(c, L);
    return c.png();
}

}  // namespace mlp
