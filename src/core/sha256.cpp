// SHA-256 (FIPS 180-4), for the data checksums recorded with every run: a portable
// compression function and one on the x86 SHA extensions, chosen once at run time.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define MLP_SHA_EXTENSIONS 1
#endif

#include "mlp/file.hpp"

namespace mlp {
namespace {

constexpr std::uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void compress_block(std::uint32_t h[8], const std::uint8_t block[64]) {
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i)
        w[i] = std::uint32_t(block[4 * i]) << 24 | std::uint32_t(block[4 * i + 1]) << 16 |
               std::uint32_t(block[4 * i + 2]) << 8 | block[4 * i + 3];
    for (int i = 16; i < 64; ++i) {
        const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; ++i) {
        const std::uint32_t t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kRound[i] + w[i];
        const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

void compress_portable(std::uint32_t h[8], const std::uint8_t* blocks, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) compress_block(h, blocks + 64 * i);
}

#ifdef MLP_SHA_EXTENSIONS
// The SHA extensions keep the state as ABEF and CDGH and do two rounds per sha256rnds2;
// the message schedule of group g + 4 (words 4g+16..4g+19) is
// msg2(msg1(W[4g..], W[4g+4..]) + W[4g+9..4g+12], W[4g+12..]) (Intel's SHA extensions paper).
__attribute__((target("sha,sse4.1,ssse3"))) void compress_extensions(std::uint32_t h[8], const std::uint8_t* blocks,
                                                                      std::size_t count) {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i cdab = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h)), 0xB1);
    __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + 4)), 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    for (std::size_t b = 0; b < count; ++b) {
        const std::uint8_t* block = blocks + 64 * b;
        const __m128i abef_before = abef, cdgh_before = cdgh;
        __m128i w[4];  // words 4g..4g+3 of the schedule sit in w[g % 4]
        for (int i = 0; i < 4; ++i)
            w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)), byte_swap);
        for (int g = 0; g < 16; ++g) {
            __m128i message = _mm_add_epi32(w[g & 3], _mm_loadu_si128(reinterpret_cast<const __m128i*>(kRound + 4 * g)));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, message);
            if (g < 12) {
                const __m128i partial = _mm_add_epi32(_mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]),
                                                      _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
                w[g & 3] = _mm_sha256msg2_epu32(partial, w[(g + 3) & 3]);
            }
            message = _mm_shuffle_epi32(message, 0x0E);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, message);
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(h), _mm_blend_epi16(feba, dchg, 0xF0));   // DCBA
    _mm_storeu_si128(reinterpret_cast<__m128i*>(h + 4), _mm_alignr_epi8(dchg, feba, 8));  // HGFE
}

bool cpu_has_sha_extensions() {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool sse41 = c & bit_SSE4_1, ssse3 = c & bit_SSSE3;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return sse41 && ssse3 && (b & bit_SHA);
}
#else
void compress_extensions(std::uint32_t h[8], const std::uint8_t* blocks, std::size_t count) {
    compress_portable(h, blocks, count);
}
bool cpu_has_sha_extensions() { return false; }
#endif

}  // namespace

bool sha256_extensions_supported() {
    static const bool supported = cpu_has_sha_extensions();
    return supported;
}

std::string sha256_hex(const std::uint8_t* data, std::size_t size, double* seconds) {
    using clock = std::chrono::steady_clock;
    const clock::time_point start = clock::now();
    std::string sum = sha256_hex(data, size);
    *seconds += std::chrono::duration<double>(clock::now() - start).count();
    return sum;
}

std::string sha256_hex(const std::uint8_t* data, std::size_t size) {
    return sha256_hex(data, size, sha256_extensions_supported() ? Sha256Path::extensions : Sha256Path::portable);
}

std::string sha256_hex(const std::uint8_t* data, std::size_t size, Sha256Path path) {
    const auto compress = path == Sha256Path::extensions && sha256_extensions_supported() ? compress_extensions
                                                                                          : compress_portable;
    std::uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const std::size_t full = size / 64 * 64;
    if (full) compress(h, data, full / 64);
    // Padding: 0x80, zeros, then the bit length big-endian, in one or two blocks.
    std::uint8_t tail[128] = {};
    const std::size_t rest = size - full;
    if (rest) std::memcpy(tail, data + full, rest);
    tail[rest] = 0x80;
    const std::size_t tail_size = rest < 56 ? 64 : 128;
    const std::uint64_t bits = std::uint64_t(size) * 8;
    for (int i = 0; i < 8; ++i) tail[tail_size - 1 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
    compress(h, tail, tail_size / 64);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (std::uint32_t word : h)
        for (int shift = 28; shift >= 0; shift -= 4) out += hex[(word >> shift) & 15];
    return out;
}

}  // namespace mlp
