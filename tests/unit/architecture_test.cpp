// Parameter layout and counts, including the course's bias-trick counts.
#include <gtest/gtest.h>

#include <cmath>

#include "mlp/architecture.hpp"
#include "mlp/error.hpp"
#include "mlp/init.hpp"

namespace mlp {
namespace {

Architecture arch(std::vector<int> hidden, BiasMode bias) {
    return Architecture{784, std::move(hidden), 10, {ActivationKind::sigmoid}, bias};
}

TEST(Architecture, BiasTrickCountsMatchTheCourse) {
    EXPECT_EQ(ParamLayout(arch({64}, BiasMode::trick)).parameters, 50880u);      // 785·64 + 64·10
    EXPECT_EQ(ParamLayout(arch({60, 60}, BiasMode::trick)).parameters, 51300u);  // 785·60 + 60·60 + 60·10
}

TEST(Architecture, ExplicitBiasCounts) {
    EXPECT_EQ(ParamLayout(arch({64}, BiasMode::explicit_vectors)).parameters, 784u * 64 + 64 + 64 * 10 + 10);
    EXPECT_EQ(ParamLayout(arch({}, BiasMode::explicit_vectors)).parameters, 7850u);  // softmax regression
}

TEST(Architecture, TensorsAre64ByteAligned) {
    const ParamLayout layout(arch({33, 17}, BiasMode::explicit_vectors));
    for (const auto& layer : layout.layers) {
        EXPECT_EQ(layer.w_offset % 16, 0u);
        EXPECT_EQ(layer.b_offset % 16, 0u);
    }
}

TEST(Architecture, ZeroWidthIsAnError) {
    EXPECT_THROW(validate(arch({64, 0}, BiasMode::explicit_vectors)), Error);
}

TEST(Init, SchemesHaveTheirScales) {
    Architecture a{400, {300}, 10, {ActivationKind::relu}, BiasMode::explicit_vectors};
    auto std_of_w1 = [&](InitScheme scheme, double scale) {
        Network<float> net(a);
        Rng rng(2);
        initialize(net, Init{scheme, scale}, rng);
        const auto W = net.weight(net.params, 0);
        double sum_sq = 0;
        for (std::size_t i = 0; i < W.size(); ++i) sum_sq += double(W.data[i]) * W.data[i];
        return std::sqrt(sum_sq / W.size());
    };
    EXPECT_NEAR(std_of_w1(InitScheme::uniform, 0), 1 / std::sqrt(3.0), 0.01);
    EXPECT_NEAR(std_of_w1(InitScheme::fan_in, 0), 1 / std::sqrt(400.0), 0.001);
    EXPECT_NEAR(std_of_w1(InitScheme::xavier_uniform, 0), std::sqrt(2.0 / 700), 0.001);
    EXPECT_NEAR(std_of_w1(InitScheme::xavier_normal, 0), std::sqrt(2.0 / 700), 0.001);
    EXPECT_NEAR(std_of_w1(InitScheme::he, 0), std::sqrt(2.0 / 400), 0.001);
    EXPECT_NEAR(std_of_w1(InitScheme::normal, 1e-4), 1e-4, 1e-6);
}

TEST(Init, ExplicitBiasesStartAtZero) {
    Architecture a{20, {8}, 3, {ActivationKind::tanh}, BiasMode::explicit_vectors};
    Network<float> net(a);
    Rng rng(2);
    initialize(net, Init{InitScheme::he, 0}, rng);
    for (int l = 0; l < net.layers(); ++l)
        for (int j = 0; j < net.layout().layers[l].out; ++j) EXPECT_EQ(net.bias(net.params, l)[j], 0.0f);
}

}  // namespace
}  // namespace mlp
