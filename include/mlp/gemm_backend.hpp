// Which kernel stands behind gemm(): a run-time choice, per product shape under "auto".
#pragma once
#include <string>

#include "mlp/names.hpp"

namespace mlp {

// automatic: per shape, our AVX-512 kernel for the small and medium products it wins, oneDNN
// for the largest and for one or two rows against a large B; oneDNN only on CPUs without
// AVX-512. The choice depends on the shape only, never on timings taken at run time.
enum class GemmBackend { automatic, onednn, openblas, own, reference };
inline constexpr NamedValue<GemmBackend> kGemmBackendNames[] = {
    {"auto", GemmBackend::automatic},
    {"onednn", GemmBackend::onednn},
    {"openblas", GemmBackend::openblas},
    {"own", GemmBackend::own},
    {"reference", GemmBackend::reference},
};

// Throws Error for an unknown name, or for "own" on a CPU without AVX-512.
GemmBackend parse_gemm_backend(const std::string& name);
std::string gemm_backend_name(GemmBackend backend);

}  // namespace mlp
