// The Context a test runs its products on: the GEMM backend named by MLP_TEST_GEMM (ctest
// re-runs the layer, gradcheck and golden tests with each, tests/CMakeLists.txt), "own"
// falling back to "auto" on a CPU without AVX-512 (ctest's kernel_path.avx512.own run is
// skipped there instead: requested_isa_test.cpp); the team the test passes, if any.
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

// Ends the calling test as skipped, with the reason, where the AVX-512 kernel cannot run (a
// CPU without AVX-512 F/DQ/VL/BW, or MLP_ISA capping it), instead of passing on another path.
#define MLP_SKIP_WITHOUT_AVX512()                                                                              \
    if (!::mlp::avx512_supported())                                                                          \
    GTEST_SKIP() << "the AVX-512 kernel cannot run here: this CPU runs the " << ::mlp::isa_name(::mlp::cpu_isa()) \
                 << " path (no AVX-512 F/DQ/VL/BW, or MLP_ISA caps it)"

}  // namespace mlp::test
