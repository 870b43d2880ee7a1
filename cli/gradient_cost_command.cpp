// `mlp gradient-cost`: seconds per full gradient, backprop against naive finite differences,
// over a sweep of depths and widths; writes gradient_cost.png, gradient_cost.csv and summary.md.
#include <cstdio>
#include <sstream>

#include "commands.hpp"
#include "mlp/error.hpp"
#include "mlp/figures.hpp"
#include "mlp/file.hpp"
#include "mlp/gemm.hpp"
#include "mlp/gradient_cost.hpp"

namespace mlp {
namespace {

GradientCostRow measure(const GradientCostOptions& o, const char* sweep, int depth, int width) {
    Architecture arch;
    arch.inputs = o.inputs;
    arch.classes = o.classes;
    arch.hidden.assign(depth, width);
    arch.activation.kind = ActivationKind::tanh;
    GradientCostSettings s;
    s.batch = o.batch;
    s.naive_weights = o.naive_weights;
    s.naive_budget_seconds = o.naive_seconds;
    GradientCostRow row{sweep, depth, width, measure_gradient_cost(arch, s)};
    std::printf("depth %2d  width %4d  P %8ld  backprop %.3e s  naive %.3e s (%d weights timed)  ratio %.0f  "
                "max rel diff %.1e\n",
                depth, width, row.cost.parameters, row.cost.backprop_seconds, row.cost.naive_seconds,
                row.cost.naive_measured, row.cost.naive_seconds / row.cost.backprop_seconds,
                row.cost.max_relative_difference);
    std::fflush(stdout);
    return row;
}

std::string to_csv(const std::vector<GradientCostRow>& rows) {
    std::ostringstream out;
    out.precision(6);
    out << "sweep,depth,width,parameters,backprop_seconds,naive_seconds,naive_measured,max_relative_difference\n";
    for (const auto& r : rows)
        out << r.sweep << ',' << r.depth << ',' << r.width << ',' << r.cost.parameters << ','
            << r.cost.backprop_seconds << ',' << r.cost.naive_seconds << ',' << r.cost.naive_measured << ','
            << r.cost.max_relative_difference << '\n';
    return out.str();
}

std::string summary_md(const std::vector<GradientCostRow>& rows, const GradientCostOptions& o) {
    std::ostringstream md;
    char text[640];
    std::snprintf(text, sizeof text,
                  "%d-input, %d-class tanh networks, one thread, objective over %d example(s). Backprop: median "
                  "of 21 gradients. Naive: a central difference per weight, timed over as many random weights as fit "
                  "in %.2f s and scaled to all P; \"check\" is max |naive − backprop| / max |backprop| over them.\n\n",
                  o.inputs, o.classes, o.batch, o.naive_seconds);
    md << text << "| depth N | width K | parameters P | backprop, s | naive, s | naive / backprop | check |\n"
       << "|---|---|---|---|---|---|---|\n";
    for (const auto& r : rows) {
        std::snprintf(text, sizeof text, "| %d | %d | %ld | %.3g | %.3g | %.3g | %.1e |\n", r.depth, r.width,
                      r.cost.parameters, r.cost.backprop_seconds, r.cost.naive_seconds,
                      r.cost.naive_seconds / r.cost.backprop_seconds, r.cost.max_relative_difference);
        md << text;
    }
    return md.str();
}

}  // namespace

int gradient_cost_command(const GradientCostOptions& o) {
    require(!o.depths.empty() && !o.widths.empty(), "--depths and --widths need at least one value each");
    // One thread: the sweep compares two ways of computing a gradient, not thread pools.
    std::vector<GradientCostRow> rows;
    for (int d : o.depths) rows.push_back(measure(o, "depth", d, o.fixed_width));
    for (int w : o.widths) rows.push_back(measure(o, "width", o.fixed_depth, w));
    make_directories(o.out);
    write_file_atomic(o.out + "/gradient_cost.csv", to_csv(rows));
    write_file_atomic(o.out + "/summary.md", summary_md(rows, o));
    write_png(o.out + "/gradient_cost.png",
              gradient_cost_png(rows, "one thread; naive = a central difference per weight, timed on a sample and "
                                      "scaled to all P"));
    std::printf("wrote %s/gradient_cost.png, gradient_cost.csv and summary.md\n", o.out.c_str());
    return 0;
}

}  // namespace mlp
