// The MPI job this process is one rank of, when mpirun (or another MPI launcher) started it:
// joined by join_mpi_job(), left when the object is destroyed; its ranks are the
// Communicator a data-parallel Trainer or a distributed search is handed. Built with
// MLP_MPI it speaks MPI (src/dist/mpi_job.cpp); without, src/dist/no_mpi.cpp runs a lone
// process as before and refuses to be one of several ranks. Only the command line's entry
// point joins a job; everything below it sees a Communicator.
#pragma once
#include <memory>

#include "mlp/communicator.hpp"

namespace mlp {

class MpiJob {
public:
    virtual ~MpiJob() = default;
    virtual Communicator& world() = 0;
    // Ends every rank of the job: one rank that fails alone would leave the others waiting
    // in their next sum forever.
    [[noreturn]] virtual void abort(int code) = 0;
};

// The job when an MPI launcher started this process (its environment says so), else
// nullptr: a plain `mlp` never initialises MPI.
std::unique_ptr<MpiJob> join_mpi_job(int& argc, char**& argv);

// Whether this build can join MPI jobs (MLP_MPI).
bool mpi_built();

}  // namespace mlp
