// gemm() dispatch to oneDNN's dnnl_sgemm or OpenBLAS's cblas_sgemm, and the double path
// (cblas_dgemm) used by gradient checks. Kernel choice lives here and nowhere else.
#include "mlp/gemm.hpp"

#include <cblas.h>
#include <dnnl.h>
#include <omp.h>

#include "mlp/error.hpp"

extern "C" void openblas_set_num_threads(int);

namespace mlp {
namespace {

GemmBackend g_backend = GemmBackend::onednn;
int g_threads = 1;

CBLAS_TRANSPOSE cblas_trans(bool t) { return t ? CblasTrans : CblasNoTrans; }

}  // namespace

void gemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc) {
    if (M == 0 || N == 0) return;
    switch (g_backend) {
        case GemmBackend::onednn:
            dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
            return;
        case GemmBackend::openblas:
            cblas_sgemm(CblasRowMajor, cblas_trans(trans_a), cblas_trans(trans_b), M, N, K, alpha, A, lda, B,
                        ldb, beta, C, ldc);
            return;
        case GemmBackend::reference:
            gemm_reference(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
            return;
    }
}

void gemm(bool trans_a, bool trans_b, int M, int N, int K, double alpha, const double* A, int lda,
          const double* B, int ldb, double beta, double* C, int ldc) {
    if (M == 0 || N == 0) return;
    cblas_dgemm(CblasRowMajor, cblas_trans(trans_a), cblas_trans(trans_b), M, N, K, alpha, A, lda, B, ldb,
                beta, C, ldc);
}

template <class T>
void gemm_reference(bool trans_a, bool trans_b, int M, int N, int K, T alpha, const T* A, int lda,
                    const T* B, int ldb, T beta, T* C, int ldc) {
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) {
            double sum = 0.0;
            for (int k = 0; k < K; ++k) {
                const double a = trans_a ? A[k * lda + i] : A[i * lda + k];
                const double b = trans_b ? B[j * ldb + k] : B[k * ldb + j];
                sum += a * b;
            }
            T& c = C[i * ldc + j];
            c = static_cast<T>(alpha * sum + (beta == T(0) ? 0.0 : double(beta) * c));
        }
    }
}
template void gemm_reference<float>(bool, bool, int, int, int, float, const float*, int, const float*, int,
                                    float, float*, int);
template void gemm_reference<double>(bool, bool, int, int, int, double, const double*, int, const double*,
                                     int, double, double*, int);

void set_gemm_backend(const std::string& name) {
    if (name == "onednn" || name == "auto") g_backend = GemmBackend::onednn;
    else if (name == "openblas") g_backend = GemmBackend::openblas;
    else if (name == "reference") g_backend = GemmBackend::reference;
    else throw Error("unknown GEMM backend '" + name + "' (expected auto, onednn, openblas or reference)");
}

GemmBackend gemm_backend() { return g_backend; }

std::string gemm_backend_name() {
    switch (g_backend) {
        case GemmBackend::onednn: return "onednn";
        case GemmBackend::openblas: return "openblas";
        case GemmBackend::reference: return "reference";
    }
    return "?";
}

void set_gemm_threads(int threads) {
    require(threads >= 1, "threads must be >= 1, got " + std::to_string(threads));
    g_threads = threads;
    omp_set_num_threads(threads);  // oneDNN's CPU runtime here is OpenMP
    openblas_set_num_threads(threads);
}

int gemm_threads() { return g_threads; }

}  // namespace mlp
