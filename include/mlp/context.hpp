// The execution context every engine call is handed by its caller: the thread team that
// runs its parallel work and the GEMM backend. No global holds either, so two networks in
// one process (a library user, a notebook, a search running trials in threads) each train
// on their own team. A Context does not own its team; the caller keeps it alive.
#pragma once
#include "mlp/gemm_backend.hpp"
#include "mlp/thread_team.hpp"

namespace mlp {

struct Context {
    ThreadTeam* team = nullptr;  // nullptr: everything on the calling thread
    GemmBackend backend = GemmBackend::automatic;

    int threads() const { return team ? team->size() : 1; }
    // Runs f(rank, size) over the team, or f(0, 1) on the caller without one.
    template <class F>
    void run(F&& f) const {
        if (team) team->run(f);
        else f(0, 1);
    }
};

}  // namespace mlp
