// Signal handlers that only store the signal number (async-signal-safe by construction),
// run on the thread's alternate signal stack (mlp/signals.hpp says why).
#include "interrupt.hpp"

#include <signal.h>

#include "mlp/signals.hpp"

namespace mlp {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int signal) { g_signal = signal; }

}  // namespace

const volatile std::sig_atomic_t* catch_interrupts() {
    g_signal = 0;
    // SA_RESETHAND: the handler runs once, then the default action is back for a second signal.
    install_signal_handler(SIGINT, on_signal, SA_RESETHAND);
    install_signal_handler(SIGTERM, on_signal, SA_RESETHAND);
    return &g_signal;
}

void release_interrupts() {
    install_signal_handler(SIGINT, SIG_DFL, 0);
    install_signal_handler(SIGTERM, SIG_DFL, 0);
}

const char* signal_name(int signal) {
    if (signal == SIGINT) return "SIGINT";
    if (signal == SIGTERM) return "SIGTERM";
    return "a signal";
}

}  // namespace mlp
