// Wall-clock seconds for the timings that runs record and print (phases, steps, checks).
#pragma once
#include <chrono>

namespace mlp {

// Seconds on the steady clock from an arbitrary origin: only differences mean anything.
inline double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace mlp
