// Training progress on the terminal: a live bar (epoch, step, loss, accuracy, ETA) when
// stderr is a terminal, plain log lines at each validation check otherwise.
#pragma once
#include <cstdio>

#include "mlp/trainer.hpp"

namespace mlp {

class ProgressPrinter {
public:
    explicit ProgressPrinter(bool quiet);
    void operator()(const Progress& p);
    void finish();

private:
    void bar(const Progress& p);
    void line(const Progress& p);
    bool quiet_;
    bool terminal_;
    double last_draw_ = -1.0;
    bool drawn_ = false;
};

}  // namespace mlp
