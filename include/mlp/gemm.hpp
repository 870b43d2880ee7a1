// The one matrix-product entry point. Every layer calls gemm(); which library stands
// behind it (oneDNN, OpenBLAS, or the slow reference) is a run-time choice recorded here.
#pragma once
#include <string>

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

enum class GemmBackend { onednn, openblas, reference };

// Selects the float backend: "onednn", "openblas", "reference" or "auto" (the default:
// the fastest available, see bench/NOTES.md). Throws Error for an unknown name.
void set_gemm_backend(const std::string& name);
GemmBackend gemm_backend();
std::string gemm_backend_name();
// Threads the GEMM library may use. Results are deterministic for a fixed count.
void set_gemm_threads(int threads);
int gemm_threads();

}  // namespace mlp
