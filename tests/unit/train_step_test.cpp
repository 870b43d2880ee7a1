// The training step shared over two threads by hidden units: it must give one thread's
// result within float rounding for every optimizer, L2, bias convention and layer shape
// (including a layer too narrow to give the second thread any units), the double
// reference's gradients, the same bits on every run, and hand its weights back through
// network(), whichever reader asks.
#include <gtest/gtest.h>

#include <thread>

#include <cmath>
#include <cstring>
#include <numeric>

#include "mlp/checkpoint.hpp"
#include "mlp/gemm.hpp"
#include "mlp/init.hpp"
#include "mlp/train_step.hpp"
#include "mlp/trainer.hpp"
#include "interrupt_support.hpp"
#include "synthetic_data.hpp"
#include "test_context.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

Architecture architecture(int inputs, std::vector<int> hidden, int classes, BiasMode bias = BiasMode::explicit_vectors) {
    Architecture arch;
    arch.inputs = inputs;
    arch.hidden = std::move(hidden);
    arch.classes = classes;
    arch.activation = Activation{ActivationKind::tanh};
    arch.bias = bias;
    return arch;
}

struct Trained {
    std::vector<float> params, grads;
    std::vector<double> losses;
};

// `steps` steps on fixed random batches at `threads` threads; the weights after them.
Trained train(const Architecture& arch, int threads, OptimizerKind kind, double l2, int B = 32, int steps = 4) {
    ThreadTeam team(threads);
    const Context ctx = test::test_context(&team);
    Network<float> net(arch);
    Rng rng(11);
    initialize(net, Init{InitScheme::fan_in}, rng);
    OptimizerSettings settings;
    settings.kind = kind;
    TrainStep step(ctx, net, settings, {.l2 = l2});
    Workspace<float> ws(net.layout(), B);
    Trained run;
    for (int s = 0; s < steps; ++s) {
        const auto x = test::cast<float>(test::random_values(std::size_t(B) * arch.inputs, 100 + s));
        std::memcpy(ws.input.data, x.data(), x.size() * sizeof(float));
        for (int i = 0; i < B; ++i) ws.labels[i] = (i * 7 + s) % arch.classes;
        const StepResult r = step.run(ws, B, kind == OptimizerKind::adam ? 0.01 : 0.1);
        EXPECT_TRUE(r.finite);
        run.losses.push_back(r.loss.loss);
    }
    const Network<float>& trained = step.network();
    run.params.assign(trained.params.begin(), trained.params.end());
    run.grads.assign(trained.grads.begin(), trained.grads.end());
    return run;
}

// How many hidden layers a step of this network on batches of B shares over two threads.
int shared(const Architecture& arch, int B) {
    Network<float> net(arch);
    return TrainStep(Context{}, net, OptimizerSettings{}).shared_layers(2, B);
}

// What shared() gives when the rule would share `layers` of arch's hidden layers: below
// AVX-512 only whole steps are shared (train_step.cpp), so a partial share becomes none.
int expected_share(const Architecture& arch, int layers) {
    return layers == int(arch.hidden.size()) || avx512_supported() ? layers : 0;
}

double max_difference(const std::vector<float>& a, const std::vector<float>& b) {
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(double(a[i]) - b[i]));
    return worst;
}

TEST(TrainStep, SharesOnlyWhereAPhaseHoldsEnoughWork) {
    Network<float> narrow(architecture(784, {64}, 10));
    EXPECT_TRUE(TrainStep(Context{}, narrow, OptimizerSettings{}).shares(2, 32));
    EXPECT_FALSE(TrainStep(Context{}, narrow, OptimizerSettings{}).shares(1, 32));
    EXPECT_FALSE(TrainStep(Context{}, narrow, OptimizerSettings{}).shares(2, 8));  // 0.6·10⁶ multiply-adds a phase
    EXPECT_TRUE(TrainStep(Context{}, narrow, OptimizerSettings{}).shares(2, 1));   // a stream over the weights
    EXPECT_EQ(shared(architecture(784, {64}, 10), 32), 1);
    // Deep and narrow: only the first layer's phase is large enough at batch 32; below
    // AVX-512 such a partial share is not taken (train_step.cpp).
    const Architecture deep = architecture(784, std::vector<int>(10, 64), 10);
    EXPECT_EQ(shared(deep, 32), expected_share(deep, 1));
    EXPECT_EQ(shared(architecture(784, std::vector<int>(10, 64), 10), 128), 10);
    EXPECT_EQ(shared(architecture(784, {64, 64, 64}, 10), 32), 3);
    EXPECT_EQ(shared(architecture(784, {16, 16, 16}, 10), 32), 0);
    Network<float> softmax(architecture(784, {}, 10));
    EXPECT_FALSE(TrainStep(Context{}, softmax, OptimizerSettings{}).shares(2, 512));
}

