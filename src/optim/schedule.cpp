// The learning rate of a step (schedule.hpp): lr_decay, the schedule and the warm-up.
#include "mlp/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mlp {

ScheduleKind parse_schedule(const std::string& name) { return parse_named(kScheduleNames, name, "schedule"); }

std::string schedule_name(ScheduleKind kind) { return name_of(kScheduleNames, kind); }

double scheduled_lr(const LrSchedule& schedule, double lr, double lr_decay, long t, long S, long T) {
    S = std::max(S, 1L);
    const long e = t / S;
    const long W = std::lround(schedule.warmup_epochs * double(S));
    double f = 1.0;
    switch (schedule.kind) {
        case ScheduleKind::none: break;
        case ScheduleKind::step: f = std::pow(schedule.step_gamma, double(e / std::max(schedule.step_epochs, 1))); break;
        case ScheduleKind::cosine:
            if (t >= W && T > W) f = 0.5 * (1.0 + std::cos(std::numbers::pi * double(t - W) / double(T - W)));
            break;
    }
    const double warm = t < W ? double(t + 1) / double(W) : 1.0;
    return lr * std::pow(lr_decay, double(e)) * f * warm;
}

}  // namespace mlp
