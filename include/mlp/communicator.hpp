// The ranks of a data-parallel job as the engine sees them: sums across ranks, some started
// without waiting so the backward pass goes on while they travel, and agreement checks.
// The engine only knows this interface; src/dist/ implements it over MPI (built with
// MLP_MPI), so nothing below the CLI includes mpi.h and the plain build needs no MPI.
// A Communicator is handed down in the Context, never reached through a global.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "mlp/error.hpp"

namespace mlp {

// An error every rank of a job reaches at the same point with the same message (a check
// all ranks make together, a divergence of weights they share): the CLI prints it once.
class AgreedError : public Error {
public:
    using Error::Error;
};

// Tasks 0..count−1 (a search's trials) handed out to the ranks, each once. The MPI queue
// gives the next task to whichever rank asks first, so a long task does not hold up the
// rest; rank 0 keeps the count and answers the others whenever it calls serve().
class TaskQueue {
public:
    virtual ~TaskQueue() = default;
    // The next task for this rank, or −1 when none is left (this rank is then done).
    virtual int take() = 0;
    // Rank 0: answers the requests waiting; call it often while busy. Others: nothing.
    virtual void serve() {}
    // This rank takes no more tasks (stopped, or done); rank 0 answers −1 from now on and
    // waits until every other rank has left too. Every rank calls it once, last.
    virtual void leave() {}
};

class Communicator {
public:
    virtual ~Communicator() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;

    // Starts x[0..n) ← Σ_ranks x[0..n), in place, and returns at once. Every rank must start
    // the same sums in the same order. The sum runs over the ranks in rank order,
    // x_0 + x_1 + … + x_{N−1}, so every rank gets the same bits, run after run.
    virtual void start_sum(float* x, std::size_t n) = 0;
    // Lets started sums move on (MPI progresses non-blocking collectives inside its calls).
    virtual void progress() = 0;
    // Waits until every started sum has finished.
    virtual void wait_sums() = 0;
    // x[0..n) ← Σ_ranks x[0..n) in rank order, blocking (loss sums, counts).
    virtual void sum(double* x, int n) = 0;
    // Whether any rank passes true (a stop request seen by one rank stops them all).
    virtual bool any(bool flag) = 0;
    // Every rank's value, in rank order.
    virtual std::vector<std::uint64_t> gather(std::uint64_t value) = 0;
    // A queue of `count` tasks over the ranks. This default deals them out in turn, task t
    // to rank t mod N, with no messages; the MPI communicator hands them out on request.
    virtual std::unique_ptr<TaskQueue> tasks(int count);
};

// The dealt-out queue of Communicator::tasks: rank r takes r, r + N, r + 2N, ...
class DealtTasks final : public TaskQueue {
public:
    DealtTasks(int count, int rank, int ranks) : count_(count), next_(rank), step_(ranks) {}
    int take() override {
        if (next_ >= count_) return -1;
        const int task = next_;
        next_ += step_;
        return task;
    }

private:
    int count_, next_, step_;
};

inline std::unique_ptr<TaskQueue> Communicator::tasks(int count) {
    return std::make_unique<DealtTasks>(count, rank(), size());
}

// The ranks whose value differs from rank 0's (empty: all agree).
inline std::vector<int> ranks_differing(Communicator& comm, std::uint64_t value) {
    const std::vector<std::uint64_t> all = comm.gather(value);
    std::vector<int> differing;
    for (std::size_t r = 1; r < all.size(); ++r)
        if (all[r] != all[0]) differing.push_back(int(r));
    return differing;
}

}  // namespace mlp
