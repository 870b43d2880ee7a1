// Learning curves: loss and accuracy against steps for one or several runs, side by side,
// with an epoch axis on top and one legend entry per run.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "canvas.hpp"

namespace mlp {
namespace {

using draw::Canvas;
using draw::Rgb;

constexpr double kWidth = 960, kPanel = 480;
constexpr double kTop = 78, kBottom = 318;  // plot box, layout units

struct Axis {
    double lo = 0, hi = 1;
    bool log = false;
    double operator()(double v) const {  // → [0, 1]
        return log ? (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo)) : (v - lo) / (hi - lo);
    }
};

using Field = std::function<double(const HistoryRow&)>;

std::vector<double> finite_values(const std::vector<CurveRun>& runs, const Field& field, double from_fraction) {
    std::vector<double> values;
    for (const auto& run : runs) {
        if (run.history.empty()) continue;
        const double from = from_fraction * double(run.history.back().step);
        for (const auto& row : run.history)
            if (double(row.step) >= from && std::isfinite(field(row))) values.push_back(field(row));
    }
    return values;
}

Axis loss_axis(const std::vector<double>& v) {
    Axis a;
    if (v.empty()) return a;
    double lo = *std::min_element(v.begin(), v.end()), hi = *std::max_element(v.begin(), v.end());
    if (lo > 0 && hi / lo > 4.0) {  // a log scale keeps the late, small differences readable
        a.log = true;
        a.lo = lo / 1.15;
        a.hi = hi * 1.15;
        return a;
    }
    const double pad = std::max(0.05 * (hi - lo), 1e-3);
    a.lo = std::max(0.0, lo - pad);
    a.hi = hi + pad;
    return a;
}

// Accuracy: zoom onto the later 80 % of each run, where runs differ; the first checks
// (near chance) would otherwise squeeze everything into the top of the panel.
Axis accuracy_axis(const std::vector<double>& all, const std::vector<double>& late, bool* zoomed) {
    Axis a;
    if (all.empty()) return a;
    const auto& use = late.size() >= 2 ? late : all;
    double lo = *std::min_element(use.begin(), use.end());
    const double hi = *std::max_element(all.begin(), all.end());
    const double span = std::max(hi - lo, 0.01);
    lo -= 0.1 * span;
    a.lo = std::max(0.0, lo);
    a.hi = std::min(1.0, hi + 0.06 * span);
    if (a.hi - a.lo < 0.01) a.lo = std::max(0.0, a.hi - 0.01);
    *zoomed = *std::min_element(all.begin(), all.end()) < a.lo;
    return a;
}

struct Panel {
    double left, right;
    // 3 % room on the right so the last point's marker is not cut by the frame.
    double x(double step, double max_step) const { return left + (right - left) * step / (1.03 * max_step); }
    double y(double t) const { return kBottom - (kBottom - kTop) * t; }
};

void draw_panel(Canvas& c, const Panel& p, const std::vector<CurveRun>& runs, double max_step, const Axis& axis,
                const Field& train, const Field& val, bool percent, const std::string& title,
                const std::string& y_title, double steps_per_epoch, const std::string& epoch_title) {
    cairo_t* cr = c.cr();
    c.text((p.left + p.right) / 2, 10, title, 14, 0.5, 0.0, draw::kInk, draw::Weight::bold);
    // Horizontal grid and y tick labels.
    const auto yticks = axis.log ? draw::log_ticks(axis.lo, axis.hi)
                                 : draw::nice_ticks(axis.lo, axis.hi, 6);
    for (double v : yticks) {
        const double y = p.y(axis(v));
        c.line(p.left, y, p.right, y, draw::kGrid, 0.8);
        c.text(p.left - 6, y, draw::tick_label(percent ? std::round(v * 1000) / 10 : v), 10, 1.0, 0.5, draw::kMuted);
    }
    if (axis.log) {  // unlabelled minor ticks at 2..9 × 10^k
        for (int k = int(std::floor(std::log10(axis.lo))); k <= int(std::ceil(std::log10(axis.hi))); ++k)
            for (int m = 2; m <= 9; ++m) {
                const double v = m * std::pow(10.0, k);
                if (v > axis.lo && v < axis.hi) c.line(p.left - 3, p.y(axis(v)), p.left, p.y(axis(v)), draw::kMuted, 0.6);
            }
    }
    c.text(p.left - 46, (kTop + kBottom) / 2, y_title, 11, 0.5, 0.5, draw::kInk, draw::Weight::normal, -M_PI / 2);
    // Steps on the bottom axis.
    const auto xticks = draw::nice_ticks(0, max_step, 6);
    const bool thousands = !xticks.empty() && xticks.back() >= 1e4;  // "5k, 10k", not "5000, 10k"
    for (double v : xticks) {
        const double x = p.x(v, max_step);
        c.line(x, kBottom, x, kBottom + 4, draw::kMuted, 0.8);
        const std::string label = thousands && v != 0 ? draw::tick_label(v / 1000) + "k" : draw::tick_label(v);
        c.text(x, kBottom + 8, label, 10, 0.5, 0.0, draw::kMuted);
    }
    c.text((p.left + p.right) / 2, kBottom + 26, "steps", 11, 0.5, 0.0);
    // Epochs on the top axis.
    if (steps_per_epoch > 0) {
        const double max_epoch = max_step / steps_per_epoch;
        for (double e : draw::nice_ticks(0, max_epoch, max_epoch >= 2 ? std::min(8, int(max_epoch) + 1) : 4)) {
            const double x = p.x(e * steps_per_epoch, max_step);
            c.line(x, kTop - 4, x, kTop, draw::kMuted, 0.8);
            c.text(x, kTop - 8, draw::tick_label(e), 10, 0.5, 1.0, draw::kMuted);
        }
        c.text((p.left + p.right) / 2, kTop - 40, epoch_title, 11, 0.5, 0.0);
    }
    // Curves, clipped to the plot box (zoomed accuracy cuts the first checks off).
    cairo_save(cr);
    cairo_rectangle(cr, p.left, kTop, p.right - p.left, kBottom - kTop);
    cairo_clip(cr);
    // Markers at each check when every run has few checks (the same for all runs, so the
    // overlay does not look as if runs were measured differently).
    bool dots = true;
    for (const auto& run : runs) dots = dots && run.history.size() <= 25;
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const Rgb colour = draw::palette(int(r));
        for (const Field* field : {&train, &val}) {
            const bool is_train = field == &train;
            bool open = false;
            for (const auto& row : runs[r].history) {
                const double v = (*field)(row);
                if (!std::isfinite(v) || (axis.log && v <= 0)) {
                    open = false;
                    continue;
                }
                const double x = p.x(double(row.step), max_step), y = p.y(axis(v));
                if (open) cairo_line_to(cr, x, y);
                else cairo_move_to(cr, x, y);
                open = true;
            }
            const double dash[] = {5.0, 3.0};
            cairo_set_dash(cr, dash, is_train ? 2 : 0, 0);
            cairo_set_line_width(cr, is_train ? 1.4 : 2.0);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            c.set_colour(colour);
            cairo_stroke(cr);
            cairo_set_dash(cr, nullptr, 0, 0);
            if (!dots) continue;
            for (const auto& row : runs[r].history) {
                const double v = (*field)(row);
                if (!std::isfinite(v) || (axis.log && v <= 0)) continue;
                cairo_arc(cr, p.x(double(row.step), max_step), p.y(axis(v)), is_train ? 1.8 : 2.4, 0, 2 * M_PI);
                c.set_colour(is_train ? Rgb{1, 1, 1} : colour);
                cairo_fill_preserve(cr);
                c.set_colour(colour);
                cairo_set_line_width(cr, 1.0);
                cairo_stroke(cr);
            }
        }
    }
    cairo_restore(cr);
    c.stroke_rect(p.left, kTop, p.right - p.left, kBottom - kTop, draw::kMuted, 0.8);
}

