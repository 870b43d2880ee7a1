// results/GROUP/summary.md: per protocol, a table of every run's figures beside the course
// report's (the spread over seeds, the mean gap to the report), or, for a group of records
// (runs with a target), each run's test accuracy over seeds beside its target and anchor,
// augmented runs labelled non-permutation-invariant; the group's [[figure]]
// learning curves as PNGs, and each [[command]]'s own output. Reads finished run
// directories only; it starts nothing (reproduce_runner does).
#pragma once
#include <string>

#include "reproduce_group.hpp"

namespace mlp {

// The Markdown of summary.md; draws the figures into out. quick: the runs came from
// `reproduce --quick`.
std::string group_summary(const Group& g, bool quick, const std::string& runs_dir, const std::string& out);

}  // namespace mlp
