// The L2 penalty (for gradient checks and reports) and the max-norm constraint.
#include "mlp/regularization.hpp"

#include <cmath>
#include <vector>

namespace mlp {

template <class T>
double l2_penalty(const T* w, std::size_t n, double lambda) {
    if (lambda == 0.0) return 0.0;
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += double(w[i]) * w[i];
    return lambda * sum;
}

void max_norm(MatrixView<float> W, double c) {
    if (c <= 0.0 || W.cols == 0) return;
    // Rows in the outer loop: W is row-major, and its columns are the units.
    std::vector<double> norm2(W.cols, 0.0);
    for (int i = 0; i < W.rows; ++i) {
        const float* w = W.row(i);
        for (int j = 0; j < W.cols; ++j) norm2[j] += double(w[j]) * w[j];
    }
    std::vector<float> scale(W.cols, 1.0f);
    bool any = false;
    for (int j = 0; j < W.cols; ++j) {
        const double norm = std::sqrt(norm2[j]);
        if (norm > c) scale[j] = static_cast<float>(c / norm), any = true;
    }
    if (!any) return;
    for (int i = 0; i < W.rows; ++i) {
        float* w = W.row(i);
        for (int j = 0; j < W.cols; ++j) w[j] *= scale[j];
    }
}

template double l2_penalty<float>(const float*, std::size_t, double);
template double l2_penalty<double>(const double*, std::size_t, double);

}  // namespace mlp
