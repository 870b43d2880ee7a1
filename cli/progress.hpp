// Training progress on the terminal: a live bar (epoch, step, loss, accuracy, ETA) when
// stderr is a terminal, plain log lines at each validation check otherwise; or the course
// notebooks' "Epoch [e/E], Step [s/S], Loss: x" lines every 100 steps.
#pragma once
#include <cstdio>

#include "mlp/trainer.hpp"

namespace mlp {

class ProgressPrinter {
public:
    enum class Format { standard, course };
    explicit ProgressPrinter(bool quiet, Format format = Format::standard);
    void operator()(const Progress& p);
    void finish();

private:
    void bar(const Progress& p);
    void line(const Progress& p);
    void course(const Progress& p);
    bool quiet_;
    Format format_;
    bool terminal_;
    double last_draw_ = -1.0;
    bool drawn_ = false;
};

}  // namespace mlp
