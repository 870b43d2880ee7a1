// Random shifts, flips and elastic distortions of image rows from their counter-based stream
// (augment.hpp).
#include "mlp/augment.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "mlp/error.hpp"
#include "mlp/rng.hpp"

namespace mlp {
namespace {

// w[k] ∝ exp(−(k − r)²/(2σ²)) for k = 0..2r, r = ⌈3σ⌉, summing to 1: this thread's taps,
// computed again only when σ changes (every row of a run has the same σ).
const std::vector<float>& gaussian_taps(float sigma) {
    thread_local std::vector<float> w;
    thread_local float of_sigma = 0.0f;
    if (of_sigma == sigma && !w.empty()) return w;
    const int r = std::max(1, int(std::ceil(3 * sigma)));
    w.resize(2 * r + 1);
    double sum = 0;
    for (int k = 0; k <= 2 * r; ++k) sum += w[k] = float(std::exp(-double(k - r) * (k - r) / (2.0 * sigma * sigma)));
    for (float& t : w) t = float(t / sum);
    of_sigma = sigma;
    return w;
}

// f ← the Gaussian w applied along rows, then along columns, 0 outside; tmp holds H·W.
// Each pass adds one tap at a time over a contiguous run, so the loops vectorise.
void smooth(const std::vector<float>& w, int H, int W, float* f, float* tmp) {
    const int r = int(w.size() / 2);
    std::fill(tmp, tmp + std::size_t(H) * W, 0.0f);
    for (int v = 0; v < H; ++v)
        for (int k = 0; k <= 2 * r; ++k) {
            const int off = k - r;
            const int lo = std::max(0, -off), hi = std::min(W, W - off);
            for (int u = lo; u < hi; ++u) tmp[v * W + u] += w[k] * f[v * W + u + off];
        }
    std::fill(f, f + std::size_t(H) * W, 0.0f);
    for (int v = 0; v < H; ++v)
        for (int k = 0; k <= 2 * r; ++k) {
            const int sv = v + k - r;
            if (sv < 0 || sv >= H) continue;
            for (int u = 0; u < W; ++u) f[v * W + u] += w[k] * tmp[sv * W + u];
        }
}

// One channel plane read at the displaced points (v − dy + fy, u' + fx), bilinearly, 0
// outside the source.
template <class In>
void distort_plane(const In* x, int H, int W, AugmentDraw d, const float* fx, const float* fy, const float* mean,
                   const float* scale, float* y) {
    auto at = [&](int v, int u) { return v >= 0 && v < H && u >= 0 && u < W ? float(x[v * W + u]) : 0.0f; };
    for (int v = 0; v < H; ++v)
        for (int u = 0; u < W; ++u) {
            const int f = v * W + u;
            const float su = float(d.flip ? W - 1 - (u - d.dx) : u - d.dx) + fx[f];
            const float sv = float(v - d.dy) + fy[f];
            const float u0 = std::floor(su), v0 = std::floor(sv);
            const float a = su - u0, b = sv - v0;
            const int iu = int(u0), iv = int(v0);
            const float value = (1 - b) * ((1 - a) * at(iv, iu) + a * at(iv, iu + 1)) +
                                b * ((1 - a) * at(iv + 1, iu) + a * at(iv + 1, iu + 1));
            y[f] = (value - mean[f]) * scale[f];
        }
}

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
    if (d.alpha <= 0) {
        for (int c = 0; c < C; ++c)
            move_plane(x + c * plane, H, W, d, mean + c * plane, scale + c * plane, y + c * plane);
        return;
    }
    thread_local std::vector<float> field;  // fx then fy, reused from row to row
    field.resize(2 * plane);
    elastic_field(d.field, H, W, d.alpha, d.sigma, field.data(), field.data() + plane);
    for (int c = 0; c < C; ++c)
        distort_plane(x + c * plane, H, W, d, field.data(), field.data() + plane, mean + c * plane,
                      scale + c * plane, y + c * plane);
}

}  // namespace

void elastic_field(std::uint64_t field, int H, int W, float alpha, float sigma, float* fx, float* fy) {
    const std::size_t n = std::size_t(H) * W;
    const std::uint64_t base = mix64(field);
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint64_t h = mix64(base + k);
        fx[k] = float(double(h & 0xffffffffULL) * 0x1p-31 - 1.0);  // uniform in [−1, 1)
        fy[k] = float(double(h >> 32) * 0x1p-31 - 1.0);
    }
    const std::vector<float>& w = gaussian_taps(sigma);
    thread_local std::vector<float> tmp;  // reused from row to row
    tmp.resize(n);
    smooth(w, H, W, fx, tmp.data());
    smooth(w, H, W, fy, tmp.data());
    for (std::size_t k = 0; k < n; ++k) {
        fx[k] *= alpha;
        fy[k] *= alpha;
    }
}

std::string Augmentation::describe() const {
    if (!active()) return "none";
    std::string text;
    auto add = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
    if (translate > 0) add("translate ±" + std::to_string(translate) + " px, zero fill");
    if (flip) add("horizontal flip");
    if (elastic_alpha > 0) {
        char part[64];
        std::snprintf(part, sizeof part, "elastic α %g σ %g px", elastic_alpha, elastic_sigma);
        add(part);
    }
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
    if (settings.elastic_alpha > 0) {
        d.alpha = float(settings.elastic_alpha);
        d.sigma = float(settings.elastic_sigma);
        d.field = h;
    }
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
    const char* key = a.translate > 0 ? "translate" : a.flip ? "flip" : "elastic_alpha";
    require(C > 0 && H > 0 && W > 0 && C * H * W == features,
            "augment." + std::string(key) + ": augmentation needs images, but " +
                data_name + " has " + std::to_string(features) +
                " features and no image shape (give NPY features as (N, H, W) or (N, C, H, W), or remove [augment])");
    require(a.translate < H && a.translate < W,
            "augment.translate: a shift of ±" + std::to_string(a.translate) + " pixels moves a " + std::to_string(H) +
                "×" + std::to_string(W) + " image out of itself (expected less than its height and width)");
}

}  // namespace mlp
