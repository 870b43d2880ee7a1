// scaling_bench: what data-parallel training costs on this machine, for bench/scaling.sh and
// docs/scaling.md. Runs as one process or as every rank under mpirun.
//   scaling_bench allreduce          the time of one sum of n floats over the ranks, as a
//                                    training step makes it (start_sum + wait_sums), n from 50k
//                                    to 10M floats, median of repeats; then the least-squares
//                                    fit t(n) = α + β·(4n bytes)
//   scaling_bench step D H K B T     ms per training step of a D-H-K ReLU net on batches of B
//                                    random rows with T threads per rank (data-parallel over
//                                    the ranks under mpirun): median of 7 rounds of 40 steps
// Rank 0 prints; the others only take part.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "mlp/init.hpp"
#include "mlp/mpi_job.hpp"
#include "mlp/train_step.hpp"

namespace mlp {
namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void allreduce(Communicator& comm) {
    std::vector<double> bytes, seconds;
    if (comm.rank() == 0) std::printf("floats,bytes,seconds,GB/s\n");
    for (std::size_t n : {50000, 100000, 200000, 500000, 1000000, 2000000, 5000000, 10000000}) {
        std::vector<float> x(n, 1.0f);
        std::vector<double> times;
        const int repeats = n <= 1000000 ? 21 : 7;
        for (int i = 0; i < repeats + 1; ++i) {
            comm.any(false);  // start together
            const double t0 = now();
            comm.start_sum(x.data(), n);
            comm.wait_sums();
            if (i > 0) times.push_back(now() - t0);  // the first run warms connections and pages up
            std::fill(x.begin(), x.end(), 1.0f);
        }
        double t = median(times);
        comm.sum(&t, 1);  // the mean over ranks: each waits for the slowest anyway
        t /= comm.size();
        bytes.push_back(4.0 * n);
        seconds.push_back(t);
        if (comm.rank() == 0) std::printf("%zu,%.0f,%.6g,%.3f\n", n, 4.0 * n, t, 4.0 * n / t / 1e9);
    }
    // Least squares t = α + β·bytes.
    const double m = double(bytes.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i)
        sx += bytes[i], sy += seconds[i], sxx += bytes[i] * bytes[i], sxy += bytes[i] * seconds[i];
    const double beta = (m * sxy - sx * sy) / (m * sxx - sx * sx), alpha = (sy - beta * sx) / m;
    if (comm.rank() == 0)
        std::printf("fit: alpha = %.3g s, beta = %.4g s/byte (%.3f GB/s), %d ranks\n", alpha, beta, 1e-9 / beta,
                    comm.size());
}

void step(Communicator* comm, int D, int H, int K, int B, int threads) {
    Architecture arch;
    arch.inputs = D;
    arch.hidden = {H};
    arch.classes = K;
    arch.activation.kind = ActivationKind::relu;
    Network<float> net(arch);
    Rng rng(1);
    initialize(net, Init{InitScheme::he, 0.0}, rng);
    Dataset data;
    data.rows = 4 * B, data.features = D, data.classes = K;
    for (int i = 0; i < data.rows; ++i) {
        data.labels.push_back(int(rng.below(K)));
        for (int f = 0; f < D; ++f) data.f32.push_back(float(rng.normal()));
    }
    Subset subset{&data, {}};
    for (int i = 0; i < data.rows; ++i) subset.indices.push_back(i);
    const Normalizer norm = Normalizer::fit(NormalizeMode::none, subset);
    std::vector<int> order = subset.indices;
    ThreadTeam team(threads);
    const Context ctx{&team, GemmBackend::automatic, comm};
    OptimizerSettings sgd;
    TrainStep train(ctx, net, sgd);
    Workspace<float> ws(net.layout(), B);
    std::vector<double> rounds;
    constexpr int kSteps = 40;
    for (int round = 0; round < 8; ++round) {
        if (comm) comm->any(false);
        const double t0 = now();
        for (int s = 0; s < kSteps; ++s)
            train.run(BatchRows{&subset, order.data() + (s % 4) * B, &norm}, ws, B, 0.01);
        if (round > 0) rounds.push_back((now() - t0) / kSteps);
    }
    const double t = median(rounds);
    if (!comm || comm->rank() == 0)
        std::printf("step %d-%d-%d b%d: %d rank(s) x %d thread(s): %.3f ms/step, %.0f samples/s\n", D, H, K, B,
                    comm ? comm->size() : 1, threads, 1e3 * t, B / t);
}

}  // namespace
}  // namespace mlp

int main(int argc, char** argv) {
    std::unique_ptr<mlp::MpiJob> job = mlp::join_mpi_job(argc, argv);
    mlp::Communicator* comm = job && job->world().size() > 1 ? &job->world() : nullptr;
    const std::string what = argc > 1 ? argv[1] : "";
    if (what == "allreduce" && comm) {
        mlp::allreduce(*comm);
    } else if (what == "step" && argc == 7) {
        mlp::step(comm, std::atoi(argv[2]), std::atoi(argv[3]), std::atoi(argv[4]), std::atoi(argv[5]), std::atoi(argv[6]));
    } else {
        std::fprintf(stderr, "usage: mpirun -np N scaling_bench allreduce | [mpirun -np N] scaling_bench step D H K B THREADS\n");
        return 2;
    }
    return 0;
}
