// The kernel_path.* runs of ctest (tests/CMakeLists.txt) force a kernel path with MLP_ISA.
// cpu.cpp can only lower the ISA it detects, so MLP_ISA=avx512 on a CPU without AVX-512
// would run the AVX2 path and pass under the AVX-512 name. Instead, a run whose MLP_ISA
// this CPU cannot honour exits 77 before any test, which ctest reports as skipped
// (SKIP_RETURN_CODE); an MLP_ISA that names no ISA fails the run.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "mlp/cpu.hpp"

namespace mlp {
namespace {

constexpr int kSkipped = 77;

// Whether MLP_ISA's value names an ISA at all.
bool is_isa_name(const std::string& requested) {
    for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512})
        if (isa_name(isa) == requested) return true;
    return false;
}

// Why the kernels MLP_ISA asks for (`requested`, null when unset) are not the ones running
// (`running`: cpu_isa(), already capped by MLP_ISA); "" when they are.
std::string isa_request_problem(const char* requested, Isa running) {
    if (requested == nullptr || isa_name(running) == requested) return "";
    const std::string name = requested;
    if (!is_isa_name(name)) return "MLP_ISA=" + name + " names no ISA (expected scalar, avx2 or avx512)";
    return "MLP_ISA=" + name + " asks for the " + name + " kernels, but this CPU runs " + isa_name(running);
}

class RequestedIsa : public ::testing::Environment {
public:
    void SetUp() override {
        const char* requested = std::getenv("MLP_ISA");
        const std::string problem = isa_request_problem(requested, cpu_isa());
        if (problem.empty()) return;
        const bool unknown = !is_isa_name(requested);
        std::fprintf(stderr, "%s: %s\n", problem.c_str(), unknown ? "failing" : "skipping every test (exit 77)");
        std::fflush(stderr);
        std::exit(unknown ? 1 : kSkipped);
    }
};

[[maybe_unused]] ::testing::Environment* const kRequestedIsa = ::testing::AddGlobalTestEnvironment(new RequestedIsa);

TEST(Issue16, KernelPathWithAnIsaTheCpuLacksIsSkippedNotPassed) {
    EXPECT_EQ(isa_request_problem(nullptr, Isa::avx2), "");
    EXPECT_EQ(isa_request_problem("avx512", Isa::avx512), "");
    EXPECT_EQ(isa_request_problem("avx2", Isa::avx2), "");
    EXPECT_EQ(isa_request_problem("scalar", Isa::scalar), "");
    // What cpu_isa() returns under MLP_ISA=avx512 without AVX-512, or MLP_ISA=avx2 without AVX2.
    EXPECT_EQ(isa_request_problem("avx512", Isa::avx2), "MLP_ISA=avx512 asks for the avx512 kernels, but this CPU runs avx2");
    EXPECT_EQ(isa_request_problem("avx2", Isa::scalar), "MLP_ISA=avx2 asks for the avx2 kernels, but this CPU runs scalar");
    EXPECT_EQ(isa_request_problem("avx512f", Isa::avx512), "MLP_ISA=avx512f names no ISA (expected scalar, avx2 or avx512)");
    // This very run got past the environment's check: what it asked for is what runs.
    EXPECT_EQ(isa_request_problem(std::getenv("MLP_ISA"), cpu_isa()), "");
}

}  // namespace
}  // namespace mlp
