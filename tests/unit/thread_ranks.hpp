// N ranks of a data-parallel job inside one process, one thread each: a Communicator whose
// sums meet at a barrier and add the ranks' vectors in rank order, x_0 + x_1 + … + x_{N−1},
// as the MPI one (src/dist/mpi_job.cpp) does. Lets builds without MPI (and the sanitizer
// build) run the data-parallel step.
#pragma once
#include <barrier>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include "mlp/communicator.hpp"

namespace mlp::test {

class ThreadRanks {
public:
    explicit ThreadRanks(int n) : n_(n), barrier_(n), slots_(n) {}

    // Runs body(comm) on n threads, rank r's comm being rank r, and waits for all.
    void run(const std::function<void(Communicator&)>& body) {
        std::vector<Rank> ranks;
        for (int r = 0; r < n_; ++r) ranks.emplace_back(*this, r);
        std::vector<std::thread> threads;
        for (int r = 0; r < n_; ++r) threads.emplace_back([&, r] { body(ranks[r]); });
        for (std::thread& t : threads) t.join();
    }

private:
    class Rank final : public Communicator {
    public:
        Rank(ThreadRanks& group, int rank) : group_(&group), rank_(rank) {}
        int rank() const override { return rank_; }
        int size() const override { return group_->n_; }
        void start_sum(float* x, std::size_t n) override { pending_.push_back({x, n}); }
        void progress() override {}
        void wait_sums() override {
            for (const auto& [x, n] : pending_) group_->sum(rank_, x, n);
            pending_.clear();
        }
        void sum(double* x, int n) override { group_->sum(rank_, x, std::size_t(n)); }
        bool any(bool flag) override {
            double value = flag;
            sum(&value, 1);
            return value > 0;
        }
        std::vector<std::uint64_t> gather(std::uint64_t value) override {
            std::vector<std::uint64_t> all(size());
            all[rank_] = value;
            // One rank's value and zeros elsewhere, summed as doubles, would lose bits; the
            // slots hold the values themselves.
            group_->slots_[rank_] = &all[rank_];
            group_->barrier_.arrive_and_wait();
            for (int r = 0; r < size(); ++r) all[r] = *static_cast<std::uint64_t*>(group_->slots_[r]);
            group_->barrier_.arrive_and_wait();
            return all;
        }

    private:
        struct Pending {
            float* x;
            std::size_t n;
        };
        ThreadRanks* group_;
        int rank_;
        std::vector<Pending> pending_;
    };

    // Every rank's x ← Σ_r x_r in rank order: rank 0 adds into a shared total, all copy it.
    template <class T>
    void sum(int rank, T* x, std::size_t n) {
        slots_[rank] = x;
        barrier_.arrive_and_wait();
        if (rank == 0) {
            total_.resize(n * sizeof(T));
            T* t = reinterpret_cast<T*>(total_.data());
            std::memcpy(t, slots_[0], n * sizeof(T));
            for (int r = 1; r < n_; ++r)
                for (std::size_t i = 0; i < n; ++i) t[i] += static_cast<const T*>(slots_[r])[i];
        }
        barrier_.arrive_and_wait();
        std::memcpy(x, total_.data(), n * sizeof(T));
        barrier_.arrive_and_wait();
    }

    int n_;
    std::barrier<> barrier_;
    std::vector<void*> slots_;
    std::vector<char> total_;
};

}  // namespace mlp::test
