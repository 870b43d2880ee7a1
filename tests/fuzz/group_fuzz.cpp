// Fuzz target: a reproduction group's group.toml. Any text must load as a group (its runs,
// protocols, seeds, commands and figures checked) or throw mlp::Error. The text is written
// to GROUP/group.toml in a scratch folder of this process, because load_group reads a group
// by folder.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "mlp/error.hpp"
#include "reproduce_group.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string dir = [] {
        const std::string d = std::filesystem::temp_directory_path().string() + "/mlp-group-fuzz-" + std::to_string(getpid());
        std::filesystem::create_directories(d);
        return d;
    }();
    std::ofstream(dir + "/group.toml", std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), std::streamsize(size));  // no fsync: millions of runs
    try {
        mlp::load_group(dir);
    } catch (const mlp::Error&) {
    }
    return 0;
}
