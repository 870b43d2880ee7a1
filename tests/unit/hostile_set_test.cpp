// Issue 16: every config key, through --set, with hostile values (huge, negative, NaN,
// inf, empty, wrong type, 64-bit overflow): the config reader answers with mlp::Error
// alone, and every sub-command that takes --set exits 0, 1 or 2 with at most one line
// `mlp: error: ...`, never an abort or a hang, and leaves no half-written file. The other
// sub-commands get the same values in each of their options. The keys come from the schema
// table, so a new key is covered the day it is added.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <toml++/toml.h>

#include "config.hpp"
#include "config_schema.hpp"
#include "data_test_support.hpp"
#include "mlp/error.hpp"
#include "mlp_process.hpp"

namespace mlp {
namespace {

const std::vector<std::string> kHostile = {"1e300",  "-1",   "-2147483649", "9223372036854775808", "nan",    "inf",
                                           "-inf",   "''",   "[1, 2]",      "[]",                  "true",   "{ a = 1 }",
                                           "\"x\"", "0",    "1e-320",      "2147483648"};

std::vector<std::string> settable_keys() {
    std::vector<std::string> keys;
    for (const ConfigKey& k : config_keys())
        if (!k.section.empty()) keys.push_back(k.path());
    return keys;
}

TEST(Issue16, HostileSetValuesForEveryKeyAreOneLineErrorsInTheReader) {
    int matrix = 0, refused = 0;
    for (const std::string& key : settable_keys())
        for (const std::string& value : kHostile) {
            ++matrix;
            try {
                const Config c = parse_config("", "hostile.toml", {key + "=" + value});
                architecture_of(c, 784, 10);
                resolved_toml(c);
            } catch (const Error& e) {
                ++refused;
                const std::string m = e.what();
                EXPECT_EQ(m.find('\n'), std::string::npos) << key << "=" << value << ": " << m;
                EXPECT_FALSE(m.empty());
            } catch (const std::exception& e) {
                ADD_FAILURE() << key << "=" << value << " threw a " << typeid(e).name() << ": " << e.what();
            }
        }
    EXPECT_GT(matrix, 700);
    EXPECT_GT(refused, matrix / 2);
}

TEST(Issue16, HostileSetValuesForEveryKeyNeverAbortTheCli) {
    int runs = 0;
    for (const std::string& key : settable_keys())
        for (const std::string& value : kHostile) {
            const testing::CommandResult r =
                testing::run_mlp("info --config experiments/mnist_default.toml --set '" + key + "=" + value + "'");
            ++runs;
            ASSERT_TRUE(r.status == 0 || r.status == 1) << key << "=" << value << ": exit " << r.status << "\n" << r.err;
            if (r.status == 0) continue;
            EXPECT_EQ(r.err.rfind("mlp: error: ", 0), 0u) << key << "=" << value << ": " << r.err;
            EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << key << "=" << value << ": " << r.err;
        }
    EXPECT_GT(runs, 700);
}

}  // namespace
}  // namespace mlp