// The legend: one entry per run, then what dashed and solid mean. Returns its height.
// Measures without painting when paint is false (to size the canvas first).
double draw_legend(Canvas& c, double top, const std::vector<CurveRun>& runs, bool any_validation, bool paint) {
    struct Entry {
        std::string label;
        Rgb colour;
        bool dashed;
    };
    std::vector<Entry> entries;
    for (std::size_t r = 0; r < runs.size(); ++r) entries.push_back({runs[r].label, draw::palette(int(r)), false});
    entries.push_back({"train", draw::kMuted, true});
    if (any_validation) entries.push_back({"validation", draw::kMuted, false});
    double x = 64, y = top;
    const double row_height = 20;
    auto width_of = [&](const Entry& e) { return 30 + c.text_width(e.label, 11) + 22; };
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        const double w = width_of(e);
        // The two line-style keys (train, validation) stay together on one row.
        const double needed = e.dashed && i + 1 < entries.size() ? w + width_of(entries[i + 1]) : w;
        if (x + needed > kWidth - 20 && x > 64) {
            x = 64;
            y += row_height;
        }
        if (paint) {
            cairo_t* cr = c.cr();
            const double dash[] = {5.0, 3.0};
            cairo_set_dash(cr, dash, e.dashed ? 2 : 0, 0);
            c.line(x, y + 7, x + 24, y + 7, e.colour, e.dashed ? 1.4 : 2.4);
            cairo_set_dash(cr, nullptr, 0, 0);
            c.text(x + 30, y + 7, e.label, 11, 0.0, 0.5);
        }
        x += w;
    }
    return y + row_height - top;
}

}  // namespace

