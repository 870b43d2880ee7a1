// The execution context every engine call is handed by its caller: the thread team that
// runs its parallel work and the GEMM backend. No global holds either, so two networks in
// one process (a library user, a notebook, a search running trials in threads) each train
// on their own team. With a communicator of more than one rank a training step is
// data-parallel over the ranks (train_step.hpp). A Context owns neither; the caller keeps
// them alive.
#pragma once
#include "mlp/communicator.hpp"
#include "mlp/gemm_backend.hpp"
#include "mlp/thread_team.hpp"

namespace mlp {

struct Context {
    ThreadTeam* team = nullptr;  // nullptr: everything on the calling thread
    GemmBackend backend = GemmBackend::automatic;
    Communicator* comm = nullptr;  // nullptr: one process

    // The communicator when there is more than one rank, else nullptr.
    Communicator* ranks() const { return comm && comm->size() > 1 ? comm : nullptr; }

    int threads() const { return team ? team->size() : 1; }
    // Runs f(rank, size) over the team, or f(0, 1) on the caller without one.
    template <class F>
    void run(F&& f) const {
        if (team) team->run(f);
        else f(0, 1);
    }
};

}  // namespace mlp
