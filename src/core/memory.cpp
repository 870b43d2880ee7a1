// Physical memory from sysconf, and the size check before large allocations.
#include "mlp/memory.hpp"

#include <unistd.h>

#include <cstdio>

#include "mlp/error.hpp"

namespace mlp {

std::size_t physical_memory_bytes() {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? std::size_t(pages) * std::size_t(page) : 0;
}

std::string byte_text(double bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (bytes >= 1024 && u < 6) bytes /= 1024, ++u;
    char text[32];
    std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
    return text;
}

void require_memory(double bytes, const std::string& what) {
    const std::size_t have = physical_memory_bytes();
    if (have == 0 || bytes <= double(have)) return;
    throw Error(what + " needs " + byte_text(bytes) + ", more than this machine's " + byte_text(double(have)) +
                " of memory");
}

}  // namespace mlp
