// Stopping a training run part-way, as SIGINT would, for the resume tests.
#pragma once
#include <csignal>
#include <cstdint>
#include <vector>

#include "mlp/checkpoint.hpp"
#include "mlp/trainer.hpp"

namespace mlp::test {

struct Interrupted {
    TrainResult result;
    std::vector<std::uint8_t> checkpoint;  // the last one the run handed out, encoded
};

// Trains until the progress hook reports step `stop_at`, then raises the stop flag.
inline Interrupted train_until(Network<float>& net, const TrainSettings& settings, const DataSplits& data,
                               long stop_at) {
    volatile std::sig_atomic_t stop = 0;
    Interrupted out;
    TrainHooks hooks;
    hooks.progress = [&](const Progress& p) { stop = p.step == stop_at; };
    hooks.checkpoint = [&](const Checkpoint& c) { out.checkpoint = encode_checkpoint(c); };
    hooks.stop = &stop;
    out.result = Trainer(net, settings, data).run(hooks);
    return out;
}

}  // namespace mlp::test
