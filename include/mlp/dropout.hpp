// Inverted dropout (Srivastava et al. 2014): while training, a layer's output A becomes
// D = A ⊙ M, with M(i, j) = 1/keep where unit j of row i is kept and 0 where it is
// dropped, so evaluation uses A as it is. Forward and backward of the mask here; the
// network decides where masks go (the input and every hidden layer's output).
//
// The masks come from a stream of their own: whether element (i, j) of mask `layer` is
// kept at optimizer step t is a hash of (key, t, layer, i, j), so any slice of a mask can
// be drawn on its own, and every schedule, team size and number of data-parallel ranks
// draws the same bits (i is the row's index in the whole batch, row0 + local row):
//   row  = mix64(mix64(key ^ t) ^ (layer << 32 | i)) >> 32           (32 bits)
//   x    = lowbias32(row + j·0x9E3779B9 mod 2³²)                     (Wellons' 32-bit hash)
//   kept ⇔ x >> 8 < round(keep · 2²⁴)
// with mix64 the splitmix64 finaliser. tools/make_golden.py writes the same masks.
#pragma once
#include <cstdint>

#include "mlp/matrix.hpp"

namespace mlp {

struct DropoutStream {
    std::uint64_t key = 0;  // Rng::for_purpose(seed, "dropout").next()
    std::int64_t step = 0;  // the optimizer step t the masks are for, from 1
    int row0 = 0;           // the batch row that row 0 of the rows at hand is (a rank's share starts there)
    static DropoutStream of_seed(std::uint64_t seed, std::int64_t step);
};

// Mask layers: 0 is the network's input, l + 1 the output of hidden layer l.
constexpr int input_mask_layer = 0;
inline int hidden_mask_layer(int l) { return l + 1; }

// M (rows, cols) = the factors of rows [0, rows) and units [col0, col0 + cols) of mask
// `layer` with dropout rate `rate` in [0, 1).
template <class T>
void dropout_mask(DropoutStream stream, int layer, double rate, int col0, MatrixView<T> M);

// D = A ⊙ M (D may alias A or M).
template <class T>
void dropout_forward(ConstView<T> A, ConstView<T> M, MatrixView<T> D);

// The layer in a training pass: M = the slice of mask `layer` (as dropout_mask), then
// D = A ⊙ M. D may alias M when the mask is not needed afterwards (the input's).
template <class T>
void dropout_forward(DropoutStream stream, int layer, double rate, int col0, ConstView<T> A, MatrixView<T> M,
                     MatrixView<T> D);

// dA = dD ⊙ M, in place.
template <class T>
void dropout_backward(ConstView<T> M, MatrixView<T> dD);

// One element, straight from the formula above: the reference for tests.
bool dropout_kept_reference(DropoutStream stream, int layer, double rate, int i, int j);

}  // namespace mlp
