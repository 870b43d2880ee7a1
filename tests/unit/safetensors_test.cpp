// Model files: round trip, readable by NumPy from Debian, and damaged files rejected.
#include <gtest/gtest.h>

#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/init.hpp"
#include "mlp/safetensors.hpp"
#include "test_util.hpp"

namespace mlp {
namespace {

Network<float> small_net() {
    Network<float> net(Architecture{6, {5}, 3, {ActivationKind::leaky_relu, 0.2}, BiasMode::explicit_vectors});
    Rng rng(4);
    initialize(net, Init{InitScheme::he, 0}, rng);
    net.bias(net.params, 0)[2] = 0.25f;
    return net;
}

TEST(Safetensors, RoundTripKeepsArchitectureWeightsAndNormalizer) {
    const std::string path = test::temp_dir("st") + "/model.safetensors";
    Network<float> net = small_net();
    ModelInfo info;
    info.normalizer.mode = NormalizeMode::per_feature;
    info.normalizer.mean = {1, 2, 3, 4, 5, 6};
    info.normalizer.inv_std = {0.5f, 0.5f, 1, 1, 2, 2};
    info.class_names = {"a", "b", "c"};
    info.image_shape = {1, 2, 3};
    save_model(path, net, info);
    ModelInfo loaded;
    auto back = load_model(path, &loaded);
    EXPECT_EQ(back->architecture().hidden, net.architecture().hidden);
    EXPECT_EQ(back->architecture().activation.kind, ActivationKind::leaky_relu);
    EXPECT_DOUBLE_EQ(back->architecture().activation.slope, 0.2);
    for (std::size_t i = 0; i < net.params.size(); ++i) EXPECT_EQ(back->params[i], net.params[i]);
    EXPECT_EQ(loaded.normalizer.mean, info.normalizer.mean);
    EXPECT_EQ(loaded.class_names, info.class_names);
    EXPECT_EQ(loaded.image_shape, info.image_shape);
}

TEST(Safetensors, NumPyReadsTheFile) {
    const std::string path = test::temp_dir("st-py") + "/model.safetensors";
    Network<float> net = small_net();
    save_model(path, net, ModelInfo{});
    // A dozen lines of NumPy: the format needs no library to read.
    const std::string script =
        "import json,struct,sys,numpy as np\n"
        "b=open(sys.argv[1],'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n])\n"
        "e=h['W1']; s,t=e['data_offsets']\n"
        "w=np.frombuffer(b[8+n+s:8+n+t],dtype='<f4').reshape(e['shape'])\n"
        "e=h['b1']; s,t=e['data_offsets']; bias=np.frombuffer(b[8+n+s:8+n+t],dtype='<f4')\n"
        "print(w.shape, '%.6f' % w[1,2], '%.2f' % bias[2])\n";
    const std::string py = test::temp_dir("st-py2") + "/read.py";
    write_file_atomic(py, script);
    const auto r = test::run("/usr/bin/python3 " + py + " " + path);
    ASSERT_EQ(r.status, 0) << r.output;
    char expected[64];
    std::snprintf(expected, sizeof expected, "(6, 5) %.6f 0.25", net.weight(net.params, 0)(1, 2));
    EXPECT_NE(r.output.find(expected), std::string::npos) << r.output;
}

TEST(Safetensors, DamagedFilesGiveClearErrors) {
    const std::string dir = test::temp_dir("st-bad");
    save_model(dir + "/m", small_net(), ModelInfo{});
    auto bytes = read_file(dir + "/m");
    auto expect_error = [&](const std::vector<std::uint8_t>& b, const std::string& fragment) {
        write_file_atomic(dir + "/x", b.data(), b.size());
        try {
            load_model(dir + "/x", nullptr);
            ADD_FAILURE() << "no error for " << fragment;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        }
    };
    expect_error(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 5), "truncated");
    expect_error(std::vector<std::uint8_t>(bytes.begin(), bytes.end() - 4), "outside the file");
    auto huge = bytes;
    huge[6] = 0x7f;
    expect_error(huge, "exceeds the file");
    auto garbage = bytes;
    garbage[9] = '!';
    expect_error(garbage, "not valid JSON");
}

}  // namespace
}  // namespace mlp
