// What the CPU can run, checked once at run time (the build itself targets plain x86-64).
// The environment variable MLP_ISA=avx2 or MLP_ISA=scalar caps it, so the slower paths a
// CPU without AVX-512 takes can be tested and timed on one that has it.
#pragma once
#include <string>

namespace mlp {

enum class Isa { scalar, avx2, avx512 };
// Whose cores: kernel choices measured on one vendor's cores do not carry over to the
// other's (gemm_choice, bench/NOTES.md).
enum class Vendor { intel, amd, other };

Isa cpu_isa();                  // the widest usable: AVX-512 (F, DQ, VL, BW), AVX2 + FMA, or neither
std::string isa_name(Isa isa);  // "avx512", "avx2", "scalar"
inline bool avx512_supported() { return cpu_isa() == Isa::avx512; }
Vendor cpu_vendor();

}  // namespace mlp