TEST(TrainStep, TwoThreadsMatchOneForEveryOptimizerAndShape) {
    // 16 units give the second thread none; 40 and 33 split unevenly (32 + 8, 32 + 1).
    // The last three share only their first one or two layers at their batch size.
    struct Case {
        Architecture arch;
        int batch, shared;
    };
    const std::vector<Case> cases = {
        {architecture(300, {200}, 10), 256, 1},
        {architecture(120, {40, 33, 16}, 7), 256, 3},
        {architecture(300, {100, 60}, 10, BiasMode::trick), 256, 2},
        {architecture(800, {40, 33, 16, 16, 16}, 7), 32, 1},
        {architecture(300, {128, 96, 8, 8, 8, 8, 8, 8, 8, 8, 8}, 5, BiasMode::trick), 64, 2},
        {architecture(800, {16, 40, 16, 16, 16, 16}, 7), 64, 1}};
    for (const auto& [arch, B, layers] : cases)
        for (OptimizerKind kind : {OptimizerKind::sgd, OptimizerKind::momentum, OptimizerKind::nesterov, OptimizerKind::adam}) {
            ASSERT_EQ(shared(arch, B), expected_share(arch, layers));
            const Trained one = train(arch, 1, kind, 1e-3, B);
            const Trained two = train(arch, 2, kind, 1e-3, B);
            const std::string what = optimizer_name(kind) + " " + std::to_string(arch.hidden.size()) + " hidden";
            EXPECT_LT(max_difference(one.params, two.params), 2e-5) << what;
            EXPECT_LT(max_difference(one.grads, two.grads), 2e-5) << what;
            for (std::size_t s = 0; s < one.losses.size(); ++s) EXPECT_NEAR(one.losses[s], two.losses[s], 1e-5) << what;
        }
}

// train.l2_biases (issue 19): one SGD step with L2 λ moves every parameter, biases included,
// by −lr·2λ·w more than the same step without L2 (w ← w − lr·(g + 2λw)), on one thread and
// when the step is shared over two (each rank updates its own slice of the biases).
TEST(TrainStep, L2OnBiasesDecaysEveryParameterByTwoLambda) {
    const Architecture arch = architecture(300, {200}, 10);
    const int B = 256;
    ASSERT_EQ(shared(arch, B), expected_share(arch, 1));
    const double lr = 0.1, lambda = 0.05;
    for (int threads : {1, 2}) {
        auto step_once = [&](double l2, bool biases) {
            ThreadTeam team(threads);
            Network<float> net(arch);
            Rng rng(4);
            initialize(net, Init{InitScheme::fan_in}, rng);
            const auto b = test::cast<float>(test::random_values(net.params.size(), 9));
            for (const LayerLayout& layer : net.layout().layers)  // biases away from 0, where decay shows
                std::copy(b.begin(), b.begin() + layer.out, net.params.data() + layer.b_offset);
            std::vector<float> before(net.params.begin(), net.params.end());
            TrainStep step(test::test_context(&team), net, OptimizerSettings{}, {.l2 = l2, .l2_biases = biases});
            Workspace<float> ws(net.layout(), B);
            const auto x = test::cast<float>(test::random_values(std::size_t(B) * arch.inputs, 6));
            std::copy(x.begin(), x.end(), ws.input.data);
            for (int i = 0; i < B; ++i) ws.labels[i] = i % arch.classes;
            EXPECT_TRUE(step.run(ws, B, lr).finite);
            const Network<float>& trained = step.network();
            return std::pair{before, std::vector<float>(trained.params.begin(), trained.params.end())};
        };
        const auto [w0, plain] = step_once(0.0, false);
        const auto [w0_again, weights_only] = step_once(lambda, false);
        const auto [w0_too, all] = step_once(lambda, true);
        ASSERT_EQ(w0, w0_again);
        const Network<float> shape(arch);
        for (const LayerLayout& layer : shape.layout().layers) {
            for (std::size_t i = layer.w_offset; i < layer.w_offset + std::size_t(layer.in) * layer.out; i += 97) {
                EXPECT_NEAR(all[i] - plain[i], -lr * 2 * lambda * w0[i], 1e-6) << "threads " << threads << " W " << i;
                EXPECT_NEAR(weights_only[i] - plain[i], -lr * 2 * lambda * w0[i], 1e-6) << i;
            }
            for (std::size_t i = layer.b_offset; i < layer.b_offset + std::size_t(layer.out); ++i) {
                EXPECT_NEAR(all[i] - plain[i], -lr * 2 * lambda * w0[i], 1e-6) << "threads " << threads << " b " << i;
                EXPECT_EQ(weights_only[i], plain[i]) << "biases are not decayed without l2_biases, " << i;
            }
        }
    }
}

