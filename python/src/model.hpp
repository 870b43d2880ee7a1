// A trained network as Python sees it (mlp.Model): loaded from a run directory or a model
// file, or handed over by a finished training run. Predicts on NumPy rows with the
// normalisation saved in the model, exactly as `mlp predict` does, and shows its weights
// as arrays over the network's own buffer (no copies). Training is training.hpp's.
#pragma once
#include <memory>
#include <mutex>
#include <string>

#include "arrays.hpp"
#include "mlp/network.hpp"
#include "mlp/safetensors.hpp"
#include "mlp/thread_team.hpp"

namespace mlp::python {

class Model {
public:
    Model(std::unique_ptr<Network<float>> net, ModelInfo info, int threads);
    // A run directory (its model.safetensors) or a model file.
    static std::shared_ptr<Model> load(const std::string& run_dir_or_file, int threads);

    // x: one row (D,) or rows (N, ...) with D values each, uint8 or any numbers (as
    // float32). Returns probabilities (K,) or (N, K).
    py::array_t<float> predict_proba(const py::array& x);
    // Arg max of each row's probabilities (the first on ties): a class index, or (N,) of them.
    py::object predict(const py::array& x);

    const Network<float>& network() const { return *net_; }
    Network<float>& network() { return *net_; }
    const ModelInfo& info() const { return info_; }
    ModelInfo& info() { return info_; }
    void save(const std::string& path) const;

private:
    std::unique_ptr<Network<float>> net_;
    ModelInfo info_;
    std::mutex team_mutex_;  // a team runs one caller's job at a time; Python threads may share a model
    ThreadTeam team_;
};

void bind_model(py::module_& m);

}  // namespace mlp::python
