// The constants of our vector exp and tanh: Cephes' expf and tanhf polynomials, accurate
// to a few float ulp. Internal to src/kernels (simd_avx512.hpp, simd_avx2.hpp).
#pragma once

namespace mlp::simd {

// Cephes expf: exp(x) = 2ⁿ · exp(r), r = x − n·ln2, |r| ≤ ln2/2, degree-7 polynomial.
constexpr float kExpHi = 88.3762626647949f, kExpLo = -88.3762626647949f;
constexpr float kLog2e = 1.44269504088896341f, kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
constexpr float kExpP0 = 1.9875691500e-4f, kExpP1 = 1.3981999507e-3f, kExpP2 = 8.3334519073e-3f,
                kExpP3 = 4.1665795894e-2f, kExpP4 = 1.6666665459e-1f, kExpP5 = 5.0000001201e-1f;
// Cephes tanhf for |x| < 0.625: x + x³·P(x²).
constexpr float kTanhP0 = -5.70498872745e-3f, kTanhP1 = 2.06390887954e-2f, kTanhP2 = -5.37397155531e-2f,
                kTanhP3 = 1.33314422036e-1f, kTanhP4 = -3.33332819422e-1f;
constexpr float kTanhSmall = 0.625f;

}  // namespace mlp::simd
