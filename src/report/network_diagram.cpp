// Network diagram: the layers as columns of units joined by their weights, each column
// labelled with its width and activation and each weight layer with its parameter count.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"

namespace mlp {
namespace {

constexpr int kMaxDrawn = 8;  // units drawn per column; wider layers show an ellipsis
constexpr double kNodeTop = 84, kNodeBottom = 284, kRadius = 9;

// y positions of the drawn units of a layer of `width` units; the gap marks elided units.
std::vector<double> unit_positions(int width, bool* elided) {
    const int drawn = std::min(width, kMaxDrawn);
    *elided = width > kMaxDrawn;
    const int slots = *elided ? drawn + 1 : drawn;  // one slot for the ellipsis
    const double step = std::min(26.0, (kNodeBottom - kNodeTop) / std::max(1, slots - 1));
    const double first = (kNodeTop + kNodeBottom) / 2 - step * (slots - 1) / 2;
    std::vector<double> ys;
    for (int s = 0; s < slots; ++s)
        if (!*elided || s != drawn / 2) ys.push_back(first + s * step);
    return ys;
}

}  // namespace

Png network_diagram_png(const Architecture& arch, std::array<int, 3> image_shape) {
    const ParamLayout layout(arch);
    std::vector<int> widths{arch.inputs};
    widths.insert(widths.end(), arch.hidden.begin(), arch.hidden.end());
    widths.push_back(arch.classes);
    const int columns = static_cast<int>(widths.size());
    const double spacing = 210, margin = 120;
    const double width = std::max(720.0, 2 * margin + spacing * (columns - 1));
    const double x0 = (width - spacing * (columns - 1)) / 2;
    draw::Canvas c(width, 420);

    std::string shape = std::to_string(arch.inputs);
    for (int h : arch.hidden) shape += " → " + std::to_string(h);
    shape += " → " + std::to_string(arch.classes);
    c.text(width / 2, 12, "Network: " + shape, 14, 0.5, 0.0, draw::kInk, draw::Weight::bold);

    std::vector<std::vector<double>> ys(columns);
    std::vector<bool> elided(columns);
    for (int l = 0; l < columns; ++l) {
        bool e = false;
        ys[l] = unit_positions(widths[l], &e);
        elided[l] = e;
    }
    // Weights first, so the units are drawn over them.
    for (int l = 0; l + 1 < columns; ++l)
        for (double ya : ys[l])
            for (double yb : ys[l + 1])
                c.line(x0 + l * spacing + kRadius, ya, x0 + (l + 1) * spacing - kRadius, yb, draw::kMuted, 0.5, 0.35);

    for (int l = 0; l < columns; ++l) {
        const double x = x0 + l * spacing;
        const bool input = l == 0, output = l + 1 == columns;
        const draw::Rgb colour = input ? draw::hex(0x7f7f7f) : output ? draw::palette(1) : draw::palette(0);
        const std::string name = input ? "input" : output ? "output" : "hidden " + std::to_string(l);
        c.text(x, 56, name, 12, 0.5, 0.0, draw::kInk, draw::Weight::bold);
        cairo_t* cr = c.cr();
        for (double y : ys[l]) {
            cairo_arc(cr, x, y, kRadius, 0, 2 * M_PI);
            c.set_colour(draw::mix(colour, {1, 1, 1}, 0.75));
            cairo_fill_preserve(cr);
            c.set_colour(colour);
            cairo_set_line_width(cr, 1.4);
            cairo_stroke(cr);
        }
        if (elided[l]) {
            const double mid = (ys[l][kMaxDrawn / 2 - 1] + ys[l][kMaxDrawn / 2]) / 2;
            for (int d = -1; d <= 1; ++d) {
                cairo_arc(cr, x, mid + d * 6, 1.6, 0, 2 * M_PI);
                c.set_colour(draw::kMuted);
                cairo_fill(cr);
            }
        }
        c.text(x, 300, draw::thousands(widths[l]) + " units", 12, 0.5, 0.0);
        std::string detail;
        if (input) {
            detail = image_shape[0] > 0 ? std::to_string(image_shape[1]) + "×" + std::to_string(image_shape[2]) + "×" +
                                              std::to_string(image_shape[0]) + " image"
                                        : "features";
        } else {
            detail = output ? "softmax" : activation_name(arch.activation.kind);
        }
        c.text(x, 318, detail, 11, 0.5, 0.0, draw::kMuted);
    }
    // Parameter counts of each weight layer, between its two columns.
    for (std::size_t l = 0; l < layout.layers.size(); ++l) {
        const LayerLayout& layer = layout.layers[l];
        const double x = x0 + (double(l) + 0.5) * spacing;
        const std::size_t count = std::size_t(layer.in) * layer.out + (layer.has_bias ? layer.out : 0);
        std::string tensors = ParamLayout::weight_name(int(l)) + " " + std::to_string(layer.in) + "×" +
                              std::to_string(layer.out);
        if (layer.has_bias) tensors += arch.bias == BiasMode::trick ? " + bias row" : " + " + ParamLayout::bias_name(int(l));
        c.text(x, 352, tensors, c.fit(tensors, 10.5, spacing - 12), 0.5, 0.0, draw::kMuted);
        c.text(x, 368, draw::thousands(long(count)) + " parameters", 11, 0.5, 0.0, draw::kInk);
    }
    c.text(width / 2, 398,
           "total " + draw::thousands(long(layout.parameters)) + " parameters · bias: " + bias_mode_name(arch.bias), 11, 0.5,
           0.0, draw::kInk, draw::Weight::bold);
    return c.png();
}

}  // namespace mlp
