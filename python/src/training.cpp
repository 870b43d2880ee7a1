// mlp.train (training.hpp): the CLI's `mlp train` sequence for a notebook.
#include "training.hpp"

#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <signal.h>

#include <charconv>
#include <exception>
#include <mutex>

#include "config.hpp"
#include "interrupt.hpp"
#include "mlp/checkpoint.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/gemm.hpp"
#include "mlp/signals.hpp"
#include "run_dir.hpp"

namespace mlp::python {
namespace {

// While one or more trainings run, SIGINT and SIGTERM go to the CLI's handlers (a flag the
// Trainer polls once per step, handlers on an alternate stack); Python's own handlers are
// put back when the last ends. Python's would only note the signal until the main thread
// runs Python code again, which it does not while it trains.
class InterruptScope {
public:
    InterruptScope() {
        use_alternate_signal_stack();  // for this thread, which may not be the one that installed them
        std::lock_guard<std::mutex> lock(mutex());
        if (state().active++ == 0) {
            sigaction(SIGINT, nullptr, &state().saved_int);
            sigaction(SIGTERM, nullptr, &state().saved_term);
            state().flag = catch_interrupts();
        }
    }
    ~InterruptScope() {
        std::lock_guard<std::mutex> lock(mutex());
        if (--state().active == 0) {
            sigaction(SIGINT, &state().saved_int, nullptr);
            sigaction(SIGTERM, &state().saved_term, nullptr);
        }
    }
    const volatile std::sig_atomic_t* flag() const { return state().flag; }

private:
    struct State {
        int active = 0;
        struct sigaction saved_int {}, saved_term {};
        const volatile std::sig_atomic_t* flag = nullptr;
    };
    // Signal handlers are one per process, so what was saved is too.
    static State& state() {
        static State s;
        return s;
    }
    static std::mutex& mutex() {
        static std::mutex m;
        return m;
    }
};

// Thrown through the Trainer when the progress callback raised; the Python error itself
// waits in an exception_ptr until the GIL is held again.
struct CallbackFailed {};

std::pair<py::array, py::array> features_and_labels(const py::object& pair, const std::string& what) {
    require(py::isinstance<py::tuple>(pair) || py::isinstance<py::list>(pair),
            what + ": expected a pair (x, y) of NumPy arrays");
    const py::sequence items = pair;
    require(items.size() == 2, what + ": " + std::to_string(items.size()) + " items, expected a pair (x, y)");
    return {py::array::ensure(items[0]), py::array::ensure(items[1])};
}

std::unique_ptr<Dataset> dataset_from(const py::object& pair, const std::string& what, int D, int classes) {
    const auto [x, y] = features_and_labels(pair, what);
    require(bool(x) && bool(y), what + ": expected a pair (x, y) of NumPy arrays");
    auto data = std::make_unique<Dataset>(features_from_array(x, 0, what + " features"));
    require(D == 0 || data->features == D, what + ": " + std::to_string(data->features) +
                                               " features per row, expected the training data's " + std::to_string(D));
    set_labels(*data, y, classes, what + " labels");
    return data;
}

// Splits of arrays handed over by the caller, by the config's [data] rules (validation
// hold-out, train_size, normalisation) as for an npy dataset. Without test arrays the test
// split is empty: no rows are held out for testing.
DataSplits splits_from_arrays(Config& config, const py::object& data, const py::object& test_data,
                              const py::object& validation_data) {
    require(config.data.classes.empty(), "data.classes: selects classes of a dataset's files, expected it unset "
                                         "with NumPy arrays (select the rows before passing them)");
    config.data.dataset = "npy";
    const int named = static_cast<int>(config.data.class_names.size());
    std::unique_ptr<Dataset> train = dataset_from(data, "data", 0, named);
    if (named > 0) train->class_names = config.data.class_names;
    const int D = train->features, K = train->classes;
    auto with_names = [&](std::unique_ptr<Dataset> d) {
        d->classes = K;
        d->class_names = train->class_names;
        return d;
    };
    std::unique_ptr<Dataset> test;
    if (!test_data.is_none()) {
        test = with_names(dataset_from(test_data, "test_data", D, K));
    } else {
        test = std::make_unique<Dataset>();
        test->name = "no test data";
        test->features = D;
        test = with_names(std::move(test));
    }
    std::unique_ptr<Dataset> validation;
    if (!validation_data.is_none()) validation = with_names(dataset_from(validation_data, "validation_data", D, K));
    return make_splits(std::move(train), std::move(test), config.data, std::move(validation));
}

// A number as the shortest text that reads back to it (0.05, 5e+29), as mlp train prints lrs.
std::string shortest_text(double x) {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, x).ptr;
    return std::string(text, end);
}

py::dict history_arrays(const std::vector<HistoryRow>& history) {
    const py::ssize_t n = static_cast<py::ssize_t>(history.size());
    py::array_t<std::int64_t> step(n);
    py::dict columns;
    columns["step"] = step;
    for (py::ssize_t i = 0; i < n; ++i) step.mutable_data()[i] = history[i].step;
    auto column = [&](const char* name, double HistoryRow::*field) {
        py::array_t<double> values(n);
        for (py::ssize_t i = 0; i < n; ++i) values.mutable_data()[i] = history[i].*field;
        columns[name] = values;
    };
    column("epoch", &HistoryRow::epoch);
    column("train_loss", &HistoryRow::train_loss);
    column("train_acc", &HistoryRow::train_acc);
    column("val_loss", &HistoryRow::val_loss);
    column("val_acc", &HistoryRow::val_acc);
    column("lr", &HistoryRow::lr);
    column("seconds", &HistoryRow::seconds);
    return columns;
}

py::dict progress_dict(const Progress& p) {
    py::dict d;
    d["epoch"] = p.check->epoch;
    d["epochs"] = p.epochs;
    d["step"] = p.check->step;
    d["steps_per_epoch"] = p.steps_per_epoch;
    d["train_loss"] = p.check->train_loss;
    d["train_acc"] = p.check->train_acc;
    d["val_loss"] = p.check->val_loss;
    d["val_acc"] = p.check->val_acc;
    d["lr"] = p.check->lr;
    d["seconds"] = p.check->seconds;
    return d;
}

// As mlp train: no stale result or checkpoint of another run stays; the resolved config and
// the data's checksums are written first. A resumed run keeps its checkpoint and checksums.
void start_run_directory(const std::string& out, const std::string& resolved, const DataSplits& splits,
                         bool resuming) {
    std::filesystem::remove(out + "/metrics.json");
    if (!resuming) std::filesystem::remove(checkpoint_path(out));
    remove_stale_temporaries(out);
    write_file_atomic(out + "/config.toml", resolved);
    if (!resuming) write_file_atomic(out + "/data_sha256.json", data_checksums(splits).dump(2) + "\n");
}

// The checkpoint of run directory `out` to continue, as mlp train --resume finds it.
Checkpoint checkpoint_to_resume(const std::string& out) {
    const std::string file = checkpoint_path(out);
    require(file_exists(file), file + ": no checkpoint to resume from (the run stopped before its first "
                                      "checkpoint; start it again with config=\"" + out + "/config.toml\")");
    return load_checkpoint(file);
}

// The training loop with its hooks: the GIL released, Ctrl-C caught, checkpoints written to
// out (when given). A failed callback, a divergence and an interrupt come out as the
// exceptions Python sees.
TrainResult run_trainer(Trainer& trainer, const Config& config, const std::string& out, const py::object& progress,
                        bool on_arrays) {
    TrainHooks hooks;
    std::exception_ptr callback_error;
    if (!progress.is_none())
        hooks.progress = [&](const Progress& p) {
            if (!p.check) return;
            py::gil_scoped_acquire gil;
            try {
                progress(progress_dict(p));
            } catch (py::error_already_set&) {
                callback_error = std::current_exception();
                throw CallbackFailed{};
            }
        };
    long saved_step = -1;  // the checkpoint on disk; -1: none
    if (!out.empty())
        hooks.checkpoint = [&](const Checkpoint& c) {
            save_checkpoint(checkpoint_path(out), c);
            write_file_atomic(out + "/history.csv", history_csv(c.state.history));
            saved_step = c.state.steps;
        };
    TrainResult result;
    int signal = 0;
    {
        py::gil_scoped_release unlocked;
        InterruptScope interrupts;
        hooks.stop = interrupts.flag();
        try {
            result = trainer.run(hooks);
        } catch (const CallbackFailed&) {
        } catch (const DivergenceError& e) {
            if (saved_step < 0) throw;
            throw Error(std::string(e.what()) + "; the last good checkpoint (step " + std::to_string(saved_step) +
                        ") is kept: resume it with a lower lr, e.g. mlp train --resume " + out +
                        " --force --set train.lr=" + shortest_text(config.train.lr / 2));
        }
        signal = *hooks.stop;
    }
    if (callback_error) std::rethrow_exception(callback_error);
    if (result.interrupted) {
        const std::string where = "interrupted by " + std::string(signal_name(signal)) + " at step " +
                                  std::to_string(result.steps) + " (epoch " + std::to_string(result.epochs) + ")";
        // `mlp train --resume` reads the data the config names, so it cannot resume a run on
        // arrays; mlp.train can, given the same arrays again.
        const std::string saved = where + "; checkpoint saved in " + checkpoint_path(out);
        const std::string message = out.empty()  ? where + "; nothing saved (no out directory)"
                                    : !on_arrays ? saved + "; resume with: mlp train --resume " + out
                                                 : saved + "; resume with mlp.train(out=\"" + out +
                                                       "\", resume=True, data=...) and the same arrays";
        PyErr_SetString(PyExc_KeyboardInterrupt, message.c_str());
        throw py::error_already_set();
    }
    return result;
}

// Config, data, network, Trainer, then the run's evaluations and files: mlp train's sequence.
// evaluate_train = false skips the final pass over the training rows (half an epoch's
// arithmetic) for callers that do not report it (MLPClassifier.fit); their metrics say null.
Run train(const std::string& config_path, const std::string& config_text, const std::vector<std::string>& overrides,
          const std::string& out, const py::object& data, const py::object& test_data,
          const py::object& validation_data, const py::object& progress, bool evaluate_train, bool resume,
          bool force) {
    require(!resume || !out.empty(), "resume: expected out=RUN_DIR, the run directory to continue");
    require(!resume || (config_path.empty() && config_text.empty()),
            "resume: continues with " + out + "/config.toml, expected config=None (change keys with overrides)");
    require(!data.is_none() || (test_data.is_none() && validation_data.is_none()),
            "test_data: given without data, expected data=(x, y) too");
    std::unique_ptr<RunDirectoryLock> lock;  // held until the run directory is complete
    std::unique_ptr<Checkpoint> checkpoint;
    if (resume) {
        require(file_exists(out + "/config.toml"), out + ": not a run directory (no config.toml)");
        lock = std::make_unique<RunDirectoryLock>(out);
        checkpoint = std::make_unique<Checkpoint>(checkpoint_to_resume(out));
    } else if (!out.empty()) {
        make_directories(out);
        lock = std::make_unique<RunDirectoryLock>(out);
    }
    Config config = resume                ? load_config(out + "/config.toml", overrides)
                    : config_path.empty() ? parse_config(config_text, "config", overrides)
                                          : load_config(config_path, overrides);
    DataSplits splits;
    if (data.is_none()) {
        py::gil_scoped_release unlocked;
        splits = load_data(config.data);
    } else {
        splits = splits_from_arrays(config, data, test_data, validation_data);
    }
    if (resume) check_resume(out, config, splits, force, true);
    const Dataset& train_data = *splits.train_data;
    auto net = std::make_unique<Network<float>>(architecture_of(config, train_data.features, train_data.classes));
    Rng init_rng = Rng::for_purpose(config.train.seed, "init");
    initialize(*net, init_of(config), init_rng);
    const std::string resolved = resolved_toml(config);
    if (!out.empty()) start_run_directory(out, resolved, splits, resume);

    TrainSettings settings = config.train;
    settings.gemm = parse_gemm_backend(config.gemm);
    Trainer trainer(*net, settings, splits);
    if (checkpoint) trainer.resume(*checkpoint);
    const TrainResult result = run_trainer(trainer, config, out, progress, !data.is_none());

    Evaluation train, val, test;
    {
        py::gil_scoped_release unlocked;
        const SignalsHeld held;
        Workspace<float>& ws = trainer.eval_workspace();
        const Context& ctx = trainer.context();
        if (evaluate_train) train = evaluate(ctx, *net, ws, splits.train, splits.normalizer);
        val = evaluate(ctx, *net, ws, splits.validation, splits.normalizer);
        test = evaluate(ctx, *net, ws, splits.test, splits.normalizer, {.confusion = true});
    }
    nlohmann::json metrics = metrics_json(config, *net, splits, result, train, val, test);
    if (!evaluate_train) metrics["train_accuracy"] = metrics["train_loss"] = nullptr;
    ModelInfo info{splits.normalizer, train_data.class_names, train_data.image_shape};
    if (!out.empty()) {
        write_file_atomic(out + "/history.csv", history_csv(result.history));
        save_model(out + "/model.safetensors", *net, info);
        write_file_atomic(out + "/metrics.json", metrics.dump(2) + "\n");
    }
    Run run;
    run.history = history_arrays(result.history);
    run.metrics = py::module_::import("json").attr("loads")(metrics.dump());
    run.model = std::make_shared<Model>(std::move(net), std::move(info), config.train.threads);
    run.out = out.empty() ? py::object(py::none()) : py::object(py::str(out));
    run.config = resolved;
    return run;
}

}  // namespace

