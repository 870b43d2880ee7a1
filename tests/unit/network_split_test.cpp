// Two threads on a narrow network: nothing is worth splitting (a half-batch per core was
// measured slower, bench/NOTES.md), so a step gives one thread's loss and gradients bit for
// bit; a wide batch splits its products and still matches within float rounding.
#include <gtest/gtest.h>

#include <cstring>

#include "mlp/gemm.hpp"
#include "mlp/init.hpp"
#include "mlp/network.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

struct Step {
    LossResult loss;
    std::vector<float> grads;
};

Step run_step(Network<float>& net, int B, int threads) {
    ThreadTeam team(threads);
    Workspace<float> ws(net.layout(), B);
    const auto x = test::cast<float>(test::random_values(std::size_t(B) * net.layout().layers.front().in, 81));
    std::memcpy(ws.input.data, x.data(), x.size() * sizeof(float));
    for (int i = 0; i < B; ++i) ws.labels[i] = (i * 5) % net.layout().layers.back().out;
    Step s;
    s.loss = net.forward_backward(Context{&team}, ws, B);
    s.grads.assign(net.grads.begin(), net.grads.begin() + net.grads.size());
    return s;
}

Network<float> network(int inputs, std::vector<int> hidden, int classes) {
    Architecture arch;
    arch.inputs = inputs;
    arch.hidden = std::move(hidden);
    arch.classes = classes;
    arch.activation = Activation{ActivationKind::tanh};
    Network<float> net(arch);
    Rng rng(3);
    initialize(net, Init{InitScheme::fan_in}, rng);
    return net;
}

TEST(NetworkSplit, NarrowStepOnTwoThreadsIsOneThreadsBits) {
    Network<float> net = network(50, {20, 24}, 7);
    for (int B : {32, 33}) {
        const Step one = run_step(net, B, 1);
        const Step two = run_step(net, B, 2);
        EXPECT_EQ(one.loss.loss, two.loss.loss) << B;
        EXPECT_EQ(one.loss.correct, two.loss.correct);
        EXPECT_EQ(0, std::memcmp(one.grads.data(), two.grads.data(), one.grads.size() * sizeof(float))) << B;
    }
}

TEST(NetworkSplit, WideStepOnTwoThreadsMatchesOneThread) {
    Network<float> net = network(784, {512}, 10);  // 512×512×784: split by gemm()
    const Step one = run_step(net, 512, 1);
    const Step two = run_step(net, 512, 2);
    const Step again = run_step(net, 512, 2);
    EXPECT_NEAR(one.loss.loss, two.loss.loss, 1e-6 * one.loss.loss);
    EXPECT_LE(test::relative_error(two.grads.data(), one.grads.data(), one.grads.size()), 1e-5);
    EXPECT_EQ(0, std::memcmp(two.grads.data(), again.grads.data(), two.grads.size() * sizeof(float)));
}

}  // namespace
}  // namespace mlp
