// Checkpoint files: a training run's complete state (trainer.hpp's Checkpoint) in a
// versioned binary format with length checks and a SHA-256, so a damaged or foreign file
// is a clear error. Does not decide when to checkpoint (the Trainer) or where (the CLI).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "mlp/trainer.hpp"

namespace mlp {

// Layout (all integers and floats little-endian):
//   "MLPCKPT\n" | u32 version | u32 0 | u64 P | payload (P bytes) | SHA-256 of payload (64 hex chars)
// Payload, version 1: i32 batch_size; the TrainState scalars; the shuffle Rng state;
// order (u64 N, N × i32); history (u64 R, R × (i64 step, 7 × f64)); then params, first,
// second, best_params (each u64 n, n × f32) and i64 optimizer steps. See checkpoint.cpp.
constexpr std::uint32_t kCheckpointVersion = 1;

std::vector<std::uint8_t> encode_checkpoint(const Checkpoint& checkpoint);
// Validates everything it reads: magic, version, every length against the bytes left,
// the checksum, and the invariants a Trainer relies on (order is a permutation, ...).
// Throws Error naming `name` and the field on any problem; never allocates more than
// the input's size.
Checkpoint decode_checkpoint(const std::uint8_t* data, std::size_t size, const std::string& name);

// Atomic (temporary file, fsync, rename): a failed write leaves the previous file intact.
void save_checkpoint(const std::string& path, const Checkpoint& checkpoint);
Checkpoint load_checkpoint(const std::string& path);

}  // namespace mlp
