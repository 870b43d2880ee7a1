// Cairo surface, text, colour maps, ticks and PNG encoding shared by the figures.
#include "canvas.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <zlib.h>

#include "mlp/error.hpp"
#include "mlp/file.hpp"

namespace mlp {

void write_png(const std::string& path, const Png& png) { write_file_atomic(path, png.bytes.data(), png.bytes.size()); }

namespace draw {
namespace {

constexpr double kScale = 2.0;  // pixels per layout unit
const char* kFont = "DejaVu Sans";

Rgb interpolate(const std::vector<unsigned>& stops, double t) {
    t = std::clamp(t, 0.0, 1.0) * double(stops.size() - 1);
    const std::size_t i = std::min(stops.size() - 2, static_cast<std::size_t>(t));
    return mix(hex(stops[i]), hex(stops[i + 1]), t - double(i));
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// A PNG chunk: length, type, data, CRC-32 of type and data (all big-endian).
void put_chunk(std::vector<std::uint8_t>& out, const char type[5], const std::uint8_t* data, std::size_t size) {
    put_u32(out, static_cast<std::uint32_t>(size));
    const std::size_t at = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data, data + size);
    put_u32(out, static_cast<std::uint32_t>(crc32(0, out.data() + at, static_cast<uInt>(size + 4))));
}

// PNG (RFC 2083) of an ARGB32 surface (premultiplied, native-endian 0xAARRGGBB): RGB where
// every pixel is opaque, else RGBA; every row with the Sub filter, zlib at its fastest
// level. Cairo's own encoder (libpng's default level and filter search) took about a third
// of a 4-epoch `mlp train` of 784-64-10 for a report's six figures (bench/NOTES.md).
std::vector<std::uint8_t> encode_png(cairo_surface_t* surface) {
    const int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    const unsigned char* pixels = cairo_image_surface_get_data(surface);
    auto row = [&](int y) { return reinterpret_cast<const std::uint32_t*>(pixels + std::size_t(y) * stride); };
    bool opaque = true;
    for (int y = 0; y < h && opaque; ++y)
        for (int x = 0; x < w; ++x)
            if ((row(y)[x] >> 24) != 255) {
                opaque = false;
                break;
            }
    const int channels = opaque ? 3 : 4;
    const std::size_t row_bytes = 1 + std::size_t(w) * channels;
    std::vector<std::uint8_t> raw(row_bytes * h);
    for (int y = 0; y < h; ++y) {
        std::uint8_t* out = raw.data() + row_bytes * y;
        *out++ = 1;  // Sub: each byte minus the same channel of the pixel to its left
        std::uint8_t left[4] = {0, 0, 0, 0};
        for (int x = 0; x < w; ++x, out += channels) {
            const std::uint32_t p = row(y)[x];
            const unsigned a = p >> 24;
            unsigned rgb[3] = {(p >> 16) & 255, (p >> 8) & 255, p & 255};
            if (a != 255 && a != 0)
                for (unsigned& c : rgb) c = (c * 255 + a / 2) / a;  // un-premultiplied, as cairo does
            const std::uint8_t pixel[4] = {std::uint8_t(rgb[0]), std::uint8_t(rgb[1]), std::uint8_t(rgb[2]), std::uint8_t(a)};
            for (int c = 0; c < channels; ++c) {
                out[c] = std::uint8_t(pixel[c] - left[c]);
                left[c] = pixel[c];
            }
        }
    }
    uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
    std::vector<std::uint8_t> packed(packed_size);
    require(compress2(packed.data(), &packed_size, raw.data(), static_cast<uLong>(raw.size()), Z_BEST_SPEED) == Z_OK,
            "PNG encoding failed");
    std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    std::vector<std::uint8_t> header;
    put_u32(header, static_cast<std::uint32_t>(w));
    put_u32(header, static_cast<std::uint32_t>(h));
    header.insert(header.end(), {8, std::uint8_t(opaque ? 2 : 6), 0, 0, 0});  // 8 bits, RGB or RGBA, no interlace
    put_chunk(png, "IHDR", header.data(), header.size());
    put_chunk(png, "IDAT", packed.data(), packed_size);
    put_chunk(png, "IEND", nullptr, 0);
    return png;
}

}  // namespace

Rgb hex(unsigned rgb) { return {((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0}; }

Rgb mix(Rgb a, Rgb b, double t) { return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t}; }

Rgb palette(int i) {
    static const unsigned colours[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                       0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    return hex(colours[i % 10]);
}

Rgb diverging(double t) {
    // RdBu reversed so that negative is blue: index 0 ↔ t = −1.
    static const std::vector<unsigned> stops = {0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7,
                                                0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f};
    return interpolate(stops, (t + 1.0) / 2.0);
}

Rgb sequential(double t) {
    static const std::vector<unsigned> stops = {0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6,
                                                0x4292c6, 0x2171b5, 0x08519c, 0x08306b};
    return interpolate(stops, t);
}

Canvas::Canvas(double width, double height) : width_(width), height_(height) {
    surface_ = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, int(std::ceil(width * kScale)),
                                          int(std::ceil(height * kScale)));
    cr_ = cairo_create(surface_);
    require(cairo_status(cr_) == CAIRO_STATUS_SUCCESS,
            "cannot create a " + std::to_string(int(width)) + "x" + std::to_string(int(height)) + " drawing surface");
    cairo_scale(cr_, kScale, kScale);
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
    cairo_set_font_options(cr_, options);
    cairo_font_options_destroy(options);
    fill_rect(0, 0, width, height, hex(0xffffff));
}

Canvas::~Canvas() {
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
}

void Canvas::set_colour(Rgb c, double alpha) { cairo_set_source_rgba(cr_, c.r, c.g, c.b, alpha); }

static void select_font(cairo_t* cr, double size, Weight weight) {
    cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL,
                           weight == Weight::bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double Canvas::text_width(const std::string& s, double size, Weight weight) {
    select_font(cr_, size, weight);
    cairo_text_extents_t e;
    cairo_text_extents(cr_, s.c_str(), &e);
    return e.x_advance;
}

double Canvas::fit(const std::string& s, double size, double max_width, Weight weight) {
    const double w = text_width(s, size, weight);
    return w <= max_width ? size : size * max_width / w;
}

void Canvas::text(double x, double y, const std::string& s, double size, double ax, double ay, Rgb colour,
                  Weight weight, double angle) {
    select_font(cr_, size, weight);
    cairo_text_extents_t e;
    cairo_text_extents(cr_, s.c_str(), &e);
    const double cap = 0.73 * size;  // DejaVu Sans cap height: stable vertical centring for any text
    cairo_save(cr_);
    cairo_translate(cr_, x, y);
    cairo_rotate(cr_, angle);
    cairo_move_to(cr_, -ax * e.x_advance, cap * (1.0 - ay));
    set_colour(colour);
    cairo_show_text(cr_, s.c_str());
    cairo_new_path(cr_);  // show_text leaves a current point that the next path would join
    cairo_restore(cr_);
}

void Canvas::line(double x0, double y0, double x1, double y1, Rgb colour, double width, double alpha) {
    cairo_move_to(cr_, x0, y0);
    cairo_line_to(cr_, x1, y1);
    set_colour(colour, alpha);
    cairo_set_line_width(cr_, width);
    cairo_stroke(cr_);
}

void Canvas::fill_rect(double x, double y, double w, double h, Rgb colour, double alpha) {
    cairo_rectangle(cr_, x, y, w, h);
    set_colour(colour, alpha);
    cairo_fill(cr_);
}

void Canvas::stroke_rect(double x, double y, double w, double h, Rgb colour, double width) {
    cairo_rectangle(cr_, x, y, w, h);
    set_colour(colour);
    cairo_set_line_width(cr_, width);
    cairo_stroke(cr_);
}

void Canvas::image(cairo_surface_t* image, double x, double y, double w, double h) {
    const int iw = cairo_image_surface_get_width(image), ih = cairo_image_surface_get_height(image);
    cairo_save(cr_);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_clip(cr_);
    cairo_translate(cr_, x, y);
    cairo_scale(cr_, w / iw, h / ih);
    cairo_set_source_surface(cr_, image, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr_), CAIRO_FILTER_NEAREST);
    cairo_paint(cr_);
    cairo_restore(cr_);
}

Png Canvas::png() {
    cairo_surface_flush(surface_);
    Png out;
    out.width = cairo_image_surface_get_width(surface_);
    out.height = cairo_image_surface_get_height(surface_);
    out.bytes = encode_png(surface_);
    return out;
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
    if (!(hi > lo)) return {lo};
    const double raw = (hi - lo) / std::max(1, count);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    std::vector<double> ticks;
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
        ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    return ticks;
}

std::vector<double> log_ticks(double lo, double hi) {
    std::vector<double> ticks;
    const int first = int(std::floor(std::log10(lo))), last = int(std::ceil(std::log10(hi)));
    const bool narrow = last - first <= 3;  // up to 3 decades: 1-2-5 labels still fit
    for (int k = first; k <= last; ++k)
        for (double m : narrow ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
            const double v = m * std::pow(10.0, k);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push_back(v);
        }
    return ticks;
}

std::string tick_label(double v) {
    char text[32];
    const double a = std::abs(v);
    if (a >= 1e6) std::snprintf(text, sizeof text, "%gM", v / 1e6);
    else if (a >= 1e4) std::snprintf(text, sizeof text, "%gk", v / 1e3);
    else std::snprintf(text, sizeof text, "%g", v);
    return text;
}

std::string thousands(long long n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::string format(const char* fmt, double v) {
    char text[64];
    std::snprintf(text, sizeof text, fmt, v);
    return text;
}

}  // namespace draw
}  // namespace mlp
