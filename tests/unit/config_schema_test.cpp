// The config schema: every committed experiment resolves to the same config.toml as the
// fixture recorded before the schema became one table (tests/fixtures/resolved_configs/,
// rewritten only by hand with MLP_WRITE_RESOLVED_FIXTURES=1).
#include <gtest/gtest.h>
#include <sched.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config.hpp"
#include "config_schema.hpp"
#include "mlp/error.hpp"
#include "search.hpp"

namespace mlp {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> experiment_configs() {
    std::vector<fs::path> paths;
    for (const auto& entry : fs::recursive_directory_iterator(MLP_SOURCE_DIR "/experiments"))
        if (entry.path().extension() == ".toml" && entry.path().filename() != "group.toml") paths.push_back(entry.path());
    std::sort(paths.begin(), paths.end());
    return paths;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Keeps the calling thread on its first allowed CPU while it lives, so train.threads = "auto"
// resolves to 1 as it did where the fixtures were written, whatever this machine has.
struct OnOneCpu {
    cpu_set_t was;
    OnOneCpu() {
        sched_getaffinity(0, sizeof was, &was);
        cpu_set_t one;
        CPU_ZERO(&one);
        int first = 0;
        while (!CPU_ISSET(first, &was)) ++first;
        CPU_SET(first, &one);
        sched_setaffinity(0, sizeof one, &one);
    }
    ~OnOneCpu() { sched_setaffinity(0, sizeof was, &was); }
};

TEST(ConfigSchema, EveryCommittedExperimentResolvesByteForByteAsRecorded) {
    const OnOneCpu one_cpu;
    const fs::path experiments = MLP_SOURCE_DIR "/experiments";
    const fs::path fixtures = MLP_SOURCE_DIR "/tests/fixtures/resolved_configs";
    const bool write = std::getenv("MLP_WRITE_RESOLVED_FIXTURES") != nullptr;
    const auto paths = experiment_configs();
    ASSERT_GE(paths.size(), 15u);
    for (const fs::path& path : paths) {
        const fs::path relative = fs::relative(path, experiments);
        const fs::path fixture = fixtures / relative;
        // Relative to the checkout, so the fixture names no machine's paths.
        const std::string source = "experiments/" + relative.string();
        const std::string text = read_text(path);
        // A search's trials resolve its config without the [search] section.
        const bool search = parse_toml(text, source).contains("search");
        const std::string resolved =
            resolved_toml(parse_config(search ? plan_search_text(text, source).base_config : text, source));
        if (write) {
            fs::create_directories(fixture.parent_path());
            std::ofstream(fixture) << resolved;
            continue;
        }
        ASSERT_TRUE(fs::exists(fixture)) << fixture;
        EXPECT_EQ(resolved, read_text(fixture)) << relative;
    }
}

// The README's key table is the schema's, as `mlp config --list --markdown` prints it.
TEST(ConfigSchema, TheReadmeKeyTableIsTheSchemasTable) {
    const std::string readme = read_text(MLP_SOURCE_DIR "/README.md");
    const std::string begin = "<!-- config-keys:begin -->\n", end = "<!-- config-keys:end -->";
    const auto from = readme.find(begin), to = readme.find(end);
    ASSERT_NE(from, std::string::npos);
    ASSERT_NE(to, std::string::npos);
    EXPECT_EQ(readme.substr(from + begin.size(), to - from - begin.size()), config_keys_markdown())
        << "README.md's key table is stale: paste `build/mlp config --list --markdown` between the markers";
}

// Every key is read and written by its row: a value set in TOML comes back in the resolved
// config, and a misspelt key is answered with the closest one.
TEST(ConfigSchema, EveryKeyHasARowThatReadsAndWritesIt) {
    for (const ConfigKey& k : config_keys()) {
        EXPECT_FALSE(k.doc.empty()) << k.path();
        EXPECT_FALSE(k.type.empty()) << k.path();
        ASSERT_TRUE(k.read && k.write) << k.path();
    }
    const Config c = parse_config("[train]\nlr_decay = 0.5\npatience = 3\n[model]\ninit = \"he\"\n", "k.toml");
    const std::string resolved = resolved_toml(c);
    EXPECT_NE(resolved.find("lr_decay = 0.5"), std::string::npos);
    EXPECT_NE(resolved.find("patience = 3"), std::string::npos);
    EXPECT_NE(resolved.find("init = 'he'"), std::string::npos);
    EXPECT_EQ(closest_config_key("train.lr_decy"), "train.lr_decay");
    EXPECT_EQ(closest_config_key("model.hiden"), "model.hidden");
    EXPECT_EQ(closest_config_key("train.learning_rate"), "");
    try {
        parse_config("[train]\nlr_decy = 0.5\n", "k.toml");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("unknown key 'train.lr_decy' (did you mean 'train.lr_decay'?"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace mlp
