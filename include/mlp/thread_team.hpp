// The process's team of threads: rank 0 is the calling thread, ranks 1..n−1 are workers
// that wait between jobs (spinning briefly, then sleeping). A job runs one function on
// every rank at once; this is all the parallelism mlp uses (oneDNN and our kernels run
// single-threaded inside it), so the split of work, and with it every result, is fixed by
// the team size alone. It does not decide what to split; gemm() and the optimizer do.
#pragma once
#include <type_traits>

namespace mlp {

// Sets the team size (1 = no workers). With MLP_PIN=1 in the environment, thread r is
// pinned to the r-th CPU the process may use, the caller included (off by default).
// Jobs must not throw. Not thread-safe: call it from the thread that runs jobs, outside any job.
void set_team_size(int n);
int team_size();

// True while the calling thread runs a team job: nested parallel work then runs inline.
bool in_team_job();

// Runs f(rank, size) for every rank in [0, size) and returns when all have finished. Each
// call runs on some thread of the team: the caller runs rank 0 and any rank no worker has
// claimed yet, so f must not depend on which thread runs it (thread-locals aside). With
// one rank, or when called from inside a job, runs f(0, 1) on the caller.
template <class F>
void team_run(F&& f);

// Splits [0, n) into `parts` contiguous ranges, each a multiple of `align` except the last;
// returns the range of part p as [begin, end).
struct Range {
    long begin, end;
};
Range split_range(long n, int parts, int p, long align = 1);

namespace detail {
using TeamFn = void (*)(void* context, int rank, int size);
void team_run_raw(TeamFn fn, void* context);
}  // namespace detail

template <class F>
void team_run(F&& f) {
    using Fn = std::remove_reference_t<F>;
    detail::team_run_raw([](void* context, int rank, int size) { (*static_cast<Fn*>(context))(rank, size); },
                         const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace mlp