Png learning_curves_png(const std::vector<CurveRun>& runs, const std::string& title) {
    const Field train_loss = [](const HistoryRow& r) { return r.train_loss; };
    const Field val_loss = [](const HistoryRow& r) { return r.val_loss; };
    const Field train_acc = [](const HistoryRow& r) { return r.train_acc; };
    const Field val_acc = [](const HistoryRow& r) { return r.val_acc; };

    double max_step = 1;
    bool any_validation = false;
    for (const auto& run : runs)
        for (const auto& row : run.history) {
            max_step = std::max(max_step, double(row.step));
            any_validation = any_validation || std::isfinite(row.val_loss);
        }
    // The epoch axis holds for every run when all have the same steps per epoch.
    double steps_per_epoch = 0;
    std::string epoch_title = "epochs";
    for (const auto& run : runs) {
        if (run.history.empty() || run.history.back().epoch <= 0) continue;
        const double spe = double(run.history.back().step) / run.history.back().epoch;
        if (steps_per_epoch == 0) steps_per_epoch = spe;
        else if (std::abs(spe - steps_per_epoch) > 1e-3 * steps_per_epoch)
            epoch_title = "epochs of " + runs.front().label + " (runs differ in steps per epoch)";
    }

    auto losses = finite_values(runs, train_loss, 0.0), val_losses = finite_values(runs, val_loss, 0.0);
    losses.insert(losses.end(), val_losses.begin(), val_losses.end());
    auto accs = finite_values(runs, train_acc, 0.0), val_accs = finite_values(runs, val_acc, 0.0);
    accs.insert(accs.end(), val_accs.begin(), val_accs.end());
    auto late = finite_values(runs, train_acc, 0.2), late_val = finite_values(runs, val_acc, 0.2);
    late.insert(late.end(), late_val.begin(), late_val.end());
    bool zoomed = false;
    const Axis loss = loss_axis(losses);
    const Axis acc = accuracy_axis(accs, late, &zoomed);

    const double legend_top = kBottom + 52;
    Canvas probe(1, 1);
    const double height = legend_top + draw_legend(probe, legend_top, runs, any_validation, false) + 10;
    const double header = title.empty() ? 0 : 36;  // the figure's own title above both panels
    Canvas c(kWidth, header + height);
    if (!title.empty()) {
        c.text(kWidth / 2, 10, title, c.fit(title, 16, kWidth - 40, draw::Weight::bold), 0.5, 0.0, draw::kInk,
               draw::Weight::bold);
        cairo_translate(c.cr(), 0, header);
    }
    draw_panel(c, {76, kPanel - 18}, runs, max_step, loss, train_loss, val_loss, false,
               loss.log ? "Loss (log scale)" : "Loss", "cross-entropy", steps_per_epoch, epoch_title);
    draw_panel(c, {kPanel + 76, kWidth - 18}, runs, max_step, acc, train_acc, val_acc, true,
               zoomed ? "Accuracy (y-axis zoomed)" : "Accuracy", "accuracy (%)", steps_per_epoch, epoch_title);
    if (losses.empty()) c.text(kWidth / 2, (kTop + kBottom) / 2, "no history rows", 14, 0.5, 0.5, draw::kMuted);
    draw_legend(c, legend_top, runs, any_validation, true);
    return c.png();
}

}  // namespace mlp
