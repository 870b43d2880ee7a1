// Real training steps against an independent implementation: tools/make_golden.py wrote
// tests/fixtures/golden_steps_v1.json with PyTorch in float64 — Adam with L2, inverted
// dropout of the input and of every hidden layer, and max-norm, step after step on one
// batch, with the masks its own re-implementation of the mask stream drew. The engine's
// TrainStep must draw the same masks and, on one thread and shared over two, give the
// same losses and weights to 1e-5 relative.
#include <gtest/gtest.h>

#include "golden_support.hpp"
#include "mlp/train_step.hpp"
#include "test_context.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

using test::json;

json load_fixture() { return test::load_golden("golden_steps_v1.json", 2); }

void set(float* dst, const json& values) { test::set_values(dst, values); }

// Bit k of the packed hex string (byte k / 8, least significant bit first).
bool bit(const std::string& hex, std::size_t k) {
    const int byte = std::stoi(hex.substr(2 * (k / 8), 2), nullptr, 16);
    return (byte >> (k % 8)) & 1;
}

TEST(Golden, DropoutMasksMatchTheGeneratorsStream) {
    const json fixture = load_fixture();
    for (const auto& c : fixture["cases"]) {
        const Architecture arch = test::golden_architecture(c);
        const int B = c["batch"].get<int>();
        std::vector<int> widths{arch.inputs};
        widths.insert(widths.end(), arch.hidden.begin(), arch.hidden.end());
        for (const auto& step : c["masks"]) {
            const DropoutStream stream = DropoutStream::of_seed(c["seed"].get<std::uint64_t>(), step["step"].get<std::int64_t>());
            const auto layers = step["layers"].get<std::vector<std::string>>();
            ASSERT_EQ(layers.size(), widths.size());
            for (std::size_t layer = 0; layer < layers.size(); ++layer) {
                const int width = widths[layer];
                const double rate = layer == 0 ? arch.input_dropout : arch.dropout;
                std::vector<float> mask(std::size_t(B) * width);
                dropout_mask<float>(stream, int(layer), rate, 0, MatrixView<float>(mask.data(), B, width));
                int wrong = 0;
                for (std::size_t k = 0; k < mask.size(); ++k) {
                    const bool kept = bit(layers[layer], k);
                    wrong += kept != (mask[k] != 0.0f);
                    wrong += kept != dropout_kept_reference(stream, int(layer), rate, int(k / width), int(k % width));
                    if (kept) {
                        EXPECT_EQ(mask[k], float(1.0 / (1.0 - rate)));
                    }
                }
                EXPECT_EQ(wrong, 0) << c["name"] << " step " << step["step"] << " mask layer " << layer;
            }
        }
    }
}

void check_steps(const json& c, int threads) {
    const Architecture arch = test::golden_architecture(c);
    const int B = c["batch"].get<int>();
    Network<float> net(arch);
    for (int l = 0; l < net.layers(); ++l) {
        set(net.weight(net.params, l).data, c["params"][ParamLayout::weight_name(l)]["values"]);
        set(net.bias(net.params, l), c["params"][ParamLayout::bias_name(l)]["values"]);
    }
    OptimizerSettings adam;
    adam.kind = OptimizerKind::adam;
    adam.beta1 = c["adam"]["beta1"].get<double>();
    adam.beta2 = c["adam"]["beta2"].get<double>();
    adam.epsilon = c["adam"]["epsilon"].get<double>();
    ThreadTeam team(threads);
    TrainStep step(test::test_context(&team), net, adam,
                   {.l2 = c["l2"].get<double>(), .max_norm = c["max_norm"].get<double>(), .seed = c["seed"].get<std::uint64_t>()});
    // Two threads must run the shared schedule over every hidden layer, not fall back to one.
    if (threads == 2) {
        ASSERT_EQ(step.shared_layers(threads, B), int(arch.hidden.size())) << c["name"];
    }
    Workspace<float> ws(net.layout(), B);
    set(ws.input.data, c["x"]);
    const auto labels = c["labels"].get<std::vector<int>>();
    std::copy(labels.begin(), labels.end(), ws.labels.begin());
    const auto losses = c["losses"].get<std::vector<double>>();
    const std::string what = c["name"].get<std::string>() + " on " + std::to_string(threads) + " thread(s)";
    for (std::size_t s = 0; s < losses.size(); ++s) {
        const StepResult result = step.run(ws, B, c["adam"]["lr"].get<double>());
        EXPECT_TRUE(result.finite);
        EXPECT_LE(std::abs(result.loss.loss - losses[s]) / losses[s], 1e-5) << what << " step " << s + 1;
    }
    const Network<float>& trained = step.network();
    for (int l = 0; l < trained.layers(); ++l)
        for (const bool is_weight : {true, false}) {
            const std::string name = is_weight ? ParamLayout::weight_name(l) : ParamLayout::bias_name(l);
            const auto want = c["final_params"][name].get<std::vector<double>>();
            const float* got = is_weight ? trained.weight(trained.params, l).data : trained.bias(trained.params, l);
            EXPECT_LE(test::relative_error(got, want.data(), want.size()), 1e-5) << what << " " << name;
        }
}

TEST(Golden, AdamL2DropoutMaxNormStepsMatchPyTorchOnOneThread) {
    const json fixture = load_fixture();
    for (const auto& c : fixture["cases"]) check_steps(c, 1);
}

TEST(Golden, AdamL2DropoutMaxNormStepsMatchPyTorchSharedOverTwoThreads) {
    const json fixture = load_fixture();
    for (const auto& c : fixture["cases"]) check_steps(c, 2);
}

}  // namespace
}  // namespace mlp
