// The extension module mlp._core: the engine's doors for Python. mlp.Error carries the
// same one-line messages the CLI prints after "mlp: error: ". The Python package
// (python/mlp/) builds the public API on it.
#include <pybind11/pybind11.h>

#include "mlp/error.hpp"
#include "mlp/version.hpp"
#include "model.hpp"
#include "training.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
    m.doc() = "mlp's C++ engine (use the mlp package, not this module)";
    m.attr("__version__") = mlp::kVersion;
    // A ValueError: what the CLI refuses is a bad value (a file, a key, an array).
    py::register_exception<mlp::Error>(m, "Error", PyExc_ValueError);
    mlp::python::bind_model(m);
    mlp::python::bind_training(m);
}
