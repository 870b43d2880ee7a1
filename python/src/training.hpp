// mlp.train's engine side: a config (a file, or TOML text the Python side wrote from a
// dict) with --set style overrides, data from the config's files or from NumPy arrays,
// the same Trainer as `mlp train` with the GIL released, an optional progress callback at
// every validation check, Ctrl-C as in the CLI (stop at the next step, checkpoint written,
// then KeyboardInterrupt), and the run directory's files when an out directory is given.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "model.hpp"

namespace mlp::python {

// What a finished training hands back (mlp.Run).
struct Run {
    py::dict history;  // column name → NumPy array, one entry per validation check
    py::dict metrics;  // what metrics.json holds
    std::shared_ptr<Model> model;
    py::object out;    // the run directory, or None
    std::string config;  // the resolved config.toml text
};

void bind_training(py::module_& m);

}  // namespace mlp::python
