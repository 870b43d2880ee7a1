// `mlp reproduce GROUP`: runs every experiment of experiments/GROUP/group.toml under each
// protocol (as `mlp train` child processes), reusing finished runs whose resolved config is
// unchanged, and writes results/GROUP/summary.md: our figures beside the report's, and the
// group's [[figure]] entries (learning curves of several runs overlaid) as PNGs beside it.
// This file ties the parts together: reproduce_group (group.toml), reproduce_runner
// (the child processes) and reproduce_summary (the Markdown and figures).
#include <cstdio>

#include "commands.hpp"
#include "interrupt.hpp"
#include "mlp/file.hpp"
#include "reproduce_group.hpp"
#include "reproduce_runner.hpp"
#include "reproduce_summary.hpp"

namespace mlp {

int reproduce_command(const ReproduceOptions& options) {
    Group g = load_group(options.group);
    if (options.quick && g.seeds.size() > 1) g.seeds.erase(g.seeds.begin() + 1, g.seeds.end());  // --quick checks configs, not spreads
    const std::string suffix = options.quick ? "-quick" : "";
    const std::string runs_dir = !options.runs.empty() ? options.runs : "runs/" + g.name + suffix;
    const std::string out = !options.out.empty() ? options.out : "results/" + g.name + suffix;
    make_directories(out);
    // SIGINT or SIGTERM: the running child gets it too and writes its checkpoint; finished
    // runs stay reused and the stopped one continues when the same command runs again.
    const volatile std::sig_atomic_t* stop = catch_interrupts();
    const int failed = run_group(g, options, runs_dir, out, stop);
    release_interrupts();
    if (*stop) {
        std::fprintf(stderr, "mlp: reproduce %s interrupted by %s; run the same command again to continue\n",
                     g.name.c_str(), signal_name(*stop));
        return 128 + *stop;
    }
    write_file_atomic(out + "/summary.md", group_summary(g, options.quick, runs_dir, out));
    std::printf("summary: %s/summary.md\n", out.c_str());
    return failed ? 1 : 0;
}

}  // namespace mlp
