// Weight images: the first layer's incoming weights of each unit as a tile in the input's
// shape, so one sees which pixels excite (red) or inhibit (blue) it.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"
#include "mlp/error.hpp"

namespace mlp {

Png weight_images_png(ConstView<float> W, std::array<int, 3> image_shape, const std::string& title,
                      const std::vector<std::string>& tile_labels) {
    // Plain names, not a structured binding: the lambda below captures them (clang 14 cannot).
    const int C = image_shape[0], H = image_shape[1], Wd = image_shape[2];
    require(C > 0 && std::size_t(C) * H * Wd == std::size_t(W.rows),
            "weight images: " + std::to_string(W.rows) + " inputs do not form images of shape " + std::to_string(C) +
                "x" + std::to_string(H) + "x" + std::to_string(Wd));
    require(C == 1 || C == 3, "weight images: expected 1 or 3 channels, got " + std::to_string(C));
    const int n = W.cols;
    const int columns = n <= 10 ? n : std::min(16, int(std::ceil(std::sqrt(2.0 * n))));
    const int rows = (n + columns - 1) / columns;
    // Whole device pixels per weight (the canvas has 2 per unit), so tiles stay crisp.
    const double gap = 6, margin = 24;
    const double max_tile = std::min(96.0, 880.0 / columns - gap);
    const int zoom = std::max(1, int(2 * max_tile / std::max(H, Wd)));
    const double tile_w = zoom * Wd / 2.0, tile_h = zoom * H / 2.0;
    const bool labelled = tile_labels.size() == std::size_t(n);
    const double label_h = labelled ? 14 : 0;
    const double grid_w = columns * (tile_w + gap) - gap;
    const double width = std::max(grid_w + 2 * margin, 480.0);
    const double top = 40, bar_top = top + rows * (tile_h + gap + label_h) + 8;
    draw::Canvas c(width, bar_top + 44);
    c.text(width / 2, 12, title, 14, 0.5, 0.0, draw::kInk, draw::Weight::bold);

    const double left = (width - grid_w) / 2;
    for (int j = 0; j < n; ++j) {
        float m = 0;
        for (int i = 0; i < W.rows; ++i) m = std::max(m, std::abs(W(i, j)));
        if (m == 0) m = 1;
        const std::size_t plane = std::size_t(H) * Wd;
        cairo_surface_t* tile = draw::make_image(Wd, H, [&](int x, int y) {
            const std::size_t p = std::size_t(y) * Wd + x;
            if (C == 1) return draw::diverging(W(int(p), j) / m);
            auto channel = [&](int ch) { return 0.5 + 0.5 * W(int(ch * plane + p), j) / m; };
            return draw::Rgb{channel(0), channel(1), channel(2)};
        });
        const double x = left + (j % columns) * (tile_w + gap), y = top + (j / columns) * (tile_h + gap + label_h);
        c.image(tile, x, y, tile_w, tile_h);
        cairo_surface_destroy(tile);
        c.stroke_rect(x, y, tile_w, tile_h, draw::kGrid, 0.5);
        if (labelled) {
            const double size = c.fit(tile_labels[j], 10, tile_w + gap - 2);
            c.text(x + tile_w / 2, y + tile_h + 3, tile_labels[j], size, 0.5, 0.0, draw::kMuted);
        }
    }

    // Colour key: what negative, zero and positive look like.
    const double bar_w = 220, bar_x = width / 2 - bar_w / 2;
    cairo_t* cr = c.cr();
    cairo_pattern_t* gradient = cairo_pattern_create_linear(bar_x, 0, bar_x + bar_w, 0);
    for (int s = 0; s <= 20; ++s) {
        const double t = s / 10.0 - 1.0;
        const draw::Rgb k = C == 1 ? draw::diverging(t) : draw::Rgb{0.5 + t / 2, 0.5 + t / 2, 0.5 + t / 2};
        cairo_pattern_add_color_stop_rgb(gradient, s / 20.0, k.r, k.g, k.b);
    }
    cairo_rectangle(cr, bar_x, bar_top, bar_w, 10);
    cairo_set_source(cr, gradient);
    cairo_fill(cr);
    cairo_pattern_destroy(gradient);
    c.stroke_rect(bar_x, bar_top, bar_w, 10, draw::kMuted, 0.5);
    c.text(bar_x - 6, bar_top + 5, "−max |w|", 10, 1.0, 0.5, draw::kMuted);
    c.text(bar_x + bar_w + 6, bar_top + 5, "+max |w|", 10, 0.0, 0.5, draw::kMuted);
    c.line(bar_x + bar_w / 2, bar_top + 10, bar_x + bar_w / 2, bar_top + 14, draw::kMuted, 0.8);
    c.text(bar_x + bar_w / 2, bar_top + 16, "0", 10, 0.5, 0.0, draw::kMuted);
    c.text(width / 2, bar_top + 30,
           C == 1 ? "each tile scaled to its own largest |w|" : "per channel, mid-grey = 0; each tile scaled to its largest |w|",
           10, 0.5, 0.0, draw::kMuted);
    return c.png();
}

}  // namespace mlp
