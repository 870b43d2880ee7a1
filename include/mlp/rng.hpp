// Seeded random numbers that are the same on every platform and compiler:
// xoshiro256** with our own uniform and normal transforms (std:: distributions are
// implementation-defined). One Rng per purpose: init, shuffle, split.
#pragma once
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

private:
    std::uint64_t s_[4];
    bool has_spare_ = false;
    double spare_ = 0.0;
};

}  // namespace mlp
