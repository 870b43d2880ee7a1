// Running a reproduction group: every selected run under each protocol and seed as an
// `mlp train` child process, the group's [[command]] steps as `mlp` children, each reused
// when its directory already holds a finished result of the same settings. Reading the
// group is reproduce_group's job; the summary is reproduce_summary's.
#pragma once
#include <csignal>
#include <string>

#include "commands.hpp"
#include "reproduce_group.hpp"

namespace mlp {

// Runs what options select; returns how many runs or commands failed. Once `stop` holds a
// signal (catch_interrupts()), the running child gets it too, nothing more starts, and the
// runs stopped part-way keep their checkpoints: the next reproduce continues them.
int run_group(const Group& g, const ReproduceOptions& options, const std::string& runs_dir, const std::string& out,
              const volatile std::sig_atomic_t* stop);

}  // namespace mlp
