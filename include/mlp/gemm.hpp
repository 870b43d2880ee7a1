// The one matrix-product entry point. Every layer calls gemm(); which kernel stands behind
// it (our AVX-512 kernel, oneDNN, OpenBLAS, or the slow reference) is a run-time choice,
// per product shape under "auto"; the rules come from bench/gemm_bench (bench/NOTES.md).
#pragma once
#include <string>

#include "mlp/pointwise.hpp"

namespace mlp {

// C (M×N) = alpha · op(A) · op(B) + beta · C, all row-major.
// op(A) is M×K (A is K×M when trans_a), op(B) is K×N (B is N×K when trans_b).
void gemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc);
void gemm(bool trans_a, bool trans_b, int M, int N, int K, double alpha, const double* A, int lda,
          const double* B, int ldb, double beta, double* C, int ldc);

// Plain triple loop accumulating in double: the reference every fast path is tested against.
template <class T>
void gemm_reference(bool trans_a, bool trans_b, int M, int N, int K, T alpha, const T* A, int lda,
                    const T* B, int ldb, T beta, T* C, int ldc);

// automatic: per shape, our AVX-512 kernel for the small and medium products it wins, oneDNN
// for the largest and for one or two rows against a large B; oneDNN only on CPUs without
// AVX-512. The choice depends on the shape only, never on timings taken at run time.
enum class GemmBackend { automatic, onednn, openblas, own, reference };

// The same product through one named backend (tests and benchmarks compare them).
// GemmBackend::own throws Error on a CPU without AVX-512.
void gemm(GemmBackend backend, bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A,
          int lda, const float* B, int ldb, float beta, float* C, int ldc);
// A dense layer's forward in one pass: C (M×N) = A·B + bias (N values added to every row;
// nullptr for none) and, when f is not nullptr, Y = f(C) as well (Y may not alias C).
// Our kernel applies both while each register tile is stored; other backends run a pass.
void gemm_bias_act(int M, int N, int K, const float* A, int lda, const float* B, int ldb, const float* bias,
                   float* C, int ldc, const Pointwise* f, float* Y, int ldy);
void gemm_bias_act(GemmBackend backend, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
                   const float* bias, float* C, int ldc, const Pointwise* f, float* Y, int ldy);

// What "auto" picks for this product (or for each thread's block of it).
GemmBackend gemm_choice(bool trans_a, bool trans_b, int M, int N, int K);
// Whether gemm() would split this product over the team, and whether along K: one or two
// rows against a large B (batch-1 inference) split along K, the rank's partial products
// added in rank order; any other product large enough splits into blocks of C.
bool gemm_splits(int M, int N, int K);
bool gemm_splits_k(int M, int N, int K);

// Selects the float backend: "auto" (the default), "onednn", "openblas", "own" or
// "reference". Throws Error for an unknown name, or for "own" without AVX-512.
void set_gemm_backend(const std::string& name);
GemmBackend gemm_backend();
std::string gemm_backend_name();
// Threads (the team size, see thread_team.hpp) a product may be split over; products too
// small to gain run on one. In a split into blocks each entry of C is computed by one
// thread: with our kernel in the same order whatever the count; oneDNN's blocking may
// change with the block's shape. A split along K changes the order of the sums.
void set_gemm_threads(int threads);
int gemm_threads();

}  // namespace mlp
