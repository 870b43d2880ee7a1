// The start-up agreement check of an MPI job's ranks (distributed.hpp).
#include "distributed.hpp"

#include <cstdint>

#include "mlp/file.hpp"

namespace mlp {
namespace {

std::uint64_t digest(const std::string& text) {
    const std::string hex = sha256_hex(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    return std::stoull(hex.substr(0, 16), nullptr, 16);
}

}  // namespace

void require_same_on_all_ranks(Communicator* comm, const std::vector<std::pair<std::string, std::string>>& named_texts) {
    if (!comm) return;
    std::string problems;
    for (const auto& [name, text] : named_texts) {
        const std::vector<int> differing = ranks_differing(*comm, digest(text));
        if (differing.empty()) continue;
        std::string ranks;
        for (int r : differing) ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
        problems += (problems.empty() ? "" : "; ") + name + " of rank(s) " + ranks + " differs from rank 0's";
    }
    if (!problems.empty())
        throw AgreedError("mpirun: " + problems + " (SHA-256 compared at start), expected every rank to read the same "
                          "config and data files (the same paths on a shared file system, or identical copies)");
}

}  // namespace mlp
