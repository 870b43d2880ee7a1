// Loss, accuracy and confusion matrix of a network over a data subset (forward only).
#pragma once
#include <vector>

#include "mlp/dataset.hpp"
#include "mlp/network.hpp"

namespace mlp {

struct Evaluation {
    double loss = 0.0;      // mean cross-entropy
    double accuracy = 0.0;  // fraction correct
    int count = 0;
    std::vector<long> confusion;  // K×K, row = true class, column = predicted; filled on request
};

// Runs the subset through the network in batches of ws.max_batch, in index order.
Evaluation evaluate(const Context& ctx, const Network<float>& net, Workspace<float>& ws, const Subset& subset, const Normalizer& norm,
                    bool with_confusion = false);

}  // namespace mlp
