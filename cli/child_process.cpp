// Starting, waiting for and signalling child processes (child_process.hpp).
#include "child_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "mlp/error.hpp"

extern char** environ;

namespace mlp {

bool ChildExit::interrupted() const { return signal != 0 || code == 128 + SIGINT || code == 128 + SIGTERM; }

ChildProcesses::~ChildProcesses() {
    for (const Child& c : children_) {
        if (!c.signalled) kill(c.pid, SIGTERM);
        while (waitpid(c.pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
}

std::string ChildProcesses::mlp_executable() {
    std::error_code ec;
    const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
    require(!ec, "cannot locate the mlp executable (/proc/self/exe: " + ec.message() + ")");
    return path.string();
}

pid_t ChildProcesses::start(const std::string& executable, const std::vector<std::string>& args,
                            const std::string& log) {
    std::vector<std::string> argv_text{executable};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Opened here rather than in the child, so a log that cannot be written is named as such.
    int log_fd = -1;
    if (!log.empty()) {
        log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        require(log_fd >= 0, log + ": cannot write the child's log (" + std::strerror(errno) + ")");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (log_fd >= 0) {
        posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
    }
    // Each child in a process group of its own: a Ctrl-C at the terminal (or a signal to this
    // process's group) then reaches this process alone, which passes it on once. In the
    // terminal's group the child would get it twice, and the second ends it before its
    // checkpoint (the handler takes one signal, interrupt.hpp).
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    std::fflush(nullptr);  // what this process printed comes before what the child prints
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, executable.c_str(), &actions, &attributes, argv.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (log_fd >= 0) close(log_fd);
    require(rc == 0, "cannot start " + executable + (args.empty() ? "" : " " + args[0]) + " (" + std::strerror(rc) +
                         ")");
    children_.push_back({pid, false});
    return pid;
}

std::pair<pid_t, ChildExit> ChildProcesses::wait_any(const std::function<void()>& between_polls) {
    require(!children_.empty(), "internal error: waiting for a child process while none runs");
    for (;;) {
        if (stop_ && *stop_)
            for (Child& c : children_)
                if (!c.signalled) {
                    kill(c.pid, *stop_);
                    c.signalled = true;
                }
        // Polled rather than blocking, so a signal that lands just before a wait is passed
        // on within 20 ms.
        for (auto c = children_.begin(); c != children_.end(); ++c) {
            int status = 0;
            const pid_t pid = waitpid(c->pid, &status, WNOHANG);
            if (pid == 0 || (pid < 0 && errno == EINTR)) continue;
            const pid_t child = c->pid;
            children_.erase(c);
            require(pid == child, "cannot wait for child process " + std::to_string(child) + " (" +
                                      std::strerror(errno) + ")");
            ChildExit exit;
            if (WIFEXITED(status)) exit.code = WEXITSTATUS(status);
            if (WIFSIGNALED(status)) exit.signal = WTERMSIG(status);
            return {child, exit};
        }
        if (between_polls) between_polls();
        usleep(20000);
    }
}

ChildExit run_mlp_child(const std::vector<std::string>& args, const volatile std::sig_atomic_t* stop) {
    ChildProcesses child(stop);
    child.start_mlp(args);
    return child.wait_any().second;
}

}  // namespace mlp
