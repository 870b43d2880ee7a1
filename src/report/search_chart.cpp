// A search's trials as horizontal bars of the chosen metric, best first, each labelled by
// the values it tried; failed trials listed as such.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"
#include "mlp/error.hpp"

namespace mlp {

Png search_trials_png(const std::vector<SearchTrialBar>& trials, const std::string& metric, bool percent,
                      const std::string& title) {
    require(!trials.empty(), "search figure: no trials");
    constexpr double kRow = 18, kTop = 56, kLabel = 430, kBars = 300, kWidth = 800;
    const double height = kTop + kRow * trials.size() + 44;
    draw::Canvas c(kWidth, height);
    c.text(kWidth / 2, 12, title, 14, 0.5, 0.0, draw::kInk, draw::Weight::bold);
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& t : trials)
        if (std::isfinite(t.value)) lo = std::min(lo, t.value), hi = std::max(hi, t.value);
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    // Bars start a little below the worst finished trial, so differences stay visible.
    const double base = std::max(0.0, lo - 0.25 * std::max(hi - lo, 1e-3 * std::abs(hi)));
    const double top = hi + 0.02 * std::max(hi - base, 1e-9);
    auto x = [&](double v) { return kLabel + kBars * (v - base) / (top - base); };
    for (double v : draw::nice_ticks(base, top, 5)) {
        if (v < base || v > top) continue;
        c.line(x(v), kTop - 4, x(v), kTop + kRow * trials.size(), draw::kGrid, 0.8);
        c.text(x(v), kTop - 6, draw::tick_label(percent ? std::round(v * 1000) / 10 : v), 10, 0.5, 1.0, draw::kMuted);
    }
    c.text(x((base + top) / 2), kTop - 24, metric + (percent ? " (%)" : ""), 11, 0.5, 1.0);
    for (std::size_t i = 0; i < trials.size(); ++i) {
        const auto& t = trials[i];
        const double y = kTop + kRow * i;
        const double size = c.fit(t.label, 10, kLabel - 16);
        c.text(kLabel - 8, y + kRow / 2, t.label, size, 1.0, 0.5, draw::kInk);
        if (!std::isfinite(t.value)) {
            c.text(kLabel + 4, y + kRow / 2, "failed", 10, 0.0, 0.5, draw::hex(0xd62728));
            continue;
        }
        c.fill_rect(kLabel, y + 3, x(t.value) - kLabel, kRow - 6, draw::palette(i == 0 ? 1 : 0));
        c.text(x(t.value) + 4, y + kRow / 2, draw::format(percent ? "%.2f" : "%.4g", percent ? 100 * t.value : t.value),
               9, 0.0, 0.5, draw::kMuted);
    }
    return c.png();
}

}  // namespace mlp