namespace mlp {
namespace {

namespace fs = std::filesystem;

// A tiny CSV problem (60 rows, 3 features, 3 classes), its config and one trained run: small
// enough that a sub-command which accepts a hostile value finishes in a blink.
struct TinyWorld {
    std::string dir, config, run, rows;
    TinyWorld() : dir(testing::scratch_dir("hostile_world")) {
        std::string table = "f0,f1,f2,label\n";
        for (int i = 0; i < 60; ++i)
            table += std::to_string(i % 3) + "," + std::to_string(i % 7) + ".5," + std::to_string(-i % 5) + "," +
                     std::to_string(i % 3) + "\n";
        testing::write_text(dir + "/t.csv", table);
        testing::write_text(dir + "/new.csv", "f0,f1,f2\n1,2.5,-3\n");
        config = dir + "/tiny.toml";
        testing::write_text(config, "[data]\ndataset = \"csv\"\nfile = \"" + dir +
                                        "/t.csv\"\n[model]\nhidden = [4]\n[train]\nepochs = 1\nbatch_size = 8\n");
        run = dir + "/run";
        rows = dir + "/new.csv";
        const testing::CommandResult r = testing::run_mlp("train --quiet --config " + config + " --out " + run);
        if (r.status != 0) throw Error("the tiny run did not train: " + r.err);
    }
};

const TinyWorld& tiny_world() {
    static const TinyWorld world;
    return world;
}

// Whatever a command left in `dir` is whole: no temporary file of an atomic write, and every
// JSON and TOML file parses.
void expect_nothing_half_written(const std::string& dir, const std::string& what) {
    if (!fs::exists(dir)) return;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        const std::string path = entry.path().string(), name = entry.path().filename().string();
        EXPECT_EQ(name.find(".tmp"), std::string::npos) << what << " left " << path;
        const std::string ext = entry.path().extension().string();
        if (ext == ".json") {
            EXPECT_FALSE(nlohmann::json::parse(testing::read_whole(path), nullptr, false).is_discarded())
                << what << " left a broken " << path;
        }
        if (ext == ".toml") {
            EXPECT_NO_THROW((void)toml::parse_file(path)) << what << " left a broken " << path;
        }
    }
}

// Runs `mlp args` (no shell: each value reaches mlp byte for byte) for at most a minute, in
// a scratch directory (a value such as "." or "x" names a place to write); the exit is 0,
// 1 (an error) or 2 (a command-line usage error), an error is exactly one line, and neither
// `out` nor the scratch directory holds anything half-written.
void expect_clean(const std::vector<std::string>& args, const std::string& out) {
    std::string what = "mlp";
    for (const auto& a : args) what += " '" + a + "'";
    const std::string cwd = tiny_world().dir + "/cwd", log = tiny_world().dir + "/last";
    fs::create_directories(cwd);
    const test::Finished f = test::MlpProcess(args, log, 0, cwd).wait_at_most(60);
    ASSERT_EQ(f.signal, 0) << what << ": ended by signal " << f.signal << " (SIGKILL: it ran past a minute)\n"
                           << f.err;
    ASSERT_TRUE(f.exit_code == 0 || f.exit_code == 1 || f.exit_code == 2) << what << ": exit " << f.exit_code << "\n"
                                                                          << f.err;
    if (f.exit_code != 0) {
        EXPECT_EQ(f.err.rfind("mlp: error: ", 0), 0u) << what << ": " << f.err;
        EXPECT_EQ(std::count(f.err.begin(), f.err.end(), '\n'), 1) << what << ": " << f.err;
    }
    expect_nothing_half_written(out, what);
    expect_nothing_half_written(cwd, what);
    fs::remove_all(out);
    fs::remove_all(cwd);
}

// Every settable key with every hostile value, through one sub-command's --set.
void every_hostile_set(const std::vector<std::string>& command, const std::string& out) {
    int runs = 0;
    for (const std::string& key : settable_keys())
        for (const std::string& value : kHostile) {
            std::vector<std::string> args = command;
            args.insert(args.end(), {"--set", key + "=" + value});
            expect_clean(args, out);
            if (::testing::Test::HasFatalFailure()) return;
            ++runs;
        }
    EXPECT_GT(runs, 700);
}

TEST(Issue16, HostileSetValuesForEveryKeyInTrain) {
    const TinyWorld& w = tiny_world();
    every_hostile_set({"train", "--quiet", "--config", w.config, "--out", w.dir + "/train"}, w.dir + "/train");
}

TEST(Issue16, HostileSetValuesForEveryKeyInGradcheck) {
    const TinyWorld& w = tiny_world();
    every_hostile_set({"gradcheck", "--config", w.config, "--batch", "4", "--samples", "3"}, w.dir + "/none");
}

TEST(Issue16, HostileSetValuesForEveryKeyInDataInfoAndShow) {
    const TinyWorld& w = tiny_world();
    every_hostile_set({"data", "info", "--config", w.config}, w.dir + "/none");
    every_hostile_set({"data", "show", "--config", w.config, "--out", w.dir + "/show/s.png"}, w.dir + "/show");
}

TEST(Issue16, HostileSetValuesForEveryKeyInEval) {
    const TinyWorld& w = tiny_world();
    every_hostile_set({"eval", "--model", w.run, "--json", w.dir + "/eval/e.json"}, w.dir + "/eval");
}

// Values for the options that are not config keys: numbers, lists, names and paths.
const std::vector<std::string> kHostileOption = {"0",   "-1",  "nan", "inf", "1e300", "9223372036854775808", "2147483648",
                                                 "",    "x",   "1,2,3", ",",  "-0",   "/nonexistent/x",      "."};

struct OptionCase {
    std::vector<std::string> command;  // a command that runs as it is
    std::string option;                // the option (or, "" , the last positional) given each value
    std::string out;                   // where the command writes
};

std::vector<OptionCase> option_cases(const TinyWorld& w) {
    const std::string out = w.dir + "/opt";
    const std::vector<std::string> contour = {"contour", w.run, "--input", "0", "--classes", "0,1", "--examples", "10",
                                              "--grid", "4", "--steps", "3", "--out", out};
    const std::vector<std::string> cost = {"gradient-cost", "--depths", "1", "--widths", "4", "--width", "4",
                                           "--depth", "1", "--batch", "2", "--naive-weights", "16",
                                           "--naive-seconds", "0.1", "--out", out};
    std::vector<OptionCase> cases = {
        {{"eval", "--model", w.run}, "--split", out},
        {{"eval", "--model", w.run}, "--threads", out},
        {{"eval", "--model", w.run}, "--json", out},
        {{"eval"}, "--model", out},
        {{"predict", "--model", w.run, w.rows}, "--threads", out},
        {{"predict", "--model", w.run}, "", out},
        {{"predict", w.rows}, "--model", out},
        {{"predict", "--model", w.run, w.rows}, "--csv", out},
        {{"export", w.run, "--out", out + "/m.onnx"}, "--format", out},
        {{"export", w.run, "--format", "c"}, "--out", out},
        {{"export", "--format", "onnx", "--out", out + "/m.onnx"}, "", out},
        {{"gradcheck", "--config", w.config}, "--batch", out},
        {{"gradcheck", "--config", w.config, "--batch", "2"}, "--samples", out},
        {{"gradcheck"}, "--config", out},
        {{"info"}, "--config", out},
        {{"data", "info"}, "--config", out},
        {{"data", "show", "--config", w.config, "--out", out + "/s.png"}, "--per-class", out},
        {{"data", "show", "--config", w.config}, "--out", out},
        {{"train", "--quiet", "--config", w.config}, "--out", out},
        {{"train", "--quiet"}, "--resume", out},
        {{"report"}, "", out},
        {{"report", w.run}, "--out", out},
        {{"search", "--config", w.config, "--out", out}, "--workers", out},
        {{"search", "--config", w.config, "--out", out}, "--max-trials", out},
        {{"search", "--out", out}, "--config", out},
        {{"reproduce", "--out", out, "--runs", out}, "", out},
        {{"units", w.run, "--out", out}, "--classes", out},
        {{"units", w.run, "--classes", "0,1", "--out", out}, "--top", out},
        {{"config", "--list"}, "--markdown", out},
    };
    for (const char* option : {"--pixel", "--input", "--classes", "--examples", "--grid", "--half-width", "--lr",
                               "--steps", "--momenta", "--start", "--out"})
        cases.push_back({contour, option, out});
    for (const char* option : {"--depths", "--widths", "--width", "--depth", "--batch", "--naive-weights",
                               "--naive-seconds", "--out"})
        cases.push_back({cost, option, out});
    return cases;
}

// Sets `option` to `value` in `command`: replaces its value where the command has it, else
// appends it; "" appends `value` as a positional argument.
std::vector<std::string> with_option(std::vector<std::string> command, const std::string& option,
                                     const std::string& value) {
    if (option.empty()) {
        command.push_back(value);
        return command;
    }
    const auto at = std::find(command.begin(), command.end(), option);
    if (at != command.end() && at + 1 != command.end()) {
        *(at + 1) = value;
        return command;
    }
    command.insert(command.end(), {option, value});
    return command;
}

TEST(Issue16, HostileValuesInEveryOptionOfEverySubCommand) {
    const TinyWorld& w = tiny_world();
    int runs = 0;
    for (const OptionCase& c : option_cases(w))
        for (const std::string& value : kHostileOption) {
            // --markdown is a flag: the value is an extra positional the parser must refuse.
            expect_clean(with_option(c.command, c.option, value), c.out);
            if (HasFatalFailure()) return;
            ++runs;
        }
    EXPECT_GT(runs, 600);
}

}  // namespace
}  // namespace mlp
