// Helpers of the report tests: decode a PNG with Cairo and count its colours, and run the
// built `mlp` with stdout and stderr kept apart (test_util.hpp's run() merges them).
#pragma once
#include <cairo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace mlp::test {

struct Decoded {
    int width = 0, height = 0;
    std::vector<std::uint32_t> rgb;  // 0xRRGGBB per pixel (PNG figures are opaque)
    int distinct() const { return int(std::set<std::uint32_t>(rgb.begin(), rgb.end()).size()); }
    // Pixels within `tolerance` per channel of colour 0xRRGGBB.
    long near(std::uint32_t colour, int tolerance = 0) const {
        long n = 0;
        for (std::uint32_t p : rgb) {
            const int dr = int((p >> 16) & 255) - int((colour >> 16) & 255);
            const int dg = int((p >> 8) & 255) - int((colour >> 8) & 255);
            const int db = int(p & 255) - int(colour & 255);
            n += std::abs(dr) <= tolerance && std::abs(dg) <= tolerance && std::abs(db) <= tolerance;
        }
        return n;
    }
    // The pixels of the rectangle (x, y, w, h), clipped to the image.
    Decoded crop(int x, int y, int w, int h) const {
        Decoded c;
        const int x0 = std::max(0, x), y0 = std::max(0, y);
        const int x1 = std::min(width, x + w), y1 = std::min(height, y + h);
        c.width = std::max(0, x1 - x0);
        c.height = std::max(0, y1 - y0);
        for (int row = y0; row < y1; ++row)
            for (int col = x0; col < x1; ++col) c.rgb.push_back(rgb[std::size_t(row) * width + col]);
        return c;
    }
    // Fraction of pixels that differ from the most common colour (the background).
    double ink() const {
        std::map<std::uint32_t, long> counts;
        long top = 0;
        for (std::uint32_t p : rgb) top = std::max(top, ++counts[p]);
        return rgb.empty() ? 0.0 : 1.0 - double(top) / double(rgb.size());
    }
};

inline Decoded decode_surface(cairo_surface_t* s) {
    Decoded d;
    EXPECT_EQ(cairo_surface_status(s), CAIRO_STATUS_SUCCESS) << "not a PNG Cairo can read";
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) return d;
    cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, cairo_image_surface_get_width(s),
                                                        cairo_image_surface_get_height(s));
    cairo_t* cr = cairo_create(image);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_flush(image);
    d.width = cairo_image_surface_get_width(image);
    d.height = cairo_image_surface_get_height(image);
    const int stride = cairo_image_surface_get_stride(image);
    const unsigned char* data = cairo_image_surface_get_data(image);
    for (int y = 0; y < d.height; ++y) {
        const auto* row = reinterpret_cast<const std::uint32_t*>(data + std::size_t(y) * stride);
        for (int x = 0; x < d.width; ++x) d.rgb.push_back(row[x] & 0xffffff);
    }
    cairo_surface_destroy(image);
    return d;
}

inline Decoded decode_png(const std::vector<std::uint8_t>& bytes) {
    struct Reader {
        const std::vector<std::uint8_t>* bytes;
        std::size_t at = 0;
    } reader{&bytes};
    auto read = [](void* closure, unsigned char* out, unsigned int length) {
        auto* r = static_cast<Reader*>(closure);
        if (r->at + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
        std::copy_n(r->bytes->data() + r->at, length, out);
        r->at += length;
        return CAIRO_STATUS_SUCCESS;
    };
    cairo_surface_t* s = cairo_image_surface_create_from_png_stream(read, &reader);
    Decoded d = decode_surface(s);
    cairo_surface_destroy(s);
    return d;
}

inline Decoded decode_png_file(const std::string& path) {
    cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
    Decoded d = decode_surface(s);
    cairo_surface_destroy(s);
    return d;
}

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

struct Result {
    int code = -1;
    std::string out, err;
};

// Runs a shell command line from the source tree; stdout and stderr captured separately
// into files of the directory `scratch`.
inline Result run(const std::string& command, const std::string& scratch) {
    const std::string out = scratch + "/cmd.out", err = scratch + "/cmd.err";
    // The parentheses keep run()'s trailing 2>&1 from merging the two streams again.
    const CommandResult status = run("(" + command + " >'" + out + "' 2>'" + err + "')");
    Result r;
    r.code = status.status;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

// A fresh directory for one test (test_util's temp_dir named after the test), removed at its end.
class Scratch {
public:
    Scratch() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = temp_dir(std::string(info->test_suite_name()) + "_" + info->name());
    }
    ~Scratch() { std::filesystem::remove_all(path_); }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }
    std::string str() const { return path_; }

private:
    std::string path_;
};

// A small MNIST run: 2000 training rows, 500 for validation, one epoch (about a second).
inline Result train_tiny(const std::string& out, const std::string& extra, const Scratch& scratch) {
    return run(mlp_binary() + " train --config experiments/mnist_default.toml --quiet --out " + out +
                   " --set data.train_size=2000 --set data.validation=500 --set train.epochs=1 " + extra,
               scratch.str());
}

}  // namespace mlp::test
