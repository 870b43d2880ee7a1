// The L2 penalty (for gradient checks and reports) and the max-norm constraint.
#include "mlp/regularization.hpp"

#include <algorithm>
#include <cmath>

namespace mlp {
namespace {

// The two row passes of max_norm, cloned for AVX-512, AVX2 and plain x86-64 (picked at
// load time): a 784 × 256 layer took 5 % of a training step as the baseline build's
// scalar loops.
__attribute__((target_clones("avx512f", "avx2", "default")))
void add_squares(const float* __restrict w, double* __restrict norm2, int n) {
    for (int j = 0; j < n; ++j) norm2[j] += double(w[j]) * w[j];
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void scale_row(float* __restrict w, const float* __restrict scale, int n) {
    for (int j = 0; j < n; ++j) w[j] *= scale[j];
}

}  // namespace

template <class T>
double l2_penalty(const T* w, std::size_t n, double lambda) {
    if (lambda == 0.0) return 0.0;
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += double(w[i]) * w[i];
    return lambda * sum;
}

void max_norm(MatrixView<float> W, double c) {
    if (c <= 0.0) return;
    // Columns in blocks, so the sums live on the stack: a training step allocates nothing.
    constexpr int kBlock = 512;
    double norm2[kBlock];
    float scale[kBlock];
    for (int j0 = 0; j0 < W.cols; j0 += kBlock) {
        const int n = std::min(kBlock, W.cols - j0);
        std::fill(norm2, norm2 + n, 0.0);
        // Rows in the outer loop: W is row-major, and its columns are the units.
        for (int i = 0; i < W.rows; ++i) add_squares(W.row(i) + j0, norm2, n);
        bool any = false;
        for (int j = 0; j < n; ++j) {
            const double norm = std::sqrt(norm2[j]);
            scale[j] = norm > c ? static_cast<float>(c / norm) : 1.0f;
            any |= norm > c;
        }
        if (any)
            for (int i = 0; i < W.rows; ++i) scale_row(W.row(i) + j0, scale, n);
    }
}

template double l2_penalty<float>(const float*, std::size_t, double);
template double l2_penalty<double>(const double*, std::size_t, double);

}  // namespace mlp