TEST(TrainStep, TwoThreadsGiveTheSameBitsEveryRun) {
    const Architecture arch = architecture(300, {100, 60}, 10);
    const Trained a = train(arch, 2, OptimizerKind::adam, 1e-3, 64);
    const Trained b = train(arch, 2, OptimizerKind::adam, 1e-3, 64);
    EXPECT_EQ(0, std::memcmp(a.params.data(), b.params.data(), a.params.size() * sizeof(float)));
}

// Every layer shared, or only the first (the rest on the caller); with label smoothing ε.
void check_against_double_reference(const Architecture& arch, int B, int layers, double smoothing = 0.0) {
    ASSERT_EQ(shared(arch, B), expected_share(arch, layers));
    ThreadTeam team(2);
    const Context ctx = test::test_context(&team);
    Network<float> net(arch);
    Rng rng(5);
    initialize(net, Init{InitScheme::fan_in}, rng);
    Network<double> ref(arch);
    for (std::size_t i = 0; i < net.params.size(); ++i) ref.params.data()[i] = net.params.data()[i];
    Workspace<float> ws(net.layout(), B);
    Workspace<double> wsd(ref.layout(), B);
    const auto x = test::random_values(std::size_t(B) * arch.inputs, 9);
    for (std::size_t i = 0; i < x.size(); ++i) ws.input.data[i] = float(x[i]), wsd.input.data[i] = float(x[i]);
    for (int i = 0; i < B; ++i) ws.labels[i] = wsd.labels[i] = (3 * i) % 10;
    StepRules rules;
    rules.label_smoothing = smoothing;
    TrainStep step(ctx, net, OptimizerSettings{}, rules);
    ASSERT_EQ(step.shares(2, B), expected_share(arch, layers) > 0);
    const StepResult fast = step.run(ws, B, 0.0);  // lr 0: the weights stay, the gradients show
    const Buffer<float>& grads = step.network().grads;
    const LossResult slow = ref.forward_backward(Context{}, wsd, B, 0, {}, nullptr, nullptr, smoothing);
    EXPECT_NEAR(fast.loss.loss, slow.loss, 1e-5 * slow.loss);
    EXPECT_EQ(fast.loss.correct, slow.correct);
    double worst = 0.0, scale = 0.0;
    for (std::size_t i = 0; i < grads.size(); ++i) {
        worst = std::max(worst, std::abs(grads.data()[i] - ref.grads.data()[i]));
        scale = std::max(scale, std::abs(ref.grads.data()[i]));
    }
    EXPECT_LT(worst, 1e-5 * scale);
}

TEST(TrainStep, SharedGradientsMatchTheDoubleReference) {
    check_against_double_reference(architecture(200, {96, 48}, 10), 64, 2);
    check_against_double_reference(architecture(200, {112, 8, 8, 8, 8}, 10), 32, 1);
    // With label smoothing: the loss of every rank (all layers shared) or of the caller.
    check_against_double_reference(architecture(200, {96, 48}, 10), 64, 2, 0.1);
    check_against_double_reference(architecture(200, {112, 8, 8, 8, 8}, 10), 32, 1, 0.1);
}

