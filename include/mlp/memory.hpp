// How much memory this machine has, and the check that refuses a size before allocating
// it: a model or a batch that cannot fit is one error with the figures, not an
// out-of-memory kill half-way through.
#pragma once
#include <cstddef>
#include <string>

namespace mlp {

// Physical memory in bytes (sysconf); 0 when the system does not say.
std::size_t physical_memory_bytes();

// Throws Error "<what> needs <X>, more than this machine's <Y> of memory" when bytes
// exceed the physical memory.
void require_memory(double bytes, const std::string& what);

// "1.5 GiB", "812 MiB", "4.0 TiB".
std::string byte_text(double bytes);

}  // namespace mlp
