// Dropout masks from the counter-based stream, and the mask's forward and backward.
#include "mlp/dropout.hpp"

#include "mlp/rng.hpp"

namespace mlp {
namespace {

// Wellons' lowbias32: 32-bit multiplies only, so the loop over a row vectorises.
std::uint32_t lowbias32(std::uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

std::uint32_t row_hash(DropoutStream s, int layer, int i) {
    const std::uint64_t counter = std::uint64_t(std::uint32_t(layer)) << 32 | std::uint32_t(s.row0 + i);
    return std::uint32_t(mix64(mix64(s.key ^ std::uint64_t(s.step)) ^ counter) >> 32);
}

std::uint32_t threshold(double rate) { return std::uint32_t((1.0 - rate) * 16777216.0 + 0.5); }

// m[j] = scale where unit col0 + j of the row is kept, else 0.
template <class T>
inline __attribute__((always_inline)) void mask_row(std::uint32_t row, std::uint32_t limit, T scale, int col0, int n,
                                                    T* __restrict m) {
    for (int j = 0; j < n; ++j) {
        const std::uint32_t x = lowbias32(row + std::uint32_t(col0 + j) * 0x9E3779B9U);
        m[j] = (x >> 8) < limit ? scale : T(0);
    }
}

// Cloned for AVX-512, AVX2 and plain x86-64 (picked at load time): the 32-bit hash
// vectorises 16 or 8 wide, where the baseline build has no 32-bit vector multiply.
__attribute__((target_clones("avx512f", "avx2", "default")))
void mask_row_float(std::uint32_t row, std::uint32_t limit, float scale, int col0, int n, float* m) {
    mask_row<float>(row, limit, scale, col0, n, m);
}

void mask_row_any(std::uint32_t row, std::uint32_t limit, float scale, int col0, int n, float* m) {
    mask_row_float(row, limit, scale, col0, n, m);
}

void mask_row_any(std::uint32_t row, std::uint32_t limit, double scale, int col0, int n, double* m) {
    mask_row<double>(row, limit, scale, col0, n, m);
}

}  // namespace

DropoutStream DropoutStream::of_seed(std::uint64_t seed, std::int64_t step) {
    return {Rng::for_purpose(seed, "dropout").next(), step, 0};
}

template <class T>
void dropout_mask(DropoutStream stream, int layer, double rate, int col0, MatrixView<T> M) {
    const std::uint32_t limit = threshold(rate);
    const T scale = static_cast<T>(1.0 / (1.0 - rate));
    for (int i = 0; i < M.rows; ++i) mask_row_any(row_hash(stream, layer, i), limit, scale, col0, M.cols, M.row(i));
}

template <class T>
void dropout_forward(ConstView<T> A, ConstView<T> M, MatrixView<T> D) {
    for (int i = 0; i < A.rows; ++i) {
        const T *a = A.row(i), *m = M.row(i);
        T* d = D.row(i);
        for (int j = 0; j < A.cols; ++j) d[j] = a[j] * m[j];
    }
}

template <class T>
void dropout_forward(DropoutStream stream, int layer, double rate, int col0, ConstView<T> A, MatrixView<T> M,
                     MatrixView<T> D) {
    dropout_mask<T>(stream, layer, rate, col0, M);
    dropout_forward<T>(A, M, D);
}

template <class T>
void dropout_backward(ConstView<T> M, MatrixView<T> dD) {
    dropout_forward<T>(dD, M, dD);  // the mask is diagonal: dA = dD ⊙ M
}

bool dropout_kept_reference(DropoutStream s, int layer, double rate, int i, int j) {
    std::uint64_t z = s.key ^ std::uint64_t(s.step);
    z = mix64(mix64(z) ^ (std::uint64_t(layer) << 32 | std::uint64_t(i)));
    std::uint32_t x = std::uint32_t(z >> 32) + std::uint32_t(j) * 0x9E3779B9U;
    x = lowbias32(x);
    return double(x >> 8) < double(threshold(rate));
}

template void dropout_mask<float>(DropoutStream, int, double, int, MatrixView<float>);
template void dropout_mask<double>(DropoutStream, int, double, int, MatrixView<double>);
template void dropout_forward<float>(ConstView<float>, ConstView<float>, MatrixView<float>);
template void dropout_forward<double>(ConstView<double>, ConstView<double>, MatrixView<double>);
template void dropout_forward<float>(DropoutStream, int, double, int, ConstView<float>, MatrixView<float>,
                                     MatrixView<float>);
template void dropout_forward<double>(DropoutStream, int, double, int, ConstView<double>, MatrixView<double>,
                                      MatrixView<double>);
template void dropout_backward<float>(ConstView<float>, MatrixView<float>);
template void dropout_backward<double>(ConstView<double>, MatrixView<double>);

}  // namespace mlp