void bind_training(py::module_& m) {
    py::class_<Run>(m, "Run", "A finished training: its history, metrics and model.")
        .def_readonly("history", &Run::history,
                      "One NumPy array per column of history.csv (step, epoch, train_loss, train_acc, val_loss, "
                      "val_acc, lr, seconds), one entry per validation check.")
        .def_readonly("metrics", &Run::metrics, "What metrics.json holds: accuracies, losses, steps, seconds, ...")
        .def_readonly("model", &Run::model)
        .def_readonly("out", &Run::out, "The run directory, or None when nothing was written.")
        .def_readonly("config", &Run::config, "The resolved config.toml: every setting, defaults included.")
        .def("__repr__", [](const Run& r) {
            return "<mlp.Run " + std::string(py::str(r.metrics.attr("get")("steps"))) + " steps, test accuracy " +
                   std::string(py::str(r.metrics.attr("get")("test_accuracy"))) + ">";
        });
    m.def("_train", &train, py::arg("config_path"), py::arg("config_text"), py::arg("overrides"), py::arg("out"),
          py::arg("data"), py::arg("test_data"), py::arg("validation_data"), py::arg("progress"),
          py::arg("evaluate_train") = true, py::arg("resume") = false, py::arg("force") = false);
}

}  // namespace mlp::python
