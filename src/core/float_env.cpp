// FTZ and DAZ through MXCSR, the SSE/AVX control register of the calling thread.
#include "mlp/float_env.hpp"

#include <xmmintrin.h>

namespace mlp {
namespace {

constexpr unsigned kFlushToZero = 0x8000;       // MXCSR bit 15: subnormal results become 0
constexpr unsigned kDenormalsAreZero = 0x0040;  // MXCSR bit 6: subnormal operands read as 0
constexpr unsigned kFlush = kFlushToZero | kDenormalsAreZero;

}  // namespace

FlushSubnormals::FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFlush); }

FlushSubnormals::~FlushSubnormals() { _mm_setcsr(saved_); }

bool flushing_subnormals() { return (_mm_getcsr() & kFlush) == kFlush; }

}  // namespace mlp
