// The whole network against an independent implementation: tools/make_golden.py wrote
// tests/fixtures/golden_v1.json with PyTorch in float64 (loss, every gradient, and the
// losses of 10 momentum-SGD steps); the float engine must match to 1e-5 relative.
#include <gtest/gtest.h>

#include "golden_support.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"
#include "test_context.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

using test::json;

// Its four cases: sigmoid, tanh, relu and improved_sigmoid (tools/make_golden.py).
json load_fixture() { return test::load_golden("golden_v1.json", 4); }

template <class T>
struct Case {
    explicit Case(const json& c)
        : arch(test::golden_architecture(c)), net(arch), ws(net.layout(), c["batch"].get<int>()), B(c["batch"].get<int>()) {
        const auto x = c["x"].get<std::vector<double>>();
        for (int i = 0; i < B; ++i)
            for (int j = 0; j < arch.inputs; ++j) ws.input(i, j) = static_cast<T>(x[std::size_t(i) * arch.inputs + j]);
        const auto y = c["labels"].get<std::vector<int>>();
        for (int i = 0; i < B; ++i) ws.labels[i] = y[i];
        for (int l = 0; l < net.layers(); ++l) {
            set(net.weight(net.params, l).data, c["params"][ParamLayout::weight_name(l)]["values"]);
            set(net.bias(net.params, l), c["params"][ParamLayout::bias_name(l)]["values"]);
        }
    }
    static void set(T* dst, const json& values) { test::set_values(dst, values); }
    Architecture arch;
    Network<T> net;
    Workspace<T> ws;
    int B;
};

template <class T>
void check_gradients(const json& c, double tolerance) {
    Case<T> k(c);
    const LossResult loss = k.net.forward_backward(test::test_context(), k.ws, k.B);
    const double expected = c["loss"].get<double>();
    EXPECT_LE(std::abs(loss.loss - expected) / expected, tolerance) << c["activation"];
    for (int l = 0; l < k.net.layers(); ++l) {
        for (const bool is_weight : {true, false}) {
            const std::string name = is_weight ? ParamLayout::weight_name(l) : ParamLayout::bias_name(l);
            const auto want = c["grads"][name].get<std::vector<double>>();
            const T* got = is_weight ? k.net.weight(k.net.grads, l).data : k.net.bias(k.net.grads, l);
            EXPECT_LE(test::relative_error(got, want.data(), want.size()), tolerance) << c["activation"] << " " << name;
        }
    }
}

TEST(Golden, FloatEngineMatchesPyTorchLossAndGradients) {
    const json fixture = load_fixture();  // named: looping over load_fixture()["cases"] reads a destroyed temporary
    for (const auto& c : fixture["cases"]) check_gradients<float>(c, 1e-5);
}

TEST(Golden, DoubleEngineMatchesPyTorchTightly) {
    const json fixture = load_fixture();  // named: looping over load_fixture()["cases"] reads a destroyed temporary
    for (const auto& c : fixture["cases"]) check_gradients<double>(c, 1e-12);
}

TEST(Golden, TenMomentumStepsMatchPyTorch) {
    const json fixture = load_fixture();  // named: looping over load_fixture()["cases"] reads a destroyed temporary
    for (const auto& c : fixture["cases"]) {
        Case<float> k(c);
        OptimizerSettings settings;
        settings.kind = OptimizerKind::momentum;
        settings.momentum = c["momentum"]["mu"].get<double>();
        Optimizer optimizer(settings, k.net.params.size());
        const auto losses = c["momentum"]["losses"].get<std::vector<double>>();
        for (std::size_t step = 0; step < losses.size(); ++step) {
            const double loss = k.net.forward_backward(test::test_context(), k.ws, k.B).loss;
            EXPECT_LE(std::abs(loss - losses[step]) / losses[step], 1e-5) << c["activation"] << " step " << step;
            optimizer.step(test::test_context(), k.net.params, k.net.grads, c["momentum"]["lr"].get<double>());
        }
        for (int l = 0; l < k.net.layers(); ++l) {
            const auto want = c["momentum"]["final_params"][ParamLayout::weight_name(l)].get<std::vector<double>>();
            EXPECT_LE(test::relative_error(k.net.weight(k.net.params, l).data, want.data(), want.size()), 1e-5);
        }
    }
}

// Label smoothing against PyTorch's cross_entropy(label_smoothing=ε): the loss and its
// gradient for ε = 0, 0.1 and 0.25 (tests/fixtures/golden_label_smoothing_v1.json).
TEST(Golden, LabelSmoothingMatchesPyTorch) {
    const json fixture = test::load_golden("golden_label_smoothing_v1.json", 3);
    for (const json& c : fixture["cases"]) {
        const double eps = c["label_smoothing"].get<double>();
        const int B = c["B"].get<int>(), K = c["K"].get<int>();
        const auto z = c["logits"].get<std::vector<double>>();
        const auto labels = c["labels"].get<std::vector<int>>();
        const auto want = c["dlogits"].get<std::vector<double>>();
        const double loss = c["loss"].get<double>();
        std::vector<float> zf(z.begin(), z.end()), df(z.size());
        const LossResult got = softmax_cross_entropy<float>({zf.data(), B, K}, labels.data(), {df.data(), B, K}, 0, eps);
        EXPECT_NEAR(got.loss, loss, 1e-5 * loss) << eps;
        EXPECT_LE(test::relative_error(df.data(), want.data(), want.size()), 1e-5) << eps;
        std::vector<double> dd(z.size());
        const LossResult exact = softmax_cross_entropy<double>({z.data(), B, K}, labels.data(), {dd.data(), B, K}, 0, eps);
        EXPECT_NEAR(exact.loss, loss, 1e-12 * loss) << eps;
        EXPECT_LE(test::relative_error(dd.data(), want.data(), want.size()), 1e-12) << eps;
    }
}

}  // namespace
}  // namespace mlp
