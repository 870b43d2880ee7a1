// The GEMM kernels behind gemm(), each callable directly so tests and benchmarks can
// check and time every one against the reference. Row-major, same contract as gemm().
#pragma once
#include "mlp/cpu.hpp"
#include "mlp/pointwise.hpp"

namespace mlp {

// What a kernel does to C before storing it: adds bias (N values, one per column; nullptr
// for none) and, when f is set, also stores Y = f(C) (M×N, leading dimension ldy).
struct GemmEpilogue {
    const float* bias = nullptr;
    const Pointwise* f = nullptr;
    float* Y = nullptr;
    int ldy = 0;
};

// Our own register-blocked AVX-512 kernel, single-threaded, with the epilogue fused into
// the store of each register tile. Call only when avx512_supported().
void gemm_avx512(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
                 const float* B, int ldb, float beta, float* C, int ldc, const GemmEpilogue& ep = {});

}  // namespace mlp
