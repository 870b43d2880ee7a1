// Data augmentation of image rows while a training batch is gathered: a random shift of up
// to ±translate pixels in each direction, the pixels shifted in from outside the image
// being 0 (black, before normalisation), and a horizontal flip with probability 1/2. A
// shift by (dx, dy) uniform in [−p, p]² with zero fill is exactly a random crop of the image
// zero-padded by p pixels on every side (torchvision's RandomCrop(size, padding=p)), the
// CIFAR-10 recipe; ±2 pixels is the MNIST one. Evaluation never augments. The network then
// sees where pixels lie: an augmented run is not permutation-invariant.
//
// Elastic distortion (Simard, Steinkraus and Platt 2003): every pixel also moves by its own
// displacement (Δu, Δv), a field of uniform noise in [−1, 1] smoothed by a Gaussian of
// standard deviation σ pixels and scaled by α (α = 34, σ = 4 on MNIST); the moved image is
// read by bilinear interpolation, zero outside. Smoothing keeps neighbouring pixels moving
// together, so strokes bend instead of breaking up.
//
// The draws come from a stream of their own, as dropout's masks do (dropout.hpp): row i of
// the batch of optimizer step t (i counted in the whole batch, row0 + local row) takes
//   h    = mix64(mix64(key ^ t) ^ i)               key = Rng::for_purpose(seed, "augment")
//   dx   = (h mod 2³²)         mod (2p + 1) − p
//   dy   = ((h >> 32) mod 2¹⁶) mod (2p + 1) − p
//   flip = bit 63 of h
//   the elastic field's noise: pixel k takes the two 32-bit halves of mix64(mix64(h) + k)
// so any thread count and any data-parallel split draw the same, and a resumed run the same
// as an unbroken one. Does not read configs or datasets' files.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace mlp {

struct Augmentation {
    int translate = 0;           // p: shift by up to ±p pixels in x and y, zero fill; 0 → off
    bool flip = false;           // mirror left–right with probability 1/2
    double elastic_alpha = 0.0;  // α: scale of the elastic displacement field in pixels; 0 → off
    double elastic_sigma = 4.0;  // σ: the field's smoothing, in pixels
    bool active() const { return translate > 0 || flip || elastic_alpha > 0; }
    // For people: "translate ±2 px, zero fill, horizontal flip, elastic α 34 σ 4 px"; "none" when off.
    std::string describe() const;
};

// What one row gets.
struct AugmentDraw {
    int dx = 0, dy = 0;       // the image moves right by dx and down by dy
    bool flip = false;        // mirrored before the shift
    float alpha = 0.0f;       // elastic: the field's scale, off when 0
    float sigma = 0.0f;       // elastic: the field's smoothing
    std::uint64_t field = 0;  // elastic: the key of the field's noise
};

// The elastic displacement of every pixel (H·W each, row-major): noise k from `field`,
// smoothed separably by the Gaussian of std σ (taps to ±⌈3σ⌉, summing to 1; the noise is 0
// outside the image), times α. fx moves along columns (u), fy along rows (v).
void elastic_field(std::uint64_t field, int H, int W, float alpha, float sigma, float* fx, float* fy);

// The stream at the step in progress.
struct AugmentStream {
    Augmentation settings;
    std::uint64_t key = 0;  // Rng::for_purpose(seed, "augment").next()
    std::int64_t step = 0;  // the optimizer step t, from 1
    int row0 = 0;           // the batch row that row 0 of the rows at hand is
    static AugmentStream of_seed(const Augmentation& settings, std::uint64_t seed);
    AugmentDraw draw(int row) const;  // for local row `row` (batch row row0 + row)
};

// y (C·H·W floats) = the normalised image x (C·H·W bytes, channel-major) as the draw moves
// it: y(c, v, u) = (x(c, v − dy, u') − mean_f)·scale_f with u' = u − dx (mirrored: W − 1 −
// (u − dx)) and f the index of (c, v, u); x is 0 outside the image. With elastic distortion
// the source point is (v − dy + fy, u' + fx), read bilinearly (every channel moves alike).
// With no shift, flip or distortion the bits equal normalize_bytes'.
void augment_bytes(const std::uint8_t* x, std::array<int, 3> shape, AugmentDraw d, const float* mean,
                   const float* scale, float* y);
// The same for float rows (NPY images).
void augment_floats(const float* x, std::array<int, 3> shape, AugmentDraw d, const float* mean, const float* scale,
                    float* y);

// Throws Error naming the augment keys unless the data are images (an image_shape whose
// product is the feature count): a table of features has no pixels to move.
void check_augmentable(const Augmentation& a, std::array<int, 3> image_shape, int features, const std::string& data_name);

}  // namespace mlp
