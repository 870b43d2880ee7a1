// Signal handlers that only store the signal number (async-signal-safe by construction).
#include "interrupt.hpp"

#include <signal.h>

namespace mlp {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int signal) { g_signal = signal; }

void install(int signal, void (*handler)(int), int flags) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = flags;
    sigaction(signal, &action, nullptr);
}

}  // namespace

const volatile std::sig_atomic_t* catch_interrupts() {
    g_signal = 0;
    // SA_RESETHAND: the handler runs once, then the default action is back for a second signal.
    install(SIGINT, on_signal, SA_RESETHAND);
    install(SIGTERM, on_signal, SA_RESETHAND);
    return &g_signal;
}

void release_interrupts() {
    install(SIGINT, SIG_DFL, 0);
    install(SIGTERM, SIG_DFL, 0);
}

const char* signal_name(int signal) {
    if (signal == SIGINT) return "SIGINT";
    if (signal == SIGTERM) return "SIGTERM";
    return "a signal";
}

}  // namespace mlp
