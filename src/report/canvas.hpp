// The drawing surface every figure shares: a Cairo image surface at 2 pixels per layout
// unit, text placement, colour maps, axis ticks and PNG encoding. Private to src/report.
#pragma once
#include <cairo.h>

#include <string>
#include <vector>

#include "mlp/figures.hpp"

namespace mlp::draw {

struct Rgb {
    double r = 0, g = 0, b = 0;
};
Rgb hex(unsigned rgb);
Rgb mix(Rgb a, Rgb b, double t);  // a at t = 0, b at t = 1

// Run colours, distinguishable and colour-blind friendly (Tableau 10).
Rgb palette(int i);
// Diverging map for t in [−1, 1]: blue (negative), near-white (0), red (positive);
// ColorBrewer RdBu, 11 classes, interpolated.
Rgb diverging(double t);
// Sequential map for t in [0, 1]: white to dark blue (ColorBrewer Blues, 9 classes).
Rgb sequential(double t);

const Rgb kInk = hex(0x222222);
const Rgb kMuted = hex(0x666666);
const Rgb kGrid = hex(0xe3e3e3);

enum class Weight { normal, bold };

class Canvas {
public:
    // width × height layout units, white background.
    Canvas(double width, double height);
    ~Canvas();
    Canvas(const Canvas&) = delete;
    Canvas& operator=(const Canvas&) = delete;

    cairo_t* cr() { return cr_; }
    double width() const { return width_; }
    double height() const { return height_; }

    void set_colour(Rgb c, double alpha = 1.0);
    // Text anchored at (x, y): ax 0/0.5/1 = left/centre/right, ay 0/0.5/1 = top/middle/
    // baseline-bottom; angle in radians (counter-clockwise is negative, as in Cairo).
    void text(double x, double y, const std::string& s, double size, double ax = 0.0, double ay = 0.0,
              Rgb colour = kInk, Weight weight = Weight::normal, double angle = 0.0);
    double text_width(const std::string& s, double size, Weight weight = Weight::normal);
    // Largest size ≤ size at which s fits in max_width.
    double fit(const std::string& s, double size, double max_width, Weight weight = Weight::normal);
    void line(double x0, double y0, double x1, double y1, Rgb colour, double width, double alpha = 1.0);
    void fill_rect(double x, double y, double w, double h, Rgb colour, double alpha = 1.0);
    void stroke_rect(double x, double y, double w, double h, Rgb colour, double width);
    // An image (ARGB32 surface) scaled into the rectangle with nearest-neighbour sampling,
    // so every data pixel stays a crisp square.
    void image(cairo_surface_t* image, double x, double y, double w, double h);

    Png png();

private:
    double width_, height_;
    cairo_surface_t* surface_;
    cairo_t* cr_;
};

// An ARGB32 surface of w × h pixels filled by colour(x, y). Caller destroys it.
template <class ColourAt>
cairo_surface_t* make_image(int w, int h, ColourAt colour) {
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_surface_flush(s);
    unsigned char* data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    auto byte = [](double v) { return static_cast<unsigned>(v <= 0 ? 0 : v >= 1 ? 255 : v * 255 + 0.5); };
    for (int y = 0; y < h; ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(data + std::size_t(y) * stride);
        for (int x = 0; x < w; ++x) {
            const Rgb c = colour(x, y);
            row[x] = 0xff000000u | byte(c.r) << 16 | byte(c.g) << 8 | byte(c.b);
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

// "Nice" tick values (1, 2, 5 × 10^k steps) covering [lo, hi], about `count` of them.
std::vector<double> nice_ticks(double lo, double hi, int count);
// Tick values for a log axis over [lo, hi] (both > 0): decades, or 1-2-5 when narrow.
std::vector<double> log_ticks(double lo, double hi);
// Short label for a tick: 0.001 → "0.001", 12000 → "12k", 0.5 → "0.5".
std::string tick_label(double v);
// 101770 → "101,770".
std::string thousands(long long n);
std::string format(const char* fmt, double v);

}  // namespace mlp::draw
