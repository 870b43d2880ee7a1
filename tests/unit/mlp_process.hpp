// Runs the built `mlp` binary in a child process that a test can signal (SIGKILL, Ctrl-C)
// mid-run; stdout and stderr go to files. test_util.hpp's run() is for commands run to the end.
#pragma once
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "test_util.hpp"

namespace mlp::test {

// A fresh directory for the running test (test_util.hpp's temp_dir), named after it.
class TempDir {
public:
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string(info->test_suite_name()) + "." + info->name();
        for (char& c : name)
            if (c == '/') c = '_';
        path = temp_dir(name);
    }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
    std::string path;
};

struct Finished {
    int exit_code = -1;  // when it exited
    int signal = 0;      // when a signal ended it
    std::string out, err;
};

class MlpProcess {
public:
    // file_size_limit > 0: the child may not write files beyond that many bytes (EFBIG),
    // the way a nearly full disk refuses them. cwd: where it runs (default: the test's own
    // working directory, the source tree).
    MlpProcess(const std::vector<std::string>& args, const std::string& log_prefix, long file_size_limit = 0,
               const std::string& cwd = "")
        : out_(log_prefix + ".out"), err_(log_prefix + ".err") {
        pid_ = fork();
        if (pid_ == 0) {
            setpgid(0, 0);  // a group of its own, so a test can signal it the way a terminal does
            if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
            const int out = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int err = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(out, 1);
            dup2(err, 2);
            if (file_size_limit > 0) {
                std::signal(SIGXFSZ, SIG_IGN);
                const rlimit r{rlim_t(file_size_limit), rlim_t(file_size_limit)};
                setrlimit(RLIMIT_FSIZE, &r);
            }
            const std::string binary = mlp_binary();
            std::vector<char*> argv{const_cast<char*>(binary.c_str())};
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            execv(binary.c_str(), argv.data());
            _exit(127);
        }
    }
    ~MlpProcess() {
        if (pid_ > 0 && !done_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    bool running() {
        if (done_) return false;
        if (waitpid(pid_, &status_, WNOHANG) == pid_) done_ = true;
        return !done_;
    }
    void send(int signal) { kill(pid_, signal); }
    // To its whole process group, as a Ctrl-C at a terminal reaches the foreground job.
    void send_to_group(int signal) { kill(-pid_, signal); }
    pid_t pid() const { return pid_; }
    // Waits at most `seconds`; a child still running then is killed (SIGKILL, reported in
    // Finished::signal): a hang fails the test instead of stalling the suite.
    Finished wait_at_most(double seconds) {
        for (int waited_ms = 0; running() && waited_ms < seconds * 1000; waited_ms += 5) usleep(5000);
        if (running()) send_to_group(SIGKILL);
        return wait();
    }
    Finished wait() {
        if (!done_) waitpid(pid_, &status_, 0);
        done_ = true;
        Finished f;
        if (WIFEXITED(status_)) f.exit_code = WEXITSTATUS(status_);
        if (WIFSIGNALED(status_)) f.signal = WTERMSIG(status_);
        f.out = read_text(out_);
        f.err = read_text(err_);
        return f;
    }

private:
    std::string out_, err_;
    pid_t pid_ = -1;
    int status_ = 0;
    bool done_ = false;
};

inline Finished run_mlp(const std::vector<std::string>& args, const std::string& log_prefix, long file_size_limit = 0) {
    return MlpProcess(args, log_prefix, file_size_limit).wait();
}

// The inode of a file, 0 when absent: an atomic rename gives the path a new one.
inline ino_t inode_of(const std::string& path) {
    struct stat s {};
    return stat(path.c_str(), &s) == 0 ? s.st_ino : 0;
}

// Runs `write` in a child process whose files may not grow beyond `limit` bytes, as on a
// nearly full disk (SIGXFSZ ignored, so write() fails with EFBIG); returns the text of the
// mlp::Error it threw, or "(no error)".
inline std::string error_with_file_size_limit(rlim_t limit, const std::function<void()>& write_files) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return "pipe failed";
    const pid_t child = fork();
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit r{limit, limit};
        setrlimit(RLIMIT_FSIZE, &r);
        std::string message = "(no error)";
        try {
            write_files();
        } catch (const Error& e) {
            message = e.what();
        }
        (void)!write(pipe_fds[1], message.data(), message.size());
        _exit(0);
    }
    close(pipe_fds[1]);
    std::string message;
    char buffer[512];
    for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, std::size_t(n));
    close(pipe_fds[0]);
    waitpid(child, nullptr, 0);
    return message;
}

}  // namespace mlp::test
