// join_mpi_job() of a build without MPI (MLP_MPI off): a lone process runs as before; one
// started as a rank of several is refused, since it would train alone and write the same
// run directory as its siblings.
#include <cstdlib>
#include <string>

#include "mlp/error.hpp"
#include "mlp/mpi_job.hpp"

namespace mlp {

std::unique_ptr<MpiJob> join_mpi_job(int&, char**&) {
    if (std::getenv("MLP_CHILD_OF_MPI_RANK")) return nullptr;  // a trial started by a rank (mpi_job.cpp)
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
        const char* size = std::getenv(name);
        if (size && std::atoi(size) > 1)
            throw Error(std::string("mpirun: this mlp was built without MPI, so its ") + size +
                        " ranks would each train alone, expected a build with MPI (install libopenmpi-dev and "
                        "configure with -DMLP_MPI=ON)");
    }
    return nullptr;
}

bool mpi_built() { return false; }

}  // namespace mlp
