// Helpers shared by the unit tests: random matrices, tolerances, running the mlp binary.
#pragma once
#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "mlp/rng.hpp"

namespace mlp::test {

inline std::vector<double> random_values(std::size_t n, std::uint64_t seed, double scale = 1.0) {
    Rng rng(seed);
    std::vector<double> v(n);
    for (auto& x : v) x = scale * rng.normal();
    return v;
}

template <class T>
std::vector<T> cast(const std::vector<double>& v) {
    return std::vector<T>(v.begin(), v.end());
}

// max_i |a_i − b_i| / max_i |b_i|: the error measure of the golden and reference tests.
template <class A, class B>
double relative_error(const A* a, const B* b, std::size_t n) {
    double diff = 0.0, scale = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        diff = std::max(diff, std::abs(double(a[i]) - double(b[i])));
        scale = std::max(scale, std::abs(double(b[i])));
    }
    return scale > 0 ? diff / scale : diff;
}

struct CommandResult {
    int status = -1;
    std::string output;  // stdout and stderr together
};

// Runs a shell command from the source directory, capturing its output.
inline CommandResult run(const std::string& command) {
    CommandResult result;
    const std::string full = "cd '" MLP_SOURCE_DIR "' && " + command + " 2>&1";
    FILE* pipe = popen(full.c_str(), "r");
    if (!pipe) return result;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) result.output += buffer;
    const int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

inline std::string mlp_binary() { return MLP_BINARY; }

// One directory per test process: ctest runs the kernel_path.* copies of a test in parallel.
inline std::string temp_dir(const std::string& name) {
    const std::string dir = std::string(MLP_BINARY_DIR) + "/test-tmp/" + name + "-" + std::to_string(::getpid());
    run("rm -rf '" + dir + "' && mkdir -p '" + dir + "'");
    return dir;
}

inline int count_lines(const std::string& text) {
    int n = 0;
    for (char c : text) n += c == '\n';
    return n;
}

}  // namespace mlp::test
