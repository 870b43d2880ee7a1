// Child processes of the CLI (`mlp reproduce` and `mlp search` run `mlp train`, `mlp eval`...
// as children): started from an argument vector with posix_spawn, never through a shell, so
// no argument needs quoting; waited for by polling, so a stop signal that reaches the parent
// is passed on to every running child once. Does not decide what an exit status means for
// a run (failed, left to resume); reproduce and search do.
#pragma once
#include <sys/types.h>

#include <csignal>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mlp {

// How a child process ended: it exited with `code`, or `signal` ended it.
struct ChildExit {
    int code = -1;   // the exit status; -1 when a signal ended it
    int signal = 0;  // the signal that ended it; 0 when it exited
    bool succeeded() const { return signal == 0 && code == 0; }
    // Ended by a signal, or stopped on SIGINT or SIGTERM (exit 128 + signal, as `mlp train`
    // does after writing its checkpoint): a run left to resume, not a failed one.
    bool interrupted() const;
};

// The running children of one command. `stop` is catch_interrupts()'s flag (or null: no
// signal is passed on); once it holds a signal, wait_any() sends that signal to every child
// still running, once each, so no child outlives the parent.
class ChildProcesses {
public:
    explicit ChildProcesses(const volatile std::sig_atomic_t* stop) : stop_(stop) {}
    // Children still running on an exception are sent SIGTERM and waited for.
    ~ChildProcesses();
    ChildProcesses(const ChildProcesses&) = delete;
    ChildProcesses& operator=(const ChildProcesses&) = delete;

    // Starts `executable ARGS...`; log: "" → the child writes to this process's stdout and
    // stderr, else both go to that file (created or truncated). Throws Error naming the
    // executable, or the log file, when the child cannot be started.
    pid_t start(const std::string& executable, const std::vector<std::string>& args, const std::string& log = "");
    // Starts this same `mlp` binary with args (e.g. {"train", "--config", ...}).
    pid_t start_mlp(const std::vector<std::string>& args, const std::string& log = "") {
        return start(mlp_executable(), args, log);
    }
    // Blocks until one child ends (polled every 20 ms, passing the stop signal on meanwhile)
    // and returns it. There must be a running child. between_polls, if given, runs at every
    // poll (a distributed search's rank 0 answers the other ranks there).
    std::pair<pid_t, ChildExit> wait_any(const std::function<void()>& between_polls = {});

    std::size_t running() const { return children_.size(); }
    // This process's own executable (/proc/self/exe).
    static std::string mlp_executable();

private:
    struct Child {
        pid_t pid;
        bool signalled;  // the stop signal was passed on to it
    };
    const volatile std::sig_atomic_t* stop_;
    std::vector<Child> children_;
};

// Runs `mlp ARGS...` to the end, its output on this process's stdout and stderr, passing a
// stop signal on as above.
ChildExit run_mlp_child(const std::vector<std::string>& args, const volatile std::sig_atomic_t* stop);

}  // namespace mlp
