// load_experiment + Model::train through the public API give the weights `mlp train` gives
// for the same experiment file and overrides (the fixture's run directory): one engine
// behind both doors. Compared on the fixture's digit, probability by probability, exactly.
//   library_experiment_test RUN_DIR IMAGE   (run from the source tree: data/mnist)
#include <cstdio>
#include <mlp/mlp.hpp>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s RUN_DIR IMAGE\n", argv[0]);
        return 2;
    }
    try {
        // The overrides of tests/library/make_run.sh.
        mlp::Experiment e = mlp::load_experiment(
            "experiments/mnist_default.toml",
            {"train.epochs=1", "data.train_size=3000", "data.validation=500", "train.schedule=cosine",
             "train.warmup_epochs=0.5", "train.l2=1e-4", "train.l2_biases=true",
             "train.label_smoothing=0.1", "augment.translate=1", "augment.flip=true"});
        mlp::Model model(e.network, e.train.seed);
        const mlp::Runtime runtime(1);
        const mlp::TrainSummary summary = model.train(runtime, e.data, e.train);
        const mlp::Model cli = mlp::Model::load(argv[1]);
        const std::vector<float> ours = model.predict(runtime, model.read_image(argv[2]));
        const std::vector<float> theirs = cli.predict(runtime, cli.read_image(argv[2]));
        std::printf("%ld steps; test accuracy %.4f\n", summary.steps, model.evaluate(runtime, e.data).accuracy);
        for (std::size_t k = 0; k < ours.size(); ++k) {
            std::printf("class %zu: library %.9g, mlp train %.9g\n", k, ours[k], theirs[k]);
            if (ours[k] != theirs[k]) return 1;
        }
        return ours.size() == theirs.size() && !ours.empty() ? 0 : 1;
    } catch (const mlp::Error& e) {
        std::fprintf(stderr, "experiment_test: error: %s\n", e.what());
        return 1;
    }
}
