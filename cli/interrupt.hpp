// Ctrl-C (SIGINT) and SIGTERM during training: the first one only raises a flag that the
// Trainer polls once per step (it then writes a checkpoint and returns); the handler
// resets itself, so a second Ctrl-C ends the process at once as usual.
#pragma once
#include <csignal>

namespace mlp {

// Installs the handlers; the returned flag holds the signal number once one arrives.
const volatile std::sig_atomic_t* catch_interrupts();
// Puts the default handlers back.
void release_interrupts();
// "SIGINT", "SIGTERM", or the number.
const char* signal_name(int signal);

}  // namespace mlp
