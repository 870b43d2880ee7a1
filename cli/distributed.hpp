// What the commands do differently as ranks of an MPI job (mpi_job.hpp): which rank writes,
// and the check at start that every rank read the same config and data.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "mlp/communicator.hpp"

namespace mlp {

// The communicator when the job has more than one rank, else nullptr.
inline Communicator* job_ranks(Communicator* comm) { return comm && comm->size() > 1 ? comm : nullptr; }

// Whether this process writes outputs: the lone process, or rank 0 of a job.
inline bool writes_outputs(const Communicator* comm) { return !comm || comm->rank() == 0; }

// Every rank compares SHA-256 digests of the named texts (the resolved config, the data
// files' checksums, ...) with rank 0's; a difference throws AgreedError on every rank,
// naming what differs and on which ranks. No-op without a communicator.
void require_same_on_all_ranks(Communicator* comm, const std::vector<std::pair<std::string, std::string>>& named_texts);

}  // namespace mlp
