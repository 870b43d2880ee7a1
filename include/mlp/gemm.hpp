// The one matrix-product entry point. Every layer calls gemm() with the caller's Context:
// which kernel stands behind it (our AVX-512 kernel, oneDNN, OpenBLAS, or the slow
// reference) is ctx.backend, chosen per product shape under "auto" by rules from
// bench/gemm_bench (bench/NOTES.md); large products are split over ctx.team.
#pragma once
#include "mlp/context.hpp"
#include "mlp/pointwise.hpp"

namespace mlp {

// C (M×N) = alpha · op(A) · op(B) + beta · C, all row-major.
// op(A) is M×K (A is K×M when trans_a), op(B) is K×N (B is N×K when trans_b).
// GemmBackend::own throws Error on a CPU without AVX-512. Products too small to gain run on
// one thread. In a split into blocks each entry of C is computed by one thread: with our
// kernel in the same order whatever the count; oneDNN's blocking may change with the
// block's shape. A split along K changes the order of the sums.
void gemm(const Context& ctx, bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc);
// Double precision (gradient checks): OpenBLAS's dgemm on the calling thread.
void gemm(const Context& ctx, bool trans_a, bool trans_b, int M, int N, int K, double alpha, const double* A,
          int lda, const double* B, int ldb, double beta, double* C, int ldc);

// Plain triple loop accumulating in double: the reference every fast path is tested against.
template <class T>
void gemm_reference(bool trans_a, bool trans_b, int M, int N, int K, T alpha, const T* A, int lda,
                    const T* B, int ldb, T beta, T* C, int ldc);

// A dense layer's forward in one pass: C (M×N) = A·B + bias (N values added to every row;
// nullptr for none) and, when f is not nullptr, Y = f(C) as well (Y may not alias C).
// Our kernel applies both while each register tile is stored; other backends run a pass.
void gemm_bias_act(const Context& ctx, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
                   const float* bias, float* C, int ldc, const Pointwise* f, float* Y, int ldy);

// What "auto" picks for this product (or for each thread's block of it).
GemmBackend gemm_choice(bool trans_a, bool trans_b, int M, int N, int K);
// Whether gemm() would split this product over ctx's team, and whether along K: one or two
// rows against a large B (batch-1 inference) split along K, the rank's partial products
// added in rank order; any other product large enough splits into blocks of C.
bool gemm_splits(const Context& ctx, int M, int N, int K);
bool gemm_splits_k(const Context& ctx, int M, int N, int K);

}  // namespace mlp
