// Thread teams: workers wait on a generation counter (spin, then futex sleep through
// std::atomic::wait), then claim the published job's parts through a tagged ticket.
#include "mlp/thread_team.hpp"

#include <omp.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "mlp/error.hpp"
#include "mlp/float_env.hpp"
#include "mlp/signals.hpp"

namespace mlp {
namespace {

// About 20-50 µs of spinning: longer than the serial gaps inside a training step, short
// enough that an idle team gives its CPUs back quickly.
constexpr int kSpins = 20000;

inline void cpu_relax() { __builtin_ia32_pause(); }

// Off unless MLP_PIN=1: on a machine shared with other processes a pinned thread cannot
// move to the idle core, and a hand-off then took 0.8 ms instead of 0.5 µs (bench/NOTES.md).
bool pinning_enabled() {
    const char* v = std::getenv("MLP_PIN");
    return v && std::strcmp(v, "1") == 0;
}

void pin_to(int index) {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return;
    const int count = CPU_COUNT(&allowed);
    if (count < 2) return;
    int seen = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        if (seen++ == index % count) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            pthread_setaffinity_np(pthread_self(), sizeof one, &one);
            return;
        }
    }
}

thread_local bool t_in_job = false;

}  // namespace

// A job is cut into `size` parts, part p being what rank p of a full team would run. Any
// thread may run any part: the caller takes part 0 and then whatever no worker has
// claimed, so a worker the OS has not scheduled (a busy machine) costs nothing but the
// parallelism. Results depend on the parts, never on which thread ran them.
struct ThreadTeam::Workers {
    int size = 1;
    std::vector<std::thread> workers;
    std::atomic<int> generation{0};  // bumped once per job; 32 bits so wait() is a plain futex
    // (generation << 32) | next unclaimed part: a claim is a compare-exchange that fails
    // once the job it was read for is over, so a late worker never runs a later job's part.
    std::atomic<std::uint64_t> ticket{0};
    std::atomic<int> finished{0};    // parts of the current job completed
    std::atomic<int> sleepers{0};
    std::atomic<bool> quit{false};
    Fn fn = nullptr;
    void* context = nullptr;

    ~Workers() { stop(); }

    void stop() {
        if (workers.empty()) return;
        quit.store(true);
        generation.fetch_add(1);
        generation.notify_all();
        for (auto& w : workers) w.join();
        workers.clear();
        quit.store(false);
        size = 1;
    }

    // Claims and runs parts of job `job` until none is left.
    void run_parts(std::uint32_t job) {
        std::uint64_t t = ticket.load(std::memory_order_acquire);
        for (;;) {
            if (std::uint32_t(t >> 32) != job || int(t & 0xFFFFFFFFu) >= size) return;
            if (!ticket.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel)) continue;
            const bool was = t_in_job;
            t_in_job = true;
            fn(context, int(t & 0xFFFFFFFFu), size);
            t_in_job = was;
            finished.fetch_add(1, std::memory_order_acq_rel);
            t = ticket.load(std::memory_order_acquire);
        }
    }

    void worker(int rank, int seen, bool pin) {
        // oneDNN's CPU runtime is OpenMP: one thread per team member, never a nested team.
        omp_set_num_threads(1);
        const FlushSubnormals flush;  // workers only ever run jobs; the caller flushes in run()
        if (pin) pin_to(rank);
        for (;;) {
            int g = generation.load(std::memory_order_acquire);
            for (int i = 0; g == seen && i < kSpins; ++i) {
                cpu_relax();
                g = generation.load(std::memory_order_acquire);
            }
            while (g == seen) {
                sleepers.fetch_add(1);
                generation.wait(seen);
                sleepers.fetch_sub(1);
                g = generation.load(std::memory_order_acquire);
            }
            seen = g;
            if (quit.load()) return;
            run_parts(std::uint32_t(g));
        }
    }

    void start(int n) {
        stop();
        size = n;
        const bool pin = pinning_enabled();
        if (n > 1 && pin) pin_to(0);
        const int seen = generation.load();
        // Workers inherit a mask that blocks asynchronous signals: they run oneDNN's kernels,
        // which must never be interrupted on their own stack (signals.hpp).
        const sigset_t mask = block_asynchronous_signals();
        for (int rank = 1; rank < n; ++rank) workers.emplace_back([this, rank, seen, pin] { worker(rank, seen, pin); });
        restore_signal_mask(mask);
    }

    void run(Fn f, void* ctx) {
        const FlushSubnormals flush;  // as the workers: a part computes the same on any thread
        fn = f;
        context = ctx;
        finished.store(0, std::memory_order_relaxed);
        const std::uint32_t job = std::uint32_t(generation.load(std::memory_order_relaxed)) + 1;
        // Part 0 is the caller's from the start; workers take 1, 2, ... as they arrive.
        ticket.store((std::uint64_t(job) << 32) | 1u, std::memory_order_release);
        generation.fetch_add(1);  // seq_cst: ordered before the read of sleepers below
        if (sleepers.load() > 0) generation.notify_all();
        t_in_job = true;
        f(ctx, 0, size);
        t_in_job = false;
        finished.fetch_add(1, std::memory_order_acq_rel);
        run_parts(job);
        for (int i = 0; finished.load(std::memory_order_acquire) != size; ++i) {
            if (i < kSpins) cpu_relax();
            else sched_yield();
        }
    }
};

ThreadTeam::ThreadTeam(int size) : workers_(std::make_unique<Workers>()) {
    require(size >= 1 && size <= 256, "threads must be in 1..256, got " + std::to_string(size));
    if (size > 1) workers_->start(size);
}

ThreadTeam::~ThreadTeam() = default;

int available_cores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return std::clamp(CPU_COUNT(&set), 1, 256);
}

int ThreadTeam::size() const { return workers_->size; }

void ThreadTeam::run_raw(Fn fn, void* context) {
    if (workers_->size == 1 || t_in_job) {
        const FlushSubnormals flush;
        const bool was = t_in_job;
        t_in_job = true;
        fn(context, 0, 1);
        t_in_job = was;
        return;
    }
    workers_->run(fn, context);
}

bool in_team_job() { return t_in_job; }

Range split_range(long n, int parts, int p, long align) {
    const long units = (n + align - 1) / align;
    const long begin = units * p / parts * align, end = units * (p + 1) / parts * align;
    return {begin < n ? begin : n, end < n ? end : n};
}

}  // namespace mlp
