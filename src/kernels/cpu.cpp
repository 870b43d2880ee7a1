// CPU feature detection through the compiler's cpuid helpers, capped by MLP_ISA.
#include "mlp/cpu.hpp"

#include <cstdlib>
#include <cstring>

namespace mlp {
namespace {

Isa detect() {
    Isa isa = Isa::scalar;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) isa = Isa::avx2;
    if (isa == Isa::avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
        isa = Isa::avx512;
    if (const char* cap = std::getenv("MLP_ISA")) {
        if (!std::strcmp(cap, "scalar")) isa = Isa::scalar;
        else if (!std::strcmp(cap, "avx2") && isa == Isa::avx512) isa = Isa::avx2;
    }
    return isa;
}

}  // namespace

Isa cpu_isa() {
    static const Isa isa = detect();
    return isa;
}

Vendor cpu_vendor() {
    static const Vendor vendor = [] {
        __builtin_cpu_init();
        if (__builtin_cpu_is("intel")) return Vendor::intel;
        if (__builtin_cpu_is("amd")) return Vendor::amd;
        return Vendor::other;
    }();
    return vendor;
}

std::string isa_name(Isa isa) {
    switch (isa) {
        case Isa::avx512: return "avx512";
        case Isa::avx2: return "avx2";
        case Isa::scalar: return "scalar";
    }
    return "?";
}

}  // namespace mlp
