// How threads that run engine code take asynchronous signals (SIGINT, SIGTERM, a profiler's
// timer): never on their own stack. oneDNN's generated SGEMM kernels (libdnnl 2.6, Debian's;
// upstream oneDNN issue 4845, fixed in 3.12) point the stack pointer at a heap workspace
// while they run, so a signal frame pushed there overwrites the heap. Team workers block
// asynchronous signals; a thread that must take one (the CLI's main thread) gets an
// alternate signal stack and installs its handlers with SA_ONSTACK. Does not decide what a
// signal means; the CLI does (cli/interrupt.hpp).
#pragma once
#include <signal.h>

namespace mlp {

// Gives the calling thread an alternate signal stack if it has none; the stack lives as long
// as the thread. Handlers installed by install_signal_handler() run on it.
void use_alternate_signal_stack();

// sigaction(signal) with SA_ONSTACK added to flags, after use_alternate_signal_stack(), so
// the handler never writes below the interrupted code's stack pointer. handler may be
// SIG_DFL or SIG_IGN.
void install_signal_handler(int signal, void (*handler)(int), int flags);

// Blocks every signal but the synchronous ones (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP,
// SIGSYS) in the calling thread and returns the mask it had, for restore_signal_mask().
// A thread created meanwhile inherits the blocked mask, so it never runs a handler.
sigset_t block_asynchronous_signals();
void restore_signal_mask(const sigset_t& mask);

}  // namespace mlp
