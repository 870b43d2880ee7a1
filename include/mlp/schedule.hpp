// The learning rate of every optimizer step: the base lr, the per-epoch lr_decay, a
// schedule (constant, step or cosine) and a linear warm-up, as one pure function of the
// step's index, so a run, a resumed run and a test all get the same lr for the same step.
// Does not hold state: the Trainer asks it for each step's lr.
#pragma once
#include <string>

#include "mlp/names.hpp"

namespace mlp {

enum class ScheduleKind { none, step, cosine };
inline constexpr NamedValue<ScheduleKind> kScheduleNames[] = {
    {"none", ScheduleKind::none},
    {"step", ScheduleKind::step},
    {"cosine", ScheduleKind::cosine},
};
ScheduleKind parse_schedule(const std::string& name);
std::string schedule_name(ScheduleKind kind);

struct LrSchedule {
    ScheduleKind kind = ScheduleKind::none;
    int step_epochs = 10;       // step: lr × step_gamma every step_epochs epochs
    double step_gamma = 0.1;
    double warmup_epochs = 0.0;  // linear warm-up over round(warmup_epochs · S) steps; 0 → none
};

// With t the step's index from 0, S steps per epoch, T steps in the whole run,
// e = ⌊t/S⌋ its epoch from 0 and W = round(warmup_epochs · S) warm-up steps:
//   lr(t) = lr · lr_decay^e · f(t) · (t < W ? (t + 1)/W : 1)
//   none:   f = 1
//   step:   f = step_gamma^⌊e / step_epochs⌋                       (Krizhevsky et al. 2012)
//   cosine: f = (1 + cos(π · (t − W)/(T − W)))/2 after warm-up, 1 during it
//           (Loshchilov & Hutter 2017, one cycle, down to 0 at t = T)
double scheduled_lr(const LrSchedule& schedule, double lr, double lr_decay, long t, long S, long T);

}  // namespace mlp
