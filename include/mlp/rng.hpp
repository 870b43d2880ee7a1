// Seeded random numbers that are the same on every platform and compiler:
// xoshiro256** with our own uniform and normal transforms (std:: distributions are
// implementation-defined). One Rng per purpose: init, shuffle, split.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

namespace mlp {

class Rng {
public:
    explicit Rng(std::uint64_t seed);
    std::uint64_t next();
    double uniform();                    // [0, 1)
    double uniform(double lo, double hi);
    double normal();                     // N(0, 1), Box–Muller
    std::uint64_t below(std::uint64_t n);  // uniform integer in [0, n)
    void shuffle(std::vector<int>& items);
    // Derives an independent generator for a named purpose from a base seed.
    static Rng for_purpose(std::uint64_t seed, const char* purpose);

    // The complete generator state, for checkpoints: restoring it continues the stream.
    struct State {
        std::array<std::uint64_t, 4> s{};
        bool has_spare = false;
        double spare = 0.0;
    };
    State state() const { return {{s_[0], s_[1], s_[2], s_[3]}, has_spare_, spare_}; }
    void restore(const State& state);

private:
    std::uint64_t s_[4];
    bool has_spare_ = false;
    double spare_ = 0.0;
};

// The splitmix64 finaliser (Steele, Lea & Flood 2014): a counter hashed into 64 random bits,
// for streams drawn by index (dropout masks, augmentation) rather than in sequence.
inline std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

}  // namespace mlp
