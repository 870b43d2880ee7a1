// A team of threads: rank 0 is the thread that calls run(), ranks 1..n−1 are workers that
// wait between jobs (spinning briefly, then sleeping). A job runs one function on every
// rank at once; this is all the parallelism mlp uses (oneDNN and our kernels run
// single-threaded inside it), so the split of work, and with it every result, is fixed by
// the team size alone. Teams are independent objects: two networks in one process each
// run on their own (see context.hpp). It does not decide what to split; gemm() and the
// schedules do.
#pragma once
#include <memory>
#include <type_traits>

namespace mlp {

class ThreadTeam {
public:
    // size − 1 workers (1: none). With MLP_PIN=1 in the environment, thread r is pinned to
    // the r-th CPU the process may use, the caller included (off by default). Workers start
    // with asynchronous signals blocked (signals.hpp). Throws Error outside 1..256.
    explicit ThreadTeam(int size = 1);
    ~ThreadTeam();
    ThreadTeam(const ThreadTeam&) = delete;
    ThreadTeam& operator=(const ThreadTeam&) = delete;

    int size() const;

    // Runs f(rank, size) for every rank in [0, size) and returns when all have finished. Each
    // call runs on some thread of the team: the caller runs rank 0 and any rank no worker has
    // claimed yet, so f must not depend on which thread runs it (thread-locals aside). With
    // one rank, or when called from inside a job of any team, runs f(0, 1) on the caller.
    // Every rank runs with subnormals flushed to zero (float_env.hpp), whichever thread it
    // is on. Jobs must not throw. One caller at a time.
    template <class F>
    void run(F&& f);

private:
    using Fn = void (*)(void* context, int rank, int size);
    void run_raw(Fn fn, void* context);
    struct Workers;
    std::unique_ptr<Workers> workers_;
};

// The CPUs this process may run on (sched_getaffinity; what `taskset` or a container's
// cpuset leaves it), at least 1 and at most 256: the team size train.threads = "auto" means.
int available_cores();

// True while the calling thread runs a team job: nested parallel work then runs inline.
bool in_team_job();

// Splits [0, n) into `parts` contiguous ranges, each a multiple of `align` except the last;
// returns the range of part p as [begin, end).
struct Range {
    long begin, end;
};
Range split_range(long n, int parts, int p, long align = 1);

template <class F>
void ThreadTeam::run(F&& f) {
    using Job = std::remove_reference_t<F>;
    run_raw([](void* context, int rank, int size) { (*static_cast<Job*>(context))(rank, size); },
            const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace mlp
