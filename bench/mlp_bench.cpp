// mlp_bench: full MNIST training steps (shuffle + TrainStep: batch gather, forward, backward
// and SGD update, as `mlp train` runs them) and inference, timed on the configs of
// bench/README.md, after checking the fast path against the double reference. Prints
// s/epoch, samples/s, GFLOP/s, % of the GEMM peak measured in the same run, and memory;
// --json writes the figures for bench/compare.py. Section 6 times a whole `mlp train` run,
// phase by phase (the `mlp` binary of the same build, run as a child process).
//
// Usage (from the repository root, MNIST in data/mnist):
//   mlp_bench [--quick] [--json FILE] [--target-seconds S]
#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <utility>
#include <numeric>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "mlp/cpu.hpp"
#include "mlp/data_source.hpp"
#include "mlp/gemm.hpp"
#include "mlp/init.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/rng.hpp"
#include "mlp/train_step.hpp"
#include "mlp/version.hpp"

namespace {

using namespace mlp;

struct Config {
    std::string name;
    std::vector<int> hidden;
    ActivationKind activation;
    int batch;
    bool headline;  // one of the four peer configs (also run by --quick)
};

std::vector<Config> configs(bool quick) {
    std::vector<Config> c = {
        {"784-64-10 b32", {64}, ActivationKind::sigmoid, 32, true},
        {"784-128-10 b32", {128}, ActivationKind::sigmoid, 32, true},
        {"784-[64]x10-10 b32", std::vector<int>(10, 64), ActivationKind::improved_sigmoid, 32, true},
        {"784-512-10 b512", {512}, ActivationKind::sigmoid, 512, true},
    };
    if (quick) return c;
    c.push_back({"784-128-10 b1", {128}, ActivationKind::sigmoid, 1, false});
    c.push_back({"784-128-10 b128", {128}, ActivationKind::sigmoid, 128, false});
    c.push_back({"784-128-10 b512", {128}, ActivationKind::sigmoid, 512, false});
    c.push_back({"784-1024-10 b512", {1024}, ActivationKind::sigmoid, 512, false});
    c.push_back({"784-2048-10 b512", {2048}, ActivationKind::sigmoid, 512, false});
    c.push_back({"784-[128]x3-10 b128", {128, 128, 128}, ActivationKind::sigmoid, 128, false});
    c.push_back({"784-[128]x5-10 b128", std::vector<int>(5, 128), ActivationKind::sigmoid, 128, false});
    return c;
}

Architecture architecture(const Config& c) {
    Architecture a;
    a.inputs = 784;
    a.hidden = c.hidden;
    a.classes = 10;
    a.activation = Activation{c.activation};
    return a;
}

// FLOP of one epoch of N samples: forward, weight gradient and input gradient of every
// layer but the first's input gradient: 2·N·(3·ΣW − D·H1).
double flop_per_epoch(const Config& c, int N) {
    double weights = 0.0;
    int in = 784;
    for (int h : c.hidden) weights += double(in) * h, in = h;
    weights += double(in) * 10;
    return 2.0 * N * (3.0 * weights - 784.0 * c.hidden.front());
}

FILE* g_json = nullptr;

template <class... Args>
void json(const char* format, Args... args) {
    if (!g_json) return;
    std::fprintf(g_json, format, args...);
    std::fputc('\n', g_json);
    std::fflush(g_json);
}

// The best square-2048 SGEMM rate (GFLOP/s) on `threads` threads: oneDNN with its own
// OpenMP threads, and every backend through gemm() split over the team.
double measure_peak(int threads) {
    const int n = 2048;
    std::vector<float> A(std::size_t(n) * n), B(A.size()), C(A.size());
    bench::fill_random(A, 3), bench::fill_random(B, 4);
    const double flop = 2.0 * n * n * n;
    double best = 0.0;
    ThreadTeam team(threads);
    std::vector<std::pair<std::string, GemmBackend>> backends = {{"onednn", GemmBackend::onednn}};
    if (avx512_supported()) backends.push_back({"own", GemmBackend::own});
    for (auto& [name, backend] : backends) {
        const double s = bench::median_seconds(
            [&] { gemm(Context{&team, backend}, false, false, n, n, n, 1.0f, A.data(), n, B.data(), n, 0.0f, C.data(), n); }, flop, 5,
            0.0);
        std::printf("  %-28s %d thread%s  %7.1f GFLOP/s\n", (name + " (team)").c_str(), threads,
                    threads > 1 ? "s" : " ", flop / s * 1e-9);
        best = std::max(best, flop / s * 1e-9);
    }
    omp_set_num_threads(threads);
    const double s = bench::median_seconds(
        [&] { dnnl_sgemm('N', 'N', n, n, n, 1.0f, A.data(), n, B.data(), n, 0.0f, C.data(), n); }, flop, 5, 0.0);
    omp_set_num_threads(1);
    std::printf("  %-28s %d thread%s  %7.1f GFLOP/s\n", "dnnl_sgemm (OpenMP)", threads, threads > 1 ? "s" : " ",
                flop / s * 1e-9);
    return std::max(best, flop / s * 1e-9);
}

// The float network's loss and gradients on one batch against the double network with the
// same weights: the fast kernels must agree with the reference before anything is timed.
bool check_against_reference(const Config& c, const DataSplits& data, int threads) {
    ThreadTeam team(threads);
    const Context ctx{&team};
    const int B = std::min(c.batch, 64);
    const Architecture arch = architecture(c);
    Network<float> net(arch);
    Rng rng(7);
    initialize(net, Init{InitScheme::fan_in}, rng);
    Network<double> ref(arch);
    for (int l = 0; l < net.layers(); ++l) {
        const auto w = net.weight(std::as_const(net.params), l);
        auto wd = ref.weight(ref.params, l);
        for (int i = 0; i < w.rows; ++i)
            for (int j = 0; j < w.cols; ++j) wd.row(i)[j] = w.row(i)[j];
        if (const float* b = net.bias(std::as_const(net.params), l))
            for (int j = 0; j < w.cols; ++j) ref.bias(ref.params, l)[j] = b[j];
    }
    Workspace<float> ws(net.layout(), B);
    Workspace<double> wsd(ref.layout(), B);
    std::vector<int> order(B);
    std::iota(order.begin(), order.end(), 0);
    gather_batch(data.train, order.data(), B, data.normalizer, ws.input, ws.labels.data());
    for (int i = 0; i < B; ++i) {
        for (int f = 0; f < 784; ++f) wsd.input.row(i)[f] = ws.input.row(i)[f];
        wsd.labels[i] = ws.labels[i];
    }
    // The training step with lr 0: the shared step on 2 threads, and the gradients it leaves.
    TrainStep step(ctx, net, OptimizerSettings{});
    const LossResult fast = step.run(ws, B, 0.0).loss;
    const Network<float>& trained = step.network();  // with the gradients, back from the shards
    const LossResult slow = ref.forward_backward(Context{}, wsd, B);
    double worst = std::abs(fast.loss - slow.loss) / std::abs(slow.loss);
    for (int l = 0; l < net.layers(); ++l) {
        const auto g = trained.weight(trained.grads, l);
        const auto gd = ref.weight(std::as_const(ref.grads), l);
        double diff = 0.0, scale = 0.0;
        for (int i = 0; i < g.rows; ++i)
            for (int j = 0; j < g.cols; ++j) {
                diff = std::max(diff, std::abs(double(g.row(i)[j]) - gd.row(i)[j]));
                scale = std::max(scale, std::abs(gd.row(i)[j]));
            }
        worst = std::max(worst, scale > 0 ? diff / scale : diff);
    }
    const bool ok = worst < 1e-4;
    std::printf("  %-22s threads %d  max relative error %.1e  %s\n", c.name.c_str(), threads, worst, ok ? "ok" : "WRONG");
    return ok;
}

// One training run's state: network, workspace, optimizer, the shuffled order.
struct TrainState {
    const DataSplits& data;
    int B;
    ThreadTeam team;
    Network<float> net;
    Workspace<float> ws;
    TrainStep step{Context{&team}, net, OptimizerSettings{}};
    long S;
    std::vector<int> order;
    Rng shuffle = Rng::for_purpose(1, "shuffle");
    long cursor = 0;

