// A reproduction group: experiments/GROUP/group.toml read and checked (its runs, protocols,
// seeds, [[command]] steps and [[figure]] entries), and where each run's directory lies.
// Running the group is reproduce_runner's job, summarising it reproduce_summary's.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlp {

struct GroupRun {
    std::string config;  // path
    std::string name;    // the run's name: the config's, unless the entry names it
    std::string label;
    std::vector<std::string> overrides;  // the entry's own settings, applied after the protocol's
    std::vector<std::string> quick_overrides;  // applied after the --quick ones (e.g. a smaller train_size)
    std::vector<std::string> requires_files;  // skipped (not failed) while any is missing
    std::string requires_hint;                // how to make them
    std::map<std::string, double> report;  // figures quoted from the course report
    // A record run: the test accuracy it aims at (a fraction; NaN: none) and the published
    // figure it stands beside, as text.
    double target = NAN;
    std::string anchor;
};

struct Protocol {
    std::string name;
    std::vector<std::string> overrides;
};

// Another `mlp` sub-command of the group (a contour, a timing sweep, a search...). Its args
// may hold {runs}, {out} and {group}; quick_args are appended under --quick.
struct GroupCommand {
    std::string name, label;
    std::vector<std::string> args, quick_args;
    std::vector<std::string> collect;  // files copied into its results folder afterwards
};

// A [[figure]] of group.toml: the learning curves of `runs` (config names) overlaid.
struct GroupFigure {
    std::string name, title;
    std::vector<std::string> runs;
};

struct Group {
    std::string name, dir, title, description;
    std::vector<Protocol> protocols;
    std::vector<GroupRun> runs;
    std::vector<std::int64_t> seeds;  // every run is repeated with each; empty → the config's own seed
    std::vector<GroupCommand> commands;
    std::vector<GroupFigure> figures;
    int test_subset = 0;  // > 0: also evaluate every run on the first N test rows
};

// Reads GROUP/group.toml, or experiments/GROUP/group.toml, and checks every entry
// before anything runs. Throws Error naming the file and the entry.
Group load_group(const std::string& group);

// Run directory of one run under one protocol; seeds after the first get their own.
std::string run_directory(const std::string& runs_dir, const Protocol& p, const GroupRun& r, const Group& g,
                          std::size_t seed_index);

// The first file a run requires that is not there, or "".
std::string missing_requirement(const GroupRun& r);

}  // namespace mlp
