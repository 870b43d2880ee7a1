// Helpers for the data tests: scratch directories, small files, running the built `mlp`
// binary, and catching the message of an mlp::Error.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mlp/error.hpp"

namespace mlp::testing {

// A fresh, empty directory for one test.
inline std::string scratch_dir(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("mlp_test_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

inline void write_text(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_whole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The message of the mlp::Error that f throws, or "" when it throws none.
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

struct CommandResult {
    int status = -1;
    std::string out, err;
};

// Runs `mlp <args>` from the source directory; captures stdout, stderr and exit status.
inline CommandResult run_mlp(const std::string& args) {
    const std::string dir = scratch_dir("cli_output");
    const std::string command = std::string("cd '") + MLP_SOURCE_DIR + "' && '" + MLP_BINARY + "' " + args + " >'" +
                                dir + "/out' 2>'" + dir + "/err'";
    const int raw = std::system(command.c_str());
    CommandResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = read_whole(dir + "/out");
    r.err = read_whole(dir + "/err");
    return r;
}

}  // namespace mlp::testing