    TrainState(const Config& c, const DataSplits& d, int threads)
        : data(d), B(c.batch), team(threads), net(architecture(c)), ws(net.layout(), c.batch),
          S((d.train.size() + c.batch - 1) / c.batch),
          order(d.train.size()) {
        Rng rng(1);
        initialize(net, Init{InitScheme::fan_in}, rng);
        std::iota(order.begin(), order.end(), 0);
    }
    // Reshuffles, then runs n steps (shuffle + gather + forward + backward + update).
    void steps(long n) {
        shuffle.shuffle(order);
        const int N = data.train.size();
        for (long s = 0; s < n; ++s, ++cursor) {
            const long at = cursor % S;
            const int b = int(std::min<long>(B, N - at * B));
            const int next = at + 1 < S ? int(std::min<long>(B, N - (at + 1) * B)) : 0;
            step.run(BatchRows{&data.train, order.data() + at * B, &data.normalizer, next ? order.data() + (at + 1) * B : nullptr, next}, ws,
                     b, 0.01);
        }
    }
};

// Seconds per epoch of training: 20 warm-up steps, a probe, then 3 runs of as many steps as fill about
// target_s (at most one epoch, at least one step), each starting with a reshuffle; the
// median seconds per step times the steps of a full epoch.
double time_training(const Config& c, const DataSplits& data, int threads, double target_s) {
    TrainState run(c, data, threads);
    run.steps(std::min<long>(run.S, 20));
    // Probe: 1, 2, 4, ... steps until one probe run takes 50 ms or an epoch.
    double t0 = 0, per_step = 0;
    for (long probe = 1;; probe *= 2) {
        t0 = bench::now();
        run.steps(std::min(probe, run.S));
        per_step = (bench::now() - t0) / std::min(probe, run.S);
        if (bench::now() - t0 >= 0.05 || probe >= run.S) break;
    }
    const long n = std::clamp<long>(long(target_s / per_step), 1, run.S);
    std::vector<double> times;
    for (int r = 0; r < 3; ++r) {
        t0 = bench::now();
        run.steps(n);
        times.push_back((bench::now() - t0) / n);
    }
    std::sort(times.begin(), times.end());
    return times[1] * run.S;
}

// Inference through Network::forward (what `mlp eval` and `mlp predict` run per batch) on gathered rows:
// seconds per batch of B, median of 5 runs.
double time_inference(const DataSplits& data, int B, int threads) {
    ThreadTeam team(threads);
    const Context ctx{&team};
    Config c{"784-512-10", {512}, ActivationKind::sigmoid, B, false};
    Network<float> net(architecture(c));
    Rng rng(1);
    initialize(net, Init{InitScheme::fan_in}, rng);
    Workspace<float> ws(net.layout(), B);
    std::vector<int> order(data.test.size());
    std::iota(order.begin(), order.end(), 0);
    long at = 0;
    volatile float sink = 0;
    return bench::median_seconds(
        [&] {
            at = (at + B) % (long(order.size()) - B);
            gather_batch(data.test, order.data() + at, B, data.normalizer, ws.input, ws.labels.data());
            const auto logits = net.forward(ctx, ws, B);
            sink = sink + logits.row(0)[0];
        },
        0.0, 5, 0.05);
}

// One whole `mlp train --verbose` of 784-64-10 b32 (experiments/speed_784_64_10.toml, 4 epochs,
// 10,000 rows held out and validated once an epoch, the report on, train.threads auto) as
// a child process: its phase times as it prints them, and the child's wall time from start
// to exit. Phase names become JSON keys with '_' for ' ' ("training steps" → training_steps).
std::vector<std::pair<std::string, double>> time_process(const std::string& out_dir) {
    const std::string command = std::string("'") + MLP_BINARY +
                                "' train --config experiments/speed_784_64_10.toml --set train.epochs=4 "
                                "--set data.validation=auto --quiet --verbose --out '" + out_dir + "' 2>&1 >/dev/null";
    const double start = bench::now();
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run " + command);
    std::vector<std::pair<std::string, double>> phases;
    char line[256];
    bool in_phases = false;
    while (std::fgets(line, sizeof line, pipe)) {
        if (!std::strncmp(line, "phases (wall seconds):", 22)) in_phases = true;
        else if (in_phases && !std::strncmp(line, "  ", 2)) {
            // "  training steps     0.620  (...)": the name is every word before the number.
            std::string text(line + 2), name;
            const std::size_t number = text.find_first_of("0123456789");
            if (number == std::string::npos) continue;
            name = text.substr(0, text.find_last_not_of(' ', number - 1) + 1);
            std::replace(name.begin(), name.end(), ' ', '_');
            phases.emplace_back(name, std::atof(text.c_str() + number));
        }
    }
    const int status = pclose(pipe);
    const double wall = bench::now() - start;
    if (status != 0 || phases.empty()) throw std::runtime_error("`mlp train --verbose` failed: " + command);
    phases.emplace_back("process", wall);
    return phases;
}

double phase(const std::vector<std::pair<std::string, double>>& phases, const std::string& name) {
    for (const auto& [n, s] : phases)
        if (n == name) return s;
    return 0.0;
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    double target_s = 0.25;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--quick")) quick = true;
        else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) g_json = std::fopen(argv[++i], "w");
        else if (!std::strcmp(argv[i], "--target-seconds") && i + 1 < argc) target_s = std::atof(argv[++i]);
        else {
            std::fprintf(stderr, "usage: mlp_bench [--quick] [--json FILE] [--target-seconds S]\n");
            return 2;
        }
    }
    try {
        bench::print_machine();
        std::printf("libraries: %s | %s | mlp %s, kernels for %s, gemm %s\n", bench::dnnl_version().c_str(),
                    bench::openblas_version().c_str(), kVersion, isa_name(cpu_isa()).c_str(),
                    gemm_backend_name(GemmBackend::automatic).c_str());
        json("{\"kind\":\"machine\",\"cpu\":\"%s\",\"isa\":\"%s\"}", bench::cpu_description().c_str(),
             isa_name(cpu_isa()).c_str());

        DataConfig dc;
        dc.validation = 0;
        const double load0 = bench::now();
        const DataSplits data = load_data(dc);
        std::printf("data: MNIST %d train, %d test rows, %s features; loaded in %.2f s (not timed below); RSS %.0f MiB\n\n",
                    data.train.size(), data.test.size(), data.train.data->is_u8() ? "uint8" : "float32",
                    bench::now() - load0, bench::current_rss_mib());

        std::printf("1. check against the double reference (loss and every weight gradient, one batch)\n");
        bool ok = true;
        for (const Config& c : configs(true))
            for (int t : {1, 2}) ok = check_against_reference(c, data, t) && ok;
        if (!ok) {
            std::fprintf(stderr, "mlp_bench: the fast path disagrees with the reference; no timings\n");
            return 1;
        }

        std::printf("\n2. memory: 784-64-10 b32, %d epochs on 2 threads, resident set after each\n", quick ? 3 : 10);
        {
            const Config c = configs(true).front();
            const double before = bench::current_rss_mib();
            TrainState run(c, data, 2);
            std::vector<double> rss;
            for (int e = 0; e < (quick ? 3 : 10); ++e) {
                run.steps(run.S);
                rss.push_back(bench::current_rss_mib());
            }
            const double dataset_mib = (double(data.train_data->rows) + data.test_data->rows) * 784 / (1 << 20);
            std::printf("  RSS before %.1f MiB; after epoch 1 %.1f MiB, after the last %.1f MiB (growth %.2f MiB)\n",
                        before, rss.front(), rss.back(), rss.back() - rss.front());
            std::printf("  peak RSS of this process %.1f MiB (uint8 MNIST itself %.1f MiB)\n", bench::peak_rss_mib(),
                        dataset_mib);
            json("{\"kind\":\"memory\",\"rss_first\":%.2f,\"rss_last\":%.2f,\"peak\":%.2f,\"dataset\":%.2f}",
                 rss.front(), rss.back(), bench::peak_rss_mib(), dataset_mib);
        }
        std::printf("\n3. GEMM peak, square 2048, median of 5\n");
        const double peak[3] = {0.0, measure_peak(1), measure_peak(2)};
        json("{\"kind\":\"peak\",\"threads\":1,\"gflops\":%.2f}", peak[1]);
        json("{\"kind\":\"peak\",\"threads\":2,\"gflops\":%.2f}", peak[2]);
        std::printf("  peak: %.1f GFLOP/s (1 thread), %.1f GFLOP/s (2 threads)\n", peak[1], peak[2]);

        std::printf("\n4. training, full MNIST epoch (60000 samples); median of 3 runs of ~%.2f s each\n", target_s);
        std::printf("%-22s %3s %9s %11s %8s %7s %10s %9s\n", "config", "thr", "s/epoch", "samples/s", "GFLOP/s",
                    "% peak", "floor s", "x floor");
        const int N = data.train.size();
        for (const Config& c : configs(quick)) {
            const double flop = flop_per_epoch(c, N);
            for (int t : {1, 2}) {
                const double s = time_training(c, data, t, target_s);
                std::printf("%-22s %3d %9.4f %11.0f %8.1f %6.1f%% %10.4f %9.2f\n", c.name.c_str(), t, s, N / s,
                            flop / s * 1e-9, 100.0 * flop / s * 1e-9 / peak[t], flop / (peak[t] * 1e9),
                            s / (flop / (peak[t] * 1e9)));
                json("{\"kind\":\"train\",\"impl\":\"mlp\",\"config\":\"%s\",\"threads\":%d,\"s_per_epoch\":%.6f,"
                     "\"flop_per_epoch\":%.6g}",
                     c.name.c_str(), t, s, flop);
            }
        }

        std::printf("\n5. inference, 784-512-10 (Network::forward on gathered test rows), median of 5\n");
        for (int t : {1, 2}) {
            const double b1 = time_inference(data, 1, t), b256 = time_inference(data, 256, t);
            std::printf("  threads %d: batch 1 latency %7.2f µs; batch 256 %10.0f samples/s\n", t, b1 * 1e6,
                        256 / b256);
            json("{\"kind\":\"infer\",\"impl\":\"mlp\",\"threads\":%d,\"b1_us\":%.3f,\"b256_samples_s\":%.1f}", t,
                 b1 * 1e6, 256 / b256);
        }

        std::printf("\n6. whole process: mlp train, 784-64-10 b32, 4 epochs, validation once an epoch, report on, "
                    "threads auto; the run with the least wall time of 3\n");
        {
            char dir_template[] = "/tmp/mlp_bench_process_XXXXXX";
            const char* dir = mkdtemp(dir_template);
            if (!dir) throw std::runtime_error("cannot create a temporary directory");
            std::vector<std::pair<std::string, double>> best;
            for (int r = 0; r < 3; ++r) {
                auto phases = time_process(std::string(dir) + "/run" + std::to_string(r));
                if (best.empty() || phase(phases, "process") < phase(best, "process")) best = phases;
            }
            std::filesystem::remove_all(dir);
            std::string fields;
            for (const auto& [name, seconds] : best) {
                std::printf("  %-16s %8.3f s\n", name.c_str(), seconds);
                char field[96];
                std::snprintf(field, sizeof field, ",\"%s_s\":%.4f", name.c_str(), seconds);
                fields += field;
            }
            const double ratio = phase(best, "process") / phase(best, "training_steps");
            std::printf("  whole process / training steps: %.2fx (target 1.3x)\n", ratio);
            json("{\"kind\":\"process\",\"config\":\"784-64-10 b32\",\"epochs\":4%s,\"ratio\":%.4f}",
                 fields.c_str(), ratio);
        }

    } catch (const std::exception& e) {
        std::fprintf(stderr, "mlp_bench: error: %s\n", e.what());
        return 1;
    }
    if (g_json) std::fclose(g_json);
    return 0;
}
