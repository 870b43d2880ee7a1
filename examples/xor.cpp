// Trains a small network on XOR-like points held in memory, then predicts new points.
// Exits 1 unless it learnt them: a label is whether x·y > 0.
#include <cmath>
#include <cstdio>
#include <mlp/mlp.hpp>
#include <random>
#include <vector>

// N points uniform in [−1, 1]², label 1 where x·y > 0.
static void make_points(int N, std::mt19937& rng, std::vector<float>& X, std::vector<int>& y) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (int i = 0; i < N; ++i) {
        const float a = u(rng), b = u(rng);
        X.insert(X.end(), {a, b});
        y.push_back(a * b > 0 ? 1 : 0);
    }
}

int main() {
    try {
        std::mt19937 rng(7);
        std::vector<float> train_x, test_x;
        std::vector<int> train_y, test_y;
        make_points(2000, rng, train_x, train_y);
        make_points(500, rng, test_x, test_y);
        const mlp::Data data = mlp::Data::from_arrays(2, 2, {train_x, train_y}, {test_x, test_y}, 0.1);

        mlp::NetworkSpec spec;
        spec.inputs = 2;
        spec.hidden = {32, 32};
        spec.classes = 2;
        spec.activation = "tanh";
        spec.init = "xavier_uniform";
        mlp::Model model(spec, 1);

        mlp::TrainConfig config;
        config.epochs = 40;
        config.optimizer = "adam";
        config.lr = 0.01;
        config.validations_per_epoch = 1;
        config.seed = 1;
        const mlp::Runtime runtime(1);
        const mlp::TrainSummary summary = model.train(runtime, data, config, [](const mlp::TrainProgress& p) {
            if (p.validation && p.epoch % 10 == 0)
                std::printf("epoch %d: train loss %.4f, validation accuracy %.3f\n", p.epoch, p.loss,
                            p.val_accuracy);
        });
        const mlp::Scores test = model.evaluate(runtime, data, mlp::Split::test);
        std::printf("%ld steps; test accuracy %.3f over %d points\n", summary.steps, test.accuracy, test.count);

        const std::vector<float> points{0.5f, 0.5f, -0.5f, 0.5f, -0.5f, -0.5f, 0.5f, -0.5f};
        const std::vector<float> p = model.predict(runtime, points);  // 4×2 probabilities
        int right = 0;
        for (int i = 0; i < 4; ++i) {
            const int predicted = p[2 * i + 1] > p[2 * i] ? 1 : 0;
            const int truth = points[2 * i] * points[2 * i + 1] > 0 ? 1 : 0;
            std::printf("(%+.1f, %+.1f) → class %d, p = %.3f\n", points[2 * i], points[2 * i + 1], predicted,
                        p[2 * i + predicted]);
            right += predicted == truth;
        }
        return test.accuracy > 0.9 && right == 4 ? 0 : 1;
    } catch (const mlp::Error& e) {
        std::fprintf(stderr, "xor: error: %s\n", e.what());
        return 1;
    }
}
