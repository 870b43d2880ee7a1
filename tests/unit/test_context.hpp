// The Context a test runs its products on: the GEMM backend named by MLP_TEST_GEMM (ctest
// re-runs the layer, gradcheck and golden tests with each, tests/CMakeLists.txt), "own"
// falling back to "auto" on a CPU without AVX-512; the team the test passes, if any.
#pragma once
#include <cstdlib>
#include <cstring>

#include "mlp/context.hpp"
#include "mlp/cpu.hpp"
#include "mlp/gemm_backend.hpp"

namespace mlp::test {

inline GemmBackend test_backend() {
    const char* name = std::getenv("MLP_TEST_GEMM");
    if (!name || (!std::strcmp(name, "own") && !avx512_supported())) return GemmBackend::automatic;
    return parse_gemm_backend(name);
}

inline Context test_context(ThreadTeam* team = nullptr) { return Context{team, test_backend()}; }

}  // namespace mlp::test
