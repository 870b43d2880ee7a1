// Subnormal floats (magnitudes below 1.2·10⁻³⁸, 2.2·10⁻³⁰⁸ in double) read and written as
// zero while mlp trains. Adam's running averages for weights whose gradient is always zero
// (MNIST's blank border pixels feed such weights) decay into that range after some hundreds
// of steps, and an x86 core takes a microcode assist, around a hundred cycles, for every
// subnormal operand or result: half of a 784-64-10 Adam fit's time, and a 3-hidden-layer
// CIFAR-10 net with N(0, 1e-3²) weights went from 2 to 30 s an epoch (bench/NOTES.md).
// Flushed, those values are 0, which they are to every printed digit; GPUs and TensorFlow
// train this way by default. Only the calling thread's SSE/AVX mode (MXCSR) changes.
#pragma once

namespace mlp {

// Sets flush-to-zero (results) and denormals-are-zero (operands) on the calling thread for
// the object's lifetime, then restores the thread's previous mode.
class FlushSubnormals {
public:
    FlushSubnormals();
    ~FlushSubnormals();
    FlushSubnormals(const FlushSubnormals&) = delete;
    FlushSubnormals& operator=(const FlushSubnormals&) = delete;

private:
    unsigned saved_;
};

// Whether the calling thread flushes subnormals now (for tests).
bool flushing_subnormals();

}  // namespace mlp
