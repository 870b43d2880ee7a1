// A labelled dataset held as it came (uint8 pixels stay uint8), subsets as index lists,
// and the per-feature normalisation that turns a gathered batch into floats.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mlp/augment.hpp"
#include "mlp/matrix.hpp"
#include "mlp/names.hpp"

namespace mlp {

struct Dataset {
    std::string name;
    int rows = 0;       // N
    int features = 0;   // D
    int classes = 0;    // K
    std::vector<std::uint8_t> u8;  // N×D, when the source is bytes
    std::vector<float> f32;        // N×D, otherwise
    // Or N×D values held elsewhere and read in place (a NumPy array, not copied): `owner`
    // keeps that memory alive as long as this Dataset; u8 and f32 stay empty then.
    struct Borrowed {
        const std::uint8_t* u8 = nullptr;
        const float* f32 = nullptr;
        std::shared_ptr<const void> owner;
    } borrowed;
    std::vector<int> labels;       // N, each in [0, K)
    std::vector<std::string> class_names;
    std::array<int, 3> image_shape{0, 0, 0};  // channels, height, width; zeros when not images
    std::map<std::string, std::string> checksums;  // source file name → sha256
    double checksum_seconds = 0.0;                 // wall seconds the loader spent computing them

    bool is_u8() const { return borrowed.u8 || !u8.empty(); }
    const std::uint8_t* u8_values() const { return borrowed.u8 ? borrowed.u8 : u8.data(); }
    const float* f32_values() const { return borrowed.f32 ? borrowed.f32 : f32.data(); }
    double value(int row, int feature) const {
        const std::size_t i = std::size_t(row) * features + feature;
        return is_u8() ? double(u8_values()[i]) : double(f32_values()[i]);
    }
};

// Rows of one Dataset chosen by index: the train, validation and test splits.
struct Subset {
    const Dataset* data = nullptr;
    std::vector<int> indices;
    int size() const { return static_cast<int>(indices.size()); }
};

// global: one mean/std over all features; per_feature: each feature its own;
// per_channel: one mean/std per image channel (needs image_shape); mean_image: subtract
// each feature's mean, no scaling (the CIFAR-10 course code's preprocessing);
// scale255: x/255 into [0, 1]; centered255: (x/255 − 0.5)/0.5 = x/127.5 − 1 into [−1, 1]
// (torchvision's ToTensor then Normalize(0.5, 0.5), as the HLCV/AML PyTorch assignment
// normalises CIFAR-10); none: raw values.
enum class NormalizeMode { global, per_feature, per_channel, mean_image, scale255, centered255, none };
inline constexpr NamedValue<NormalizeMode> kNormalizeNames[] = {
    {"global", NormalizeMode::global},
    {"per_feature", NormalizeMode::per_feature},
    {"per_channel", NormalizeMode::per_channel},
    {"mean_image", NormalizeMode::mean_image},
    {"scale255", NormalizeMode::scale255},
    {"centered255", NormalizeMode::centered255},
    {"none", NormalizeMode::none},
};
NormalizeMode parse_normalize(const std::string& name);
std::string normalize_name(NormalizeMode mode);

// x' = (x − mean_f) · inv_std_f for every feature f. Every mode is stored per feature,
// so a saved model applies it without knowing the mode.
struct Normalizer {
    NormalizeMode mode = NormalizeMode::none;
    std::vector<float> mean;
    std::vector<float> inv_std;
    // Statistics from the given (training) subset only.
    static Normalizer fit(NormalizeMode mode, const Subset& train);
};

// Writes rows subset.indices[order[0..B)] into X (B, D), normalised, and their labels
// (unless labels is nullptr). With an augment stream whose settings are active, each row is
// moved as the stream draws it for its batch row (images only: check_augmentable).
void gather_batch(const Subset& subset, const int* order, int B, const Normalizer& norm, MatrixView<float> X,
                  int* labels, const AugmentStream* augment = nullptr);
// Asks the memory system for the rows the next gather_batch(subset, order, B, ...) reads, so
// their cache misses overlap the current step's arithmetic instead of stalling the gather.
void prefetch_batch(const Subset& subset, const int* order, int B);

}  // namespace mlp
