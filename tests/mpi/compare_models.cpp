// mlp_compare_models A B TOL: compares the tensors of two model.safetensors files (or run
// directories). Every weight must satisfy |a − b| ≤ TOL · max(|b|, 1e-2) (a relative
// tolerance with a floor for weights near zero); TOL 0 asks for the same bits. Prints the
// worst weight; exit 0 when all pass, 1 otherwise.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/safetensors.hpp"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: mlp_compare_models A B TOL\n");
        return 2;
    }
    auto path = [](std::string p) { return mlp::file_exists(p + "/model.safetensors") ? p + "/model.safetensors" : p; };
    const double tol = std::atof(argv[3]);
    try {
        const auto a = mlp::load_model(path(argv[1]), nullptr);
        const auto b = mlp::load_model(path(argv[2]), nullptr);
        if (a->params.size() != b->params.size()) {
            std::printf("different sizes: %zu vs %zu\n", a->params.size(), b->params.size());
            return 1;
        }
        double worst = 0.0;
        std::size_t at = 0, bad = 0;
        for (std::size_t i = 0; i < a->params.size(); ++i) {
            const double x = a->params[i], y = b->params[i];
            const double rel = std::abs(x - y) / std::max(std::abs(y), 1e-2);
            if (tol == 0.0 ? std::memcmp(&a->params[i], &b->params[i], sizeof(float)) != 0 : rel > tol) ++bad;
            if (rel > worst) worst = rel, at = i;
        }
        std::printf("%zu weights, worst relative difference %.3g (weight %zu: %.9g vs %.9g), %zu beyond %g\n",
                    a->params.size(), worst, at, double(a->params[at]), double(b->params[at]), bad, tol);
        return bad == 0 ? 0 : 1;
    } catch (const mlp::Error& e) {
        std::fprintf(stderr, "mlp_compare_models: %s\n", e.what());
        return 1;
    }
}
