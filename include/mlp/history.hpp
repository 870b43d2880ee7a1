// One row of a run's history: the train and validation metrics at one validation check.
// Written by the Trainer, stored in checkpoints and run directories, drawn by the report;
// this header lets those read it without the training loop.
#pragma once

namespace mlp {

struct HistoryRow {
    long step = 0;
    double epoch = 0.0;  // fractional: step / steps per epoch
    double train_loss = 0.0, train_acc = 0.0;
    double val_loss = 0.0, val_acc = 0.0;  // NaN without validation data
    double lr = 0.0;
    double seconds = 0.0;
};

}  // namespace mlp
