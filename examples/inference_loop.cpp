// Embedded inference: after set-up, a loop of predictions allocates nothing. Every
// operator new of the program is counted; exits 1 if the loop made one.
//   example_inference_loop [RUN_DIR|-] [THREADS] [BACKEND]   (-: a fresh 784-256-10 network)
// BACKEND defaults to our own kernel (AVX-512), else OpenBLAS: oneDNN, which "auto" picks
// for one row against a wide layer, allocates a few strings inside every dnnl_sgemm call.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mlp/mlp.hpp>
#include <new>
#include <string>
#include <vector>

static std::atomic<long> allocations{0};

void* operator new(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

int main(int argc, char** argv) {
    try {
        mlp::NetworkSpec spec;
        spec.inputs = 784;
        spec.hidden = {256};
        spec.classes = 10;
        const bool fresh = argc < 2 || std::string(argv[1]) == "-";
        const mlp::Model model = fresh ? mlp::Model(spec, 1) : mlp::Model::load(argv[1]);
        const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
        const mlp::Runtime runtime = argc > 3 ? mlp::Runtime(threads, argv[3]) : [&] {
            try {
                return mlp::Runtime(threads, "own");
            } catch (const mlp::Error&) {  // a CPU without AVX-512
                return mlp::Runtime(threads, "openblas");
            }
        }();
        mlp::Predictor predictor(model, runtime, 1);
        const int D = model.spec().inputs, K = model.spec().classes;
        std::vector<float> row(D), probabilities(K);
        std::vector<int> counts(K, 0);

        const long before = allocations.load();
        for (int i = 0; i < 1000; ++i) {
            for (int f = 0; f < D; ++f) row[f] = float((i * 31 + f * 7) % 256);
            predictor.predict(row, probabilities);
            ++counts[predictor.classify(row)];
        }
        const long made = allocations.load() - before;
        std::printf("1000 predictions on %d thread(s), backend %s: %ld allocations in the loop\n", runtime.threads(),
                    runtime.backend().c_str(), made);
        return made == 0 ? 0 : 1;
    } catch (const mlp::Error& e) {
        std::fprintf(stderr, "inference_loop: error: %s\n", e.what());
        return 1;
    }
}
