// NumPy arrays in and out of the engine: feature matrices and labels as a Dataset (a
// C-contiguous uint8 or float32 array read in place, anything else converted once: uint8
// stays uint8, other numbers become float32, as the file readers do), engine buffers shown
// to Python as arrays that share their memory, and signals held back while the engine runs
// outside the GIL. Does not split or normalise data; make_splits and the Normalizer do.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <array>
#include <memory>
#include <string>

#include "mlp/dataset.hpp"
#include "mlp/signals.hpp"

namespace mlp::python {

namespace py = pybind11;

// Rows of D features in an array of shape (D,) (one row) or (N, ...) with D values per row
// after the first axis, uint8 or any numbers (read as float32). `what` names the array in
// errors, e.g. "x". D = 0 takes the width from the array (a training set); image_shape is
// set for (N, H, W) and (N, C, H, W) arrays with C of 1 or 3.
struct FeatureRows {
    FeatureRows(const py::array& x, int D, const std::string& what);
    // Throws unless rows [first, first + count) are finite numbers (float input).
    void check_finite(int first, int count) const;
    // All rows as a Dataset that reads `values` in place and keeps it alive (it must be
    // dropped with the GIL held or able to take it). Checks nothing.
    Dataset dataset() const;

    std::string what;
    int rows = 0, features = 0;
    std::array<int, 3> image_shape{0, 0, 0};
    bool is_u8 = false;
    // C-contiguous uint8 (is_u8) or float32 values: the caller's array itself where it was
    // one already, else a converted copy (copied = true).
    py::array values;
    bool copied = false;
};
// All rows as a Dataset of their own (a training set), finite, read in place where they can be.
Dataset features_from_array(const py::array& x, int D, const std::string& what);
// Integer labels, one per row of data, each in [0, K): K = classes when > 0, else the
// largest label + 1. Sets data.labels, data.classes and data.class_names.
void set_labels(Dataset& data, const py::array& y, int classes, const std::string& what);

// Asynchronous signals held back from the calling thread while the engine runs without
// the GIL outside training (predictions, evaluations): Python's SIGINT handler is not
// installed for an alternate stack, and oneDNN's kernels move the stack pointer into the
// heap (mlp/signals.hpp). A Ctrl-C meanwhile is delivered when this ends, and Python
// raises KeyboardInterrupt then.
class SignalsHeld {
public:
    SignalsHeld() : saved_(block_asynchronous_signals()) {}
    ~SignalsHeld() { restore_signal_mask(saved_); }
    SignalsHeld(const SignalsHeld&) = delete;
    SignalsHeld& operator=(const SignalsHeld&) = delete;

private:
    sigset_t saved_;
};

// A (rows, columns) float32 array over memory owned by `owner` (kept alive by the array).
py::array_t<float> matrix_view(float* data, int rows, int columns, py::handle owner);
py::array_t<float> vector_view(float* data, int size, py::handle owner);

}  // namespace mlp::python
