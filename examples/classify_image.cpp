// Loads the model of an `mlp train` run directory and classifies one image file.
//   example_classify_image RUN_DIR IMAGE [EXPECTED_CLASS]
// With EXPECTED_CLASS, exits 1 unless the image is classified as it.
#include <algorithm>
#include <cstdio>
#include <mlp/mlp.hpp>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s RUN_DIR IMAGE [EXPECTED_CLASS]\n", argv[0]);
        return 2;
    }
    try {
        const mlp::Model model = mlp::Model::load(argv[1]);
        const mlp::Runtime runtime(1);
        const std::vector<float> probabilities = model.predict(runtime, model.read_image(argv[2]));
        const auto best = std::max_element(probabilities.begin(), probabilities.end());
        const std::string name = model.class_names().at(best - probabilities.begin());
        std::printf("%s: %s (p = %.4f), mlp %s\n", argv[2], name.c_str(), *best, MLP_VERSION);
        return argc < 4 || name == argv[3] ? 0 : 1;
    } catch (const mlp::Error& e) {
        std::fprintf(stderr, "classify_image: error: %s\n", e.what());
        return 1;
    }
}
