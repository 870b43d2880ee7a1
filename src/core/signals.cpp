// Alternate signal stacks and blocked masks for engine threads (see signals.hpp for why).
#include "mlp/signals.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "mlp/error.hpp"

namespace mlp {
namespace {

// Room for the largest signal frame (AVX-512 and AMX state take up to about 11 KiB) and a
// handler's own frames.
std::size_t alternate_stack_bytes() {
    const long minimum = sysconf(_SC_MINSIGSTKSZ);
    return std::size_t(minimum > 0 ? minimum : 0) + 64 * 1024;
}

}  // namespace

void use_alternate_signal_stack() {
    thread_local std::unique_ptr<char[]> stack;
    stack_t current{};
    if (sigaltstack(nullptr, &current) != 0) throw Error(std::string("sigaltstack: ") + std::strerror(errno));
    if (!(current.ss_flags & SS_DISABLE)) return;  // the thread has one (ours or its owner's)
    const std::size_t bytes = alternate_stack_bytes();
    stack = std::make_unique<char[]>(bytes);
    stack_t next{};
    next.ss_sp = stack.get();
    next.ss_size = bytes;
    if (sigaltstack(&next, nullptr) != 0) throw Error(std::string("sigaltstack: ") + std::strerror(errno));
}

void install_signal_handler(int signal, void (*handler)(int), int flags) {
    use_alternate_signal_stack();
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = flags | SA_ONSTACK;
    if (sigaction(signal, &action, nullptr) != 0)
        throw Error("sigaction(" + std::to_string(signal) + "): " + std::strerror(errno));
}

sigset_t block_asynchronous_signals() {
    sigset_t blocked;
    sigfillset(&blocked);
    for (int synchronous : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS}) sigdelset(&blocked, synchronous);
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &blocked, &old);
    return old;
}

void restore_signal_mask(const sigset_t& mask) { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }

}  // namespace mlp
