// Random shifts and flips of image rows from their counter-based stream (augment.hpp).
#include "mlp/augment.hpp"

#include "mlp/error.hpp"
#include "mlp/rng.hpp"

namespace mlp {
namespace {

// One channel plane of the moved image: row v of the output reads row v − dy of the source;
// column u reads column u − dx (mirrored: W − 1 − (u − dx)); outside the source, value 0.
template <class In>
void move_plane(const In* x, int H, int W, AugmentDraw d, const float* mean, const float* scale, float* y) {
    for (int v = 0; v < H; ++v) {
        const int sv = v - d.dy;
        const In* src = sv >= 0 && sv < H ? x + std::size_t(sv) * W : nullptr;  // nullptr: a row of fill
        for (int u = 0; u < W; ++u) {
            const int su = d.flip ? W - 1 - (u - d.dx) : u - d.dx;
            const float value = src && su >= 0 && su < W ? float(src[su]) : 0.0f;
            const int f = v * W + u;
            y[f] = (value - mean[f]) * scale[f];
        }
    }
}

template <class In>
void augment_row(const In* x, std::array<int, 3> shape, AugmentDraw d, const float* mean, const float* scale,
                 float* y) {
    const auto [C, H, W] = shape;
    const std::size_t plane = std::size_t(H) * W;
    for (int c = 0; c < C; ++c) move_plane(x + c * plane, H, W, d, mean + c * plane, scale + c * plane, y + c * plane);
}

}  // namespace

std::string Augmentation::describe() const {
    if (!active()) return "none";
    std::string text;
    if (translate > 0) text = "translate ±" + std::to_string(translate) + " px, zero fill";
    if (flip) text += std::string(text.empty() ? "" : ", ") + "horizontal flip";
    return text;
}

AugmentStream AugmentStream::of_seed(const Augmentation& settings, std::uint64_t seed) {
    return {settings, Rng::for_purpose(seed, "augment").next(), 0, 0};
}

AugmentDraw AugmentStream::draw(int row) const {
    const std::uint64_t h = mix64(mix64(key ^ std::uint64_t(step)) ^ std::uint64_t(std::uint32_t(row0 + row)));
    AugmentDraw d;
    if (settings.translate > 0) {
        const std::uint64_t n = 2 * std::uint64_t(settings.translate) + 1;
        d.dx = int((h & 0xffffffffULL) % n) - settings.translate;
        d.dy = int(((h >> 32) & 0xffffULL) % n) - settings.translate;
    }
    d.flip = settings.flip && (h >> 63) != 0;
    return d;
}

void augment_bytes(const std::uint8_t* x, std::array<int, 3> shape, AugmentDraw d, const float* mean,
                   const float* scale, float* y) {
    augment_row(x, shape, d, mean, scale, y);
}

void augment_floats(const float* x, std::array<int, 3> shape, AugmentDraw d, const float* mean, const float* scale,
                    float* y) {
    augment_row(x, shape, d, mean, scale, y);
}

void check_augmentable(const Augmentation& a, std::array<int, 3> image_shape, int features,
                       const std::string& data_name) {
    if (!a.active()) return;
    const auto [C, H, W] = image_shape;
    require(C > 0 && H > 0 && W > 0 && C * H * W == features,
            "augment." + std::string(a.translate > 0 ? "translate" : "flip") + ": augmentation needs images, but " +
                data_name + " has " + std::to_string(features) +
                " features and no image shape (give NPY features as (N, H, W) or (N, C, H, W), or remove [augment])");
    require(a.translate < H && a.translate < W,
            "augment.translate: a shift of ±" + std::to_string(a.translate) + " pixels moves a " + std::to_string(H) +
                "×" + std::to_string(W) + " image out of itself (expected less than its height and width)");
}

}  // namespace mlp
