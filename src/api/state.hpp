// What the public API's handles (mlp/mlp.hpp) hold: the engine's objects behind each
// pointer, and Access, the one friend that reaches them. Internal, not installed.
#pragma once
#include <memory>
#include <vector>

#include "mlp/context.hpp"
#include "mlp/data_source.hpp"
#include "mlp/mlp.hpp"
#include "mlp/network.hpp"
#include "mlp/safetensors.hpp"

namespace mlp {

struct Runtime::State {
    State(int threads, GemmBackend backend) : team(threads), ctx{&team, backend} {}
    ThreadTeam team;
    Context ctx;
};

struct Data::State {
    DataSplits splits;
};

struct Model::State {
    NetworkSpec spec;
    std::unique_ptr<Network<float>> net;
    ModelInfo info;  // normalisation, class names, image shape: saved with the weights
};

struct Predictor::State {
    State(const Network<float>& net, const Normalizer& normalizer, const Context& ctx, int max_batch)
        : net(net), normalizer(normalizer), ctx(ctx), ws(net.layout(), max_batch),
          probabilities(net.architecture().classes) {}
    const Network<float>& net;
    const Normalizer& normalizer;
    const Context& ctx;
    Workspace<float> ws;
    std::vector<float> probabilities;  // classify's K
};

struct Access {
    static const Context& context(const Runtime& r) { return r.state_->ctx; }
    static const DataSplits& splits(const Data& d) { return d.state_->splits; }
    static Model::State& state(Model& m) { return *m.state_; }
    static const Model::State& state(const Model& m) { return *m.state_; }
    static Data make_data(DataSplits splits);
    static Model make_model(NetworkSpec spec, std::unique_ptr<Network<float>> net, ModelInfo info);
};

// The API's names of the engine's settings, and back.
Architecture to_architecture(const NetworkSpec& spec);
NetworkSpec to_spec(const Architecture& arch);

}  // namespace mlp
