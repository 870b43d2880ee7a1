// cli/child_process.hpp: arguments reach the child as they are (no shell), output goes to
// the log, exit statuses and signals are told apart, a stop signal is passed on, and a
// child that cannot be started is one clear error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "child_process.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp_process.hpp"

namespace mlp {
namespace {

TEST(ChildProcess, ArgumentsReachTheChildUnquotedAndItsOutputGoesToTheLog) {
    const test::TempDir tmp;
    ChildProcesses children(nullptr);
    // A shell would split this, expand $HOME and run the second command.
    const std::string text = "two  words; 'quoted' \"double\" $HOME `id` > not-a-file";
    children.start("/bin/echo", {text}, tmp / "echo.log");
    const auto [pid, exit] = children.wait_any();
    EXPECT_GT(pid, 0);
    EXPECT_TRUE(exit.succeeded());
    EXPECT_EQ(read_text(tmp / "echo.log"), text + "\n");
    EXPECT_EQ(children.running(), 0u);

    children.start("/bin/sh", {"-c", "echo to stdout; echo to stderr >&2; exit 3"}, tmp / "both.log");
    const ChildExit failed = children.wait_any().second;
    EXPECT_EQ(failed.code, 3);
    EXPECT_EQ(failed.signal, 0);
    EXPECT_FALSE(failed.succeeded());
    EXPECT_FALSE(failed.interrupted());
    EXPECT_EQ(read_text(tmp / "both.log"), "to stdout\nto stderr\n");
}

TEST(ChildProcess, InterruptedMeansASignalOrExit130Or143) {
    EXPECT_TRUE((ChildExit{-1, SIGKILL}).interrupted());
    EXPECT_TRUE((ChildExit{128 + SIGINT, 0}).interrupted());
    EXPECT_TRUE((ChildExit{128 + SIGTERM, 0}).interrupted());
    EXPECT_FALSE((ChildExit{1, 0}).interrupted());
    EXPECT_FALSE((ChildExit{0, 0}).interrupted());
}

TEST(ChildProcess, TheStopSignalIsPassedOnOnceToEveryRunningChild) {
    volatile std::sig_atomic_t stop = 0;
    ChildProcesses children(&stop);
    // Each child counts the SIGTERMs it gets and exits after the first with 10 + that count,
    // so a second SIGTERM passed on would show as 12.
    const std::string script = "n=0; trap 'n=$((n+1))' TERM; while [ $n -eq 0 ]; do sleep 0.05; done; "
                               "sleep 0.3; exit $((10+n))";
    children.start("/bin/sh", {"-c", script});
    children.start("/bin/sh", {"-c", script});
    usleep(200000);  // both have set their trap
    stop = SIGTERM;
    for (int i = 0; i < 2; ++i) EXPECT_EQ(children.wait_any().second.code, 11);
    EXPECT_EQ(children.running(), 0u);
}

TEST(ChildProcess, AChildThatCannotStartIsOneClearError) {
    const test::TempDir tmp;
    ChildProcesses children(nullptr);
    try {
        children.start(tmp / "no-such-mlp", {"train"});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "cannot start " + (tmp / "no-such-mlp") + " train (No such file or directory)");
    }
    try {
        children.start("/bin/true", {}, tmp / "missing-folder/train.log");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  tmp / "missing-folder/train.log" + ": cannot write the child's log (No such file or directory)");
    }
    EXPECT_EQ(children.running(), 0u);
}

TEST(ChildProcess, ChildrenStillRunningWhenTheOwnerGoesAreStoppedAndReaped) {
    pid_t pid = 0;
    {
        ChildProcesses children(nullptr);
        pid = children.start("/bin/sleep", {"30"});
    }
    EXPECT_EQ(kill(pid, 0), -1) << "the child still exists";
    EXPECT_EQ(errno, ESRCH);
}

}  // namespace
}  // namespace mlp