TEST(TrainStep, GatheringInsideTheStepEqualsAGatheredBatch) {
    const DataSplits data = test::clusters_splits(300, 400, 5, 0);
    const Architecture arch = architecture(400, {64}, 5);
    const int B = 32;
    ASSERT_TRUE(shared(arch, B));
    std::vector<int> order(data.train.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<float> results[2];
    for (int mode = 0; mode < 2; ++mode) {
        ThreadTeam team(2);
    const Context ctx = test::test_context(&team);
        Network<float> net(arch);
        Rng rng(2);
        initialize(net, Init{InitScheme::fan_in}, rng);
        TrainStep step(ctx, net, OptimizerSettings{});
        Workspace<float> ws(net.layout(), B);
        for (int s = 0; s < 5; ++s) {
            const int* rows = order.data() + s * B;
            if (mode == 0) {
                step.run(BatchRows{&data.train, rows, &data.normalizer, rows + B, B}, ws, B, 0.1);
            } else {
                gather_batch(data.train, rows, B, data.normalizer, ws.input, ws.labels.data());
                step.run(ws, B, 0.1);
            }
        }
        results[mode].assign(step.network().params.begin(), step.network().params.end());
    }
    EXPECT_EQ(0, std::memcmp(results[0].data(), results[1].data(), results[0].size() * sizeof(float)));
}

TEST(TrainStep, ReadersSeeTheCurrentWeightsAndChangesAreTakenIn) {
    const Architecture arch = architecture(400, {64}, 10);
    const int B = 32;
    ASSERT_TRUE(shared(arch, B));
    ThreadTeam team(2);
    const Context ctx = test::test_context(&team);
    Network<float> net(arch);
    Rng rng(4);
    initialize(net, Init{InitScheme::fan_in}, rng);
    const std::vector<float> before(net.params.begin(), net.params.end());
    TrainStep step(ctx, net, OptimizerSettings{});
    Workspace<float> ws(net.layout(), B);
    const auto x = test::cast<float>(test::random_values(std::size_t(B) * arch.inputs, 3));
    std::memcpy(ws.input.data, x.data(), x.size() * sizeof(float));
    for (int i = 0; i < B; ++i) ws.labels[i] = i % 10;
    const double first = step.run(ws, B, 0.5).loss.loss;
    const Buffer<float>& now = step.network().params;
    EXPECT_GT(max_difference(before, std::vector<float>(now.begin(), now.end())), 1e-4);
    // Put the initial weights back: the next step must start from them, not from the shards.
    Buffer<float>& params = step.writable_network().params;
    std::copy(before.begin(), before.end(), params.begin());
    EXPECT_DOUBLE_EQ(step.run(ws, B, 0.5).loss.loss, first);
}

TEST(TrainStep, TrainerOnTwoThreadsRecoversFromDivergence) {
    // A huge lr on a shared step: the overflow is caught, the last good weights come back
    // from the checkpoint and lr is halved until training is stable.
    const DataSplits data = test::clusters_splits(640, 200, 4, 64, 3, 50.0f);
    const Architecture arch = architecture(200, {64}, 4);
    ASSERT_TRUE(shared(arch, 64));
    Network<float> net(arch);
    Rng rng(1);
    initialize(net, Init{InitScheme::fan_in}, rng);
    TrainSettings settings;
    settings.epochs = 2;
    settings.batch_size = 64;
    settings.lr = 1e30;
    settings.threads = 2;
    settings.on_divergence = DivergencePolicy::reduce_lr;
    settings.divergence_retries = 200;
    std::vector<std::string> notices;
    TrainHooks hooks;
    hooks.notice = [&](const std::string& m) { notices.push_back(m); };
    Trainer trainer(net, settings, data);
    const TrainResult result = trainer.run(hooks);
    EXPECT_EQ(result.steps, 20);
    EXPECT_FALSE(notices.empty());
    for (float v : net.params) ASSERT_TRUE(std::isfinite(v));
}

// Checks, checkpoints, early stopping and a restart all read the shards' weights through
// the step's network(): a run stopped anywhere and resumed ends as an unbroken one.
void check_resume(const Architecture& arch, int layers) {
    const DataSplits data = test::clusters_splits(400, 400, 5, 80, 7);
    ASSERT_EQ(shared(arch, 32), expected_share(arch, layers));
    TrainSettings settings;
    settings.epochs = 3;
    settings.batch_size = 32;  // 13 steps per epoch, the last one short
    settings.lr = 0.05;
    settings.optimizer.kind = OptimizerKind::momentum;
    settings.l2 = 1e-4;
    settings.validations_per_epoch = 3;
    settings.patience = 4;
    settings.checkpoint_every = 5;
    settings.threads = 2;
    auto network = [&](std::uint64_t seed) {
        Network<float> net(arch);
        Rng rng(seed);
        initialize(net, Init{InitScheme::fan_in}, rng);
        return net;
    };
    Network<float> reference = network(1);
    const TrainResult full = Trainer(reference, settings, data).run();
    for (long stop_at : {4L, 13L, 20L}) {
        SCOPED_TRACE("stopped after step " + std::to_string(stop_at));
        Network<float> first = network(1);
        const test::Interrupted part = test::train_until(first, settings, data, stop_at);
        ASSERT_TRUE(part.result.interrupted);
        const std::vector<std::uint8_t>& saved = part.checkpoint;
        Network<float> second = network(2);
        Trainer resumed(second, settings, data);
        resumed.resume(decode_checkpoint(saved.data(), saved.size(), "checkpoint"));
        const TrainResult rest = resumed.run();
        EXPECT_EQ(rest.steps, full.steps);
        ASSERT_EQ(rest.history.size(), full.history.size());
        for (std::size_t i = 0; i < full.history.size(); ++i)
            EXPECT_EQ(rest.history[i].val_loss, full.history[i].val_loss) << i;
        EXPECT_EQ(0, std::memcmp(second.params.data(), reference.params.data(), reference.params.size() * sizeof(float)));
    }
}

TEST(TrainStep, TrainerOnTwoThreadsResumesBitForBit) {
    check_resume(architecture(400, {64}, 5), 1);
    check_resume(architecture(400, {64, 16, 16, 16}, 5), 1);  // only the first layer shared
    Architecture dropping = architecture(400, {64}, 5);  // masks keyed by the step, which the checkpoint keeps
    dropping.dropout = 0.5;
    dropping.input_dropout = 0.2;
    check_resume(dropping, 1);
}

// Issue 15: no rank writes outside its shard. The pages either side of every shard are
// filled with NaN after the first shared step, and must still hold it after more steps of
// every kind (dropout, max-norm, Adam, every layer shared or only the first).
TEST(Issue15, ShardGuardRegionsStayUntouched) {
    Architecture all = architecture(300, {100, 60}, 10);
    Architecture first = architecture(800, {40, 33, 16, 16, 16}, 7);
    for (Architecture arch : {all, first}) {
        arch.dropout = 0.3;
        arch.input_dropout = 0.1;
        const int B = arch.hidden.size() == 2 ? 256 : 32;
        ASSERT_GT(shared(arch, B), 0);
        ThreadTeam team(2);
        Network<float> net(arch);
        Rng rng(3);
        initialize(net, Init{InitScheme::fan_in}, rng);
        OptimizerSettings adam;
        adam.kind = OptimizerKind::adam;
        TrainStep step(test::test_context(&team), net, adam, {.l2 = 1e-3, .max_norm = 1.0, .seed = 5});
        Workspace<float> ws(net.layout(), B);
        const auto x = test::cast<float>(test::random_values(std::size_t(B) * arch.inputs, 8));
        std::copy(x.begin(), x.end(), ws.input.data);
        for (int i = 0; i < B; ++i) ws.labels[i] = i % arch.classes;
        ASSERT_TRUE(step.guard_regions().empty());
        step.run(ws, B, 0.01);
        const std::vector<MatrixView<float>> guards = step.guard_regions();
        ASSERT_EQ(guards.size(), 4u);  // before and after each of the two shards
        for (const MatrixView<float>& g : guards) std::fill(g.data, g.data + g.size(), std::nanf(""));
        for (int s = 0; s < 4; ++s) EXPECT_TRUE(step.run(ws, B, 0.01).finite);
        step.network();  // the shards copied back: reads, never writes, the guards
        for (const MatrixView<float>& g : guards)
            for (std::size_t i = 0; i < g.size(); ++i) ASSERT_TRUE(std::isnan(g.data[i])) << i;
    }
}


// Issue 15: each Trainer runs on its own team (no process-wide thread count), so two
// networks trained at the same time, on teams of 1 and 2, end as each does alone.
TEST(Issue15, TwoNetworksOnTwoTeamsAtOnceMatchTheirSoloRuns) {
    const DataSplits data = test::clusters_splits(400, 400, 5, 80, 7);
    const Architecture arch = architecture(400, {64}, 5);
    ASSERT_EQ(shared(arch, 32), expected_share(arch, 1));
    auto settings = [](int threads) {
        TrainSettings s;
        s.epochs = 2;
        s.batch_size = 32;
        s.lr = 0.05;
        s.optimizer.kind = OptimizerKind::adam;
        s.threads = threads;
        s.gemm = test::test_backend();
        return s;
    };
    auto train = [&](int threads) {
        Network<float> net(arch);
        Rng rng(3);
        initialize(net, Init{InitScheme::fan_in}, rng);
        Trainer(net, settings(threads), data).run();
        return std::vector<float>(net.params.begin(), net.params.end());
    };
    const std::vector<float> alone1 = train(1), alone2 = train(2);
    std::vector<float> together1, together2;
    std::thread first([&] { together1 = train(1); });
    std::thread second([&] { together2 = train(2); });
    first.join();
    second.join();
    EXPECT_EQ(together1, alone1);
    EXPECT_EQ(together2, alone2);
    EXPECT_NE(alone1, alone2);  // the shared step sums in another order: the teams really differ
}

}  // namespace
}  // namespace mlp
