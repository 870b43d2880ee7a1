// Loss, accuracy, confusion matrix and per-row predictions of a network over a data subset
// (forward only). The one place that runs a network over a labelled subset; training steps
// and new, unlabelled inputs (`mlp predict`) are not its business.
#pragma once
#include <vector>

#include "mlp/dataset.hpp"
#include "mlp/network.hpp"

namespace mlp {

// One row's prediction.
struct Prediction {
    int row = 0;           // row in the Dataset
    int label = 0;         // true class
    int predicted = 0;     // arg max of the logits (the first, on ties)
    float confidence = 0;  // softmax probability of the predicted class
    float loss = 0;        // −log p(true class), as log Σ_k exp(z_k − m) − (z_y − m): finite where p underflows
};

struct Evaluation {
    double loss = 0.0;      // mean cross-entropy
    double accuracy = 0.0;  // fraction correct
    int count = 0;
    std::vector<long> confusion;          // K×K, row = true class, column = predicted; filled on request
    std::vector<Prediction> predictions;  // one per row of the subset, in its order; filled on request
};

// What evaluate() fills besides loss and accuracy; each costs nothing unless asked for.
struct EvaluationExtras {
    bool confusion = false;
    bool predictions = false;
};

// Runs the subset through the network in batches of ws.max_batch, in index order. loss and
// accuracy are the same whichever extras are asked for.
Evaluation evaluate(const Context& ctx, const Network<float>& net, Workspace<float>& ws, const Subset& subset, const Normalizer& norm,
                    EvaluationExtras extras = {});

}  // namespace mlp
