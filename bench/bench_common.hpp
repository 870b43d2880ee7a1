// Shared helpers of the benchmark programs: the machine and library banner, random fills,
// the accuracy check against a reference, medians of timed runs, peak memory.
#pragma once
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <dnnl.h>

extern "C" char* openblas_get_config();
extern "C" char* openblas_get_corename();

namespace bench {

inline double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// "model name", "cpu family", "model" and the widest vector extension, from /proc/cpuinfo.
inline std::string cpu_description() {
    std::ifstream in("/proc/cpuinfo");
    std::string line, name = "?", family = "?", model = "?", isa = "SSE2";
    int cpus = 0;
    auto value = [](const std::string& l) { return l.substr(l.find(':') + 2); };
    while (std::getline(in, line)) {
        if (line.rfind("processor", 0) == 0) ++cpus;
        else if (line.rfind("model name", 0) == 0) name = value(line);
        else if (line.rfind("cpu family", 0) == 0) family = value(line);
        else if (line.rfind("model\t", 0) == 0) model = value(line);
        else if (line.rfind("flags", 0) == 0) {
            if (line.find(" avx512f") != std::string::npos) isa = "AVX-512";
            else if (line.find(" avx2") != std::string::npos && isa != "AVX-512") isa = "AVX2";
        }
    }
    return name + ", family " + family + " model " + model + ", " + std::to_string(cpus) + " logical CPUs, " + isa;
}

inline std::string dnnl_version() {
    const dnnl_version_t* v = ::dnnl_version();
    return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
           " (" + v->hash + ")";
}

inline std::string openblas_version() {
    return std::string(openblas_get_config()) + " core " + openblas_get_corename();
}

inline void print_machine() { std::printf("cpu: %s\n", cpu_description().c_str()); }

inline void fill_random(std::vector<float>& v, unsigned seed) {
    std::uint64_t s = 0x9E3779B97F4A7C15ULL * (seed + 1);
    for (float& x : v) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        x = float(double(s >> 11) / double(1ULL << 53) * 2.0 - 1.0);
    }
}

// max |c − r| / (scale·(1 + |r|)), scale growing like sqrt(K) for sums of K products.
inline double max_relative_error(const std::vector<float>& c, const std::vector<float>& r, int K) {
    double worst = 0.0;
    for (std::size_t i = 0; i < c.size(); ++i) {
        const double e = std::fabs(double(c[i]) - r[i]) / (std::sqrt(double(std::max(K, 1))) * (1.0 + std::fabs(r[i])));
        if (!(e <= worst)) worst = e;  // NaN propagates
    }
    return worst;
}

// Seconds per call of fn: the call is repeated until one run takes ≥ 20 ms (at least once),
// then 5 runs are timed and the median returned. flop only sizes the first guess.
template <class F>
double median_seconds(F&& fn, double flop, int runs = 5, double run_seconds = 0.02) {
    fn();
    double t0 = now();
    fn();
    const double once = std::max(now() - t0, 1e-8);
    const long reps = std::max(1L, long(run_seconds / once));
    std::vector<double> times;
    for (int r = 0; r < runs; ++r) {
        t0 = now();
        for (long i = 0; i < reps; ++i) fn();
        times.push_back((now() - t0) / reps);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// Peak resident set size of this process so far, in MiB (VmHWM).
inline double peak_rss_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024.0;
}

// Current resident set size in MiB (VmRSS), to show that nothing grows between epochs.
inline double current_rss_mib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0.0;
}

}  // namespace bench
