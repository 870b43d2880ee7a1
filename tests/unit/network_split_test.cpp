// A batch split across a team of two threads: the loss and every gradient match one
// thread's (and the double network's), odd batches included, and repeat bit for bit.
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
    set_gemm_threads(threads);
    Workspace<float> ws(net.layout(), B);
    const auto x = test::cast<float>(test::random_values(std::size_t(B) * 50, 81));
    std::memcpy(ws.input.data, x.data(), x.size() * sizeof(float));
    for (int i = 0; i < B; ++i) ws.labels[i] = (i * 5) % 7;
    EXPECT_EQ(net.splits_batch(B), threads == 2);
    Step s;
    s.loss = net.forward_backward(ws, B);
    s.grads.assign(net.grads.begin(), net.grads.begin() + net.grads.size());
    set_gemm_threads(1);
    return s;
}

TEST(NetworkSplit, HalvesOnTwoThreadsMatchOneThread) {
    Architecture arch;
    arch.inputs = 50;
    arch.hidden = {20, 24};
    arch.classes = 7;
    arch.activation = Activation{ActivationKind::tanh};
    Network<float> net(arch);
    Rng rng(3);
    initialize(net, Init{InitScheme::fan_in}, rng);
    for (int B : {32, 33}) {
        const Step one = run_step(net, B, 1);
        const Step two = run_step(net, B, 2);
        const Step again = run_step(net, B, 2);
        EXPECT_NEAR(one.loss.loss, two.loss.loss, 1e-6 * one.loss.loss) << B;
        EXPECT_EQ(one.loss.correct, two.loss.correct);
        EXPECT_LE(test::relative_error(two.grads.data(), one.grads.data(), one.grads.size()), 1e-6) << B;
        EXPECT_EQ(0, std::memcmp(two.grads.data(), again.grads.data(), two.grads.size() * sizeof(float))) << B;
    }
}

}  // namespace
}  // namespace mlp
