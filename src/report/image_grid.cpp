// A grid of dataset images with captions: the drawing behind the worst-classified and
// the dataset sample figures. Which images to show is decided by those two.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"
#include "mlp/error.hpp"

namespace mlp {

GridImage dataset_image(const Dataset& data, int row) {
    const auto [C, H, W] = data.image_shape;
    require(C > 0 && std::size_t(C) * H * W == std::size_t(data.features),
            data.name + ": rows of " + std::to_string(data.features) + " features are not images");
    GridImage image;
    image.shape = data.image_shape;
    image.pixels.resize(data.features);
    double lo = 0, hi = 255;
    if (!data.is_u8()) {  // float data: stretch this image's own range
        lo = hi = data.value(row, 0);
        for (int f = 1; f < data.features; ++f) {
            lo = std::min(lo, data.value(row, f));
            hi = std::max(hi, data.value(row, f));
        }
        if (hi == lo) hi = lo + 1;
    }
    for (int f = 0; f < data.features; ++f) image.pixels[f] = float((data.value(row, f) - lo) / (hi - lo));
    return image;
}

Png image_grid_png(const std::vector<GridImage>& images, int columns, const std::string& title,
                   const std::vector<std::string>& row_labels) {
    require(columns >= 1, "image grid: columns must be >= 1");
    const int n = static_cast<int>(images.size());
    const int rows = std::max(1, (n + columns - 1) / columns);
    int H = 28, W = 28;
    std::size_t caption_lines = 0;
    for (const auto& image : images) {
        H = image.shape[1];
        W = image.shape[2];
        caption_lines = std::max(caption_lines, image.caption.size());
    }
    const int zoom = std::max(1, 112 / std::max(H, W));  // device pixels per image pixel: ≈ 56 units a tile
    const double tile_w = zoom * W / 2.0, tile_h = zoom * H / 2.0;
    const double caption_size = 9.5, line_h = 12;
    draw::Canvas probe(1, 1);
    double cell_w = tile_w;
    for (const auto& image : images)
        for (const auto& line : image.caption) cell_w = std::max(cell_w, std::min(120.0, probe.text_width(line, caption_size)));
    cell_w += 8;
    double label_w = 0;
    for (const auto& label : row_labels) label_w = std::max(label_w, probe.text_width(label, 11));
    const double left = 16 + (label_w > 0 ? label_w + 10 : 0);
    const double cell_h = tile_h + 6 + caption_lines * line_h + (caption_lines ? 6 : 0);
    const double width = std::max(left + columns * cell_w + 16, probe.text_width(title, 14, draw::Weight::bold) + 40);
    const double top = 40;
    draw::Canvas c(width, top + rows * cell_h + 8);
    c.text(width / 2, 12, title, 14, 0.5, 0.0, draw::kInk, draw::Weight::bold);
    for (int r = 0; r < rows && r < int(row_labels.size()); ++r)
        c.text(left - 10, top + r * cell_h + tile_h / 2, row_labels[r], 11, 1.0, 0.5);
    for (int i = 0; i < n; ++i) {
        const GridImage& image = images[i];
        const int C = image.shape[0];
        require(image.pixels.size() == std::size_t(C) * H * W, "image grid: images differ in shape");
        const std::size_t plane = std::size_t(H) * W;
        cairo_surface_t* tile = draw::make_image(W, H, [&](int x, int y) {
            const std::size_t p = std::size_t(y) * W + x;
            if (C >= 3) return draw::Rgb{image.pixels[p], image.pixels[plane + p], image.pixels[2 * plane + p]};
            const double v = image.pixels[p];
            return draw::Rgb{v, v, v};
        });
        const double x = left + (i % columns) * cell_w + (cell_w - tile_w) / 2, y = top + (i / columns) * cell_h;
        c.image(tile, x, y, tile_w, tile_h);
        cairo_surface_destroy(tile);
        if (image.highlight) c.stroke_rect(x - 1, y - 1, tile_w + 2, tile_h + 2, draw::hex(0xd62728), 1.5);
        for (std::size_t l = 0; l < image.caption.size(); ++l) {
            const std::string& line = image.caption[l];
            c.text(x + tile_w / 2, y + tile_h + 6 + l * line_h, line, c.fit(line, caption_size, cell_w - 4), 0.5, 0.0,
                   image.highlight && l == 1 ? draw::hex(0xc0282d) : draw::kInk);
        }
    }
    return c.png();
}

}  // namespace mlp
