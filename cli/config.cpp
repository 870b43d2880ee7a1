// TOML config loading with toml++: key whitelist per section, typed reads, range checks.
#include "config.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "mlp/error.hpp"

namespace mlp {
namespace {

const std::map<std::string, std::vector<std::string>> kKeys = {
    {"", {"name", "description", "data", "model", "train"}},
    {"data", {"dataset", "dir", "train_size", "validation", "normalize",
              // splits and subsets
              "test_size", "test_fraction", "stratified", "seed", "classes", "class_names",
              // npy / csv / image-folder sources
              "features", "labels", "test_features", "test_labels", "file", "test_file", "label_column", "header",
              "image_size", "grayscale"}},
    {"model", {"hidden", "activation", "leaky_slope", "init", "init_scale", "bias", "dropout", "input_dropout"}},
    {"train", {"epochs", "max_steps", "batch_size", "lr", "optimizer", "momentum", "beta1", "beta2", "epsilon", "l2", "max_norm",
               "lr_decay", "validations_per_epoch", "patience", "seed", "threads", "train_metrics", "gemm",
               "checkpoint_every", "on_divergence", "divergence_retries", "log_format"}},
};

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

// Reads typed values out of one section, naming "file: section.key" in every error.
class Section {
public:
    Section(const toml::table* table, std::string source, std::string name)
        : table_(table), source_(std::move(source)), name_(std::move(name)) {}

    std::string where(const std::string& key) const { return source_ + ": " + name_ + "." + key; }

    void number(const std::string& key, double& out) const {
        if (auto node = get(key)) {
            if (auto v = node->value<double>()) out = *v;
            else throw Error(where(key) + ": expected a number, got " + type_of(*node));
        }
    }
    void integer(const std::string& key, int& out) const {
        if (auto node = get(key)) {
            auto v = node->value_exact<std::int64_t>();
            require(v.has_value(), where(key) + ": expected an integer, got " + type_of(*node));
            require(*v >= INT32_MIN && *v <= INT32_MAX, where(key) + ": integer out of range");
            out = static_cast<int>(*v);
        }
    }
    void text(const std::string& key, std::string& out) const {
        if (auto node = get(key)) {
            auto v = node->value_exact<std::string>();
            require(v.has_value(), where(key) + ": expected a string, got " + type_of(*node));
            out = *v;
        }
    }
    void integers(const std::string& key, std::vector<int>& out) const {
        auto node = get(key);
        if (!node) return;
        const toml::array* array = node->as_array();
        require(array != nullptr, where(key) + ": expected a list of integers like [64, 32], got " + type_of(*node));
        out.clear();
        for (const auto& item : *array) {
            auto v = item.value_exact<std::int64_t>();
            require(v.has_value() && *v > 0 && *v <= 1 << 20,
                    where(key) + ": expected positive layer widths, got " + toml_text(item));
            out.push_back(static_cast<int>(*v));
        }
    }
    void boolean(const std::string& key, bool& out) const {
        if (auto node = get(key)) {
            auto v = node->value_exact<bool>();
            require(v.has_value(), where(key) + ": expected true or false, got " + type_of(*node));
            out = *v;
        }
    }
    void strings(const std::string& key, std::vector<std::string>& out) const {
        auto node = get(key);
        if (!node) return;
        const toml::array* array = node->as_array();
        require(array != nullptr, where(key) + ": expected a list of strings like [\"cat\", \"dog\"], got " +
                                      type_of(*node));
        out.clear();
        for (const auto& item : *array) {
            auto v = item.value_exact<std::string>();
            require(v.has_value() && !v->empty(), where(key) + ": expected non-empty strings, got " + toml_text(item));
            out.push_back(*v);
        }
    }
    const toml::node* get(const std::string& key) const { return table_ ? table_->get(key) : nullptr; }

    static std::string toml_text(const toml::node& node) {
        std::ostringstream out;
        node.visit([&](const auto& v) { out << v; });
        return out.str();
    }

    static std::string type_of(const toml::node& node) {
        switch (node.type()) {
            case toml::node_type::string: return "a string";
            case toml::node_type::integer: return "an integer";
            case toml::node_type::floating_point: return "a float";
            case toml::node_type::boolean: return "a boolean";
            case toml::node_type::array: return "a list";
            case toml::node_type::table: return "a table";
            default: return "another type";
        }
    }
private:
    const toml::table* table_;
    std::string source_, name_;
};

void check_known_keys(const toml::table& root, const std::string& source) {
    for (const auto& [key, node] : root) {
        const auto& valid = kKeys.at("");
        const std::string k(key.str());
        if (std::find(valid.begin(), valid.end(), k) == valid.end())
            throw Error(source + ": unknown key '" + k + "' (valid top-level keys: " + join(valid) + ")");
        if (k == "name" || k == "description") continue;
        const toml::table* section = node.as_table();
        require(section != nullptr, source + ": '" + k + "' must be a section [" + k + "]");
        const auto& keys = kKeys.at(k);
        for (const auto& [sub, value] : *section) {
            const std::string s(sub.str());
            if (std::find(keys.begin(), keys.end(), s) == keys.end())
                throw Error(source + ": unknown key '" + k + "." + s + "' (valid keys in [" + k + "]: " + join(keys) +
                            ")");
        }
    }
}

void apply_override(toml::table& root, const std::string& assignment, const std::string& source) {
    const auto eq = assignment.find('=');
    const auto dot = assignment.find('.');
    require(eq != std::string::npos && dot != std::string::npos && dot < eq,
            "--set " + assignment + ": expected section.key=value, e.g. train.lr=0.05");
    const std::string section = assignment.substr(0, dot), key = assignment.substr(dot + 1, eq - dot - 1);
    const std::string value = assignment.substr(eq + 1);
    require(kKeys.count(section) && !section.empty(),
            "--set " + assignment + ": unknown section '" + section + "' (expected data, model or train)");
    toml::table parsed;
    try {
        parsed = toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
        parsed.insert_or_assign("v", value);  // a bare word such as relu
    }
    if (!root.contains(section)) root.insert(section, toml::table{});
    toml::table* target = root[section].as_table();
    require(target != nullptr, source + ": '" + section + "' must be a section");
    target->insert_or_assign(key, *parsed.get("v"));
}

// The [data] keys of splits, subsets and the npy/csv/images sources.
void read_data_sources(const Section& s, DataConfig& data) {
    s.integer("test_size", data.test_size);
    require(data.test_size >= 0, s.where("test_size") + ": must be >= 0 (0 means all)");
    s.number("test_fraction", data.test_fraction);
    require(data.test_fraction > 0 && data.test_fraction < 1, s.where("test_fraction") + ": expected a value in (0, 1)");
    s.boolean("stratified", data.stratified);
    int seed = static_cast<int>(data.seed);
    s.integer("seed", seed);
    require(seed >= 0, s.where("seed") + ": must be >= 0");
    data.seed = static_cast<std::uint64_t>(seed);
    s.strings("classes", data.classes);
    s.strings("class_names", data.class_names);
    const std::pair<const char*, std::string*> paths[] = {
        {"features", &data.features}, {"labels", &data.labels}, {"test_features", &data.test_features},
        {"test_labels", &data.test_labels}, {"file", &data.file}, {"test_file", &data.test_file}};
    for (const auto& [key, field] : paths) s.text(key, *field);
    if (auto node = s.get("label_column")) {
        if (auto name = node->value_exact<std::string>()) {
            require(!name->empty(), s.where("label_column") + ": expected a column name or a 0-based index");
            data.label_column = *name;
            data.label_index.reset();
        } else {
            int index = 0;
            s.integer("label_column", index);
            data.label_index = index;
            data.label_column.clear();
        }
    }
    if (auto node = s.get("header")) {
        if (auto flag = node->value_exact<bool>()) {
            data.header = *flag ? "true" : "false";
        } else {
            s.text("header", data.header);
            require(data.header == "auto", s.where("header") + ": expected true, false or \"auto\", got \"" +
                                               data.header + "\"");
        }
    }
    if (auto node = s.get("image_size")) {
        if (node->is_array()) {
            std::vector<int> size;
            s.integers("image_size", size);
            require(size.size() == 2, s.where("image_size") + ": expected [height, width] or one integer");
            data.image_height = size[0];
            data.image_width = size[1];
        } else {
            int side = 0;
            s.integer("image_size", side);
            data.image_height = data.image_width = side;
        }
        require(data.image_height >= 1 && data.image_height <= 4096 && data.image_width >= 1 &&
                    data.image_width <= 4096,
                s.where("image_size") + ": expected sizes in 1..4096");
    }
    s.boolean("grayscale", data.grayscale);
}

void read_data(const Section& s, DataConfig& data) {
    s.text("dataset", data.dataset);
    s.text("dir", data.dir);
    s.integer("train_size", data.train_size);
    s.text("normalize", data.normalize);
    if (auto node = s.get("validation")) {
        if (auto word = node->value_exact<std::string>()) {
            require(*word == "test" || *word == "auto", s.where("validation") +
                                                           ": expected a count, a fraction, \"auto\" or \"test\", "
                                                           "got \"" + *word + "\"");
            data.validation_from_test = *word == "test";
            data.validation = *word == "test" ? 0 : -1;
        } else {
            s.number("validation", data.validation);
            require(data.validation >= 0, s.where("validation") + ": must be >= 0");
            require(data.validation < 1 || data.validation == std::floor(data.validation),
                    s.where("validation") + ": a count must be a whole number (or give a fraction below 1)");
        }
    }
    require(data.train_size >= 0, s.where("train_size") + ": must be >= 0 (0 means all)");
    read_data_sources(s, data);
    try {
        parse_normalize(data.normalize);
    } catch (const Error& e) {
        throw Error(s.where("normalize") + ": " + e.what());
    }
    try {
        check_dataset_name(data.dataset);
    } catch (const Error& e) {
        throw Error(s.where("dataset") + ": " + e.what());
    }
}

void read_model(const Section& s, ModelConfig& model) {
    s.integers("hidden", model.hidden);
    s.text("activation", model.activation);
    s.number("leaky_slope", model.leaky_slope);
    s.text("init", model.init);
    s.number("init_scale", model.init_scale);
    s.text("bias", model.bias);
    s.number("dropout", model.dropout);
    s.number("input_dropout", model.input_dropout);
    auto check = [&](const char* key, auto parse) {
        try {
            parse();
        } catch (const Error& e) {
            throw Error(s.where(key) + ": " + e.what());
        }
    };
    check("activation", [&] { parse_activation(model.activation); });
    check("init", [&] { parse_init(model.init); });
    check("bias", [&] { parse_bias_mode(model.bias); });
    require(model.leaky_slope >= 0 && model.leaky_slope < 1, s.where("leaky_slope") + ": expected a value in [0, 1)");
    require(model.init_scale >= 0, s.where("init_scale") + ": must be >= 0");
    require(model.dropout >= 0 && model.dropout < 1,
            s.where("dropout") + ": expected a probability of dropping a hidden unit in [0, 1), got " + std::to_string(model.dropout));
    require(model.input_dropout >= 0 && model.input_dropout < 1,
            s.where("input_dropout") + ": expected a probability of dropping an input in [0, 1), got " +
                std::to_string(model.input_dropout));
}

// Checkpoints and divergence handling (docs/reliability.md).
void read_reliability(const Section& s, Config& config) {
    TrainSettings& t = config.train;
    int every = static_cast<int>(t.checkpoint_every);
    s.integer("checkpoint_every", every);
    require(every >= 0, s.where("checkpoint_every") + ": must be >= 0 (0 = only at epoch ends)");
    t.checkpoint_every = every;
    s.text("on_divergence", config.on_divergence);
    try {
        t.on_divergence = parse_divergence_policy(config.on_divergence);
    } catch (const Error& e) {
        throw Error(s.where("on_divergence") + ": " + e.what());
    }
    s.integer("divergence_retries", t.divergence_retries);
    require(t.divergence_retries >= 0 && t.divergence_retries <= 30,
            s.where("divergence_retries") + ": expected 0..30 (each halves lr)");
}

void read_train(const Section& s, Config& config) {
    TrainSettings& t = config.train;
    s.integer("epochs", t.epochs);
    int max_steps = static_cast<int>(t.max_steps);
    s.integer("max_steps", max_steps);
    require(max_steps >= 0, s.where("max_steps") + ": must be >= 0 (0 means no limit), got " + std::to_string(max_steps));
    t.max_steps = max_steps;
    s.integer("batch_size", t.batch_size);
    s.number("lr", t.lr);
    s.text("optimizer", config.optimizer);
    s.number("momentum", t.optimizer.momentum);
    s.number("beta1", t.optimizer.beta1);
    s.number("beta2", t.optimizer.beta2);
    s.number("epsilon", t.optimizer.epsilon);
    s.number("l2", t.l2);
    s.number("max_norm", t.max_norm);
    s.number("lr_decay", t.lr_decay);
    s.integer("validations_per_epoch", t.validations_per_epoch);
    s.integer("patience", t.patience);
    int seed = static_cast<int>(t.seed);
    s.integer("seed", seed);
    require(seed >= 0, s.where("seed") + ": must be >= 0");
    t.seed = static_cast<std::uint64_t>(seed);
    s.integer("threads", t.threads);
    s.text("train_metrics", config.train_metrics);
    s.text("gemm", config.gemm);
    s.text("log_format", config.log_format);
    require(t.epochs >= 1, s.where("epochs") + ": must be >= 1, got " + std::to_string(t.epochs));
    require(t.batch_size >= 1, s.where("batch_size") + ": must be >= 1, got " + std::to_string(t.batch_size));
    require(t.lr > 0, s.where("lr") + ": must be > 0, got " + std::to_string(t.lr));
    require(t.optimizer.momentum >= 0 && t.optimizer.momentum < 1, s.where("momentum") + ": expected a value in [0, 1)");
    require(t.optimizer.beta1 >= 0 && t.optimizer.beta1 < 1, s.where("beta1") + ": expected a value in [0, 1)");
    require(t.optimizer.beta2 >= 0 && t.optimizer.beta2 < 1, s.where("beta2") + ": expected a value in [0, 1)");
    require(t.optimizer.epsilon > 0, s.where("epsilon") + ": must be > 0");
    require(t.l2 >= 0, s.where("l2") + ": must be >= 0");
    require(t.max_norm >= 0, s.where("max_norm") + ": must be >= 0 (0 turns the constraint off)");
    require(t.lr_decay > 0 && t.lr_decay <= 1, s.where("lr_decay") + ": expected a factor in (0, 1]");
    require(t.validations_per_epoch >= 1, s.where("validations_per_epoch") + ": must be >= 1");
    require(t.patience >= 0, s.where("patience") + ": must be >= 0 (0 turns early stopping off)");
    require(t.threads >= 1 && t.threads <= 256, s.where("threads") + ": expected 1..256");
    require(config.train_metrics == "running" || config.train_metrics == "full",
            s.where("train_metrics") + ": expected \"running\" or \"full\", got \"" + config.train_metrics + "\"");
    require(config.log_format == "default" || config.log_format == "course",
            s.where("log_format") + ": expected \"default\" or \"course\", got \"" + config.log_format + "\"");
    require(config.gemm == "auto" || config.gemm == "onednn" || config.gemm == "openblas" || config.gemm == "own" ||
                config.gemm == "reference",
            s.where("gemm") + ": expected auto, onednn, openblas, own or reference, got \"" + config.gemm + "\"");
    try {
        t.optimizer.kind = parse_optimizer(config.optimizer);
    } catch (const Error& e) {
        throw Error(s.where("optimizer") + ": " + e.what());
    }
    t.full_train_metrics = config.train_metrics == "full";
    read_reliability(s, config);
}

}  // namespace

toml::table parse_toml(const std::string& text, const std::string& source) {
    try {
        return toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        throw Error(source + ":" + std::to_string(e.source().begin.line) + ": invalid TOML (" +
                    std::string(e.description()) + ")");
    }
}

Config parse_config(const std::string& text, const std::string& source, const std::vector<std::string>& overrides) {
    toml::table root = parse_toml(text, source);
    for (const auto& assignment : overrides) apply_override(root, assignment, source);
    check_known_keys(root, source);
    Config config;
    config.source = source;
    config.name = std::filesystem::path(source).stem().string();
    Section(&root, source, "").text("name", config.name);
    read_data(Section(root["data"].as_table(), source, "data"), config.data);
    read_model(Section(root["model"].as_table(), source, "model"), config.model);
    read_train(Section(root["train"].as_table(), source, "train"), config);
    return config;
}

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
    std::error_code ec;
    require(std::filesystem::is_regular_file(path, ec), path + ": no such config file");
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path, overrides);
}

namespace {

// The resolved form of read_data_sources' keys: those that apply to the dataset.
void add_data_sources(const DataConfig& d, toml::table& data) {
    auto strings = [](const std::vector<std::string>& items) {
        toml::array a;
        for (const auto& item : items) a.push_back(item);
        return a;
    };
    data.insert("test_size", d.test_size);
    data.insert("stratified", d.stratified);
    data.insert("seed", static_cast<std::int64_t>(d.seed));
    if (!d.classes.empty()) data.insert("classes", strings(d.classes));
    if (!d.class_names.empty()) data.insert("class_names", strings(d.class_names));
    if (d.dataset == "npy") {
        data.insert("features", d.features);
        data.insert("labels", d.labels);
        if (!d.test_features.empty()) data.insert("test_features", d.test_features);
        if (!d.test_labels.empty()) data.insert("test_labels", d.test_labels);
    }
    if (d.dataset == "csv") {
        data.insert("file", d.file);
        if (!d.test_file.empty()) data.insert("test_file", d.test_file);
        if (d.label_index) data.insert("label_column", *d.label_index);
        else data.insert("label_column", d.label_column.empty() ? "label" : d.label_column);
        if (d.header == "auto") data.insert("header", "auto");
        else data.insert("header", d.header == "true");
    }
    if (d.dataset == "images") {
        if (d.image_height > 0) data.insert("image_size", toml::array{d.image_height, d.image_width});
        data.insert("grayscale", d.grayscale);
    }
    if (d.dataset == "npy" || d.dataset == "csv" || d.dataset == "images") data.insert("test_fraction", d.test_fraction);
}

}  // namespace

std::string resolved_toml(const Config& c) {
    toml::table data{{"dataset", c.data.dataset},
                     {"dir", c.data.dir.empty() ? default_data_dir(c.data.dataset) : c.data.dir},
                     {"train_size", c.data.train_size},
                     {"normalize", c.data.normalize}};
    if (c.data.validation_from_test) data.insert("validation", "test");
    else if (c.data.validation < 0) data.insert("validation", "auto");
    else if (c.data.validation >= 1) data.insert("validation", static_cast<std::int64_t>(c.data.validation));
    else data.insert("validation", c.data.validation);
    add_data_sources(c.data, data);
    toml::array hidden;
    for (int h : c.model.hidden) hidden.push_back(h);
    toml::table model{{"hidden", hidden},           {"activation", c.model.activation},
                      {"leaky_slope", c.model.leaky_slope}, {"init", c.model.init},
                      {"init_scale", c.model.init_scale},   {"bias", c.model.bias},
                      {"dropout", c.model.dropout},         {"input_dropout", c.model.input_dropout}};
    const TrainSettings& t = c.train;
    toml::table train{{"epochs", t.epochs},
                      {"max_steps", static_cast<std::int64_t>(t.max_steps)},
                      {"batch_size", t.batch_size},
                      {"lr", t.lr},
                      {"optimizer", c.optimizer},
                      {"momentum", t.optimizer.momentum},
                      {"beta1", t.optimizer.beta1},
                      {"beta2", t.optimizer.beta2},
                      {"epsilon", t.optimizer.epsilon},
                      {"l2", t.l2},
                      {"max_norm", t.max_norm},
                      {"lr_decay", t.lr_decay},
                      {"validations_per_epoch", t.validations_per_epoch},
                      {"patience", t.patience},
                      {"seed", static_cast<std::int64_t>(t.seed)},
                      {"threads", t.threads},
                      {"train_metrics", c.train_metrics},
                      {"gemm", c.gemm},
                      {"checkpoint_every", static_cast<std::int64_t>(t.checkpoint_every)},
                      {"on_divergence", c.on_divergence},
                      {"divergence_retries", t.divergence_retries},
                      {"log_format", c.log_format}};
    toml::table root{{"name", c.name}, {"data", data}, {"model", model}, {"train", train}};
    std::ostringstream out;
    out << "# Resolved configuration: every setting of this run, defaults included.\n" << root << "\n";
    return out.str();
}

Architecture architecture_of(const Config& config, int inputs, int classes) {
    Architecture arch;
    arch.inputs = inputs;
    arch.hidden = config.model.hidden;
    arch.classes = classes;
    arch.activation.kind = parse_activation(config.model.activation);
    arch.activation.slope = config.model.leaky_slope;
    arch.bias = parse_bias_mode(config.model.bias);
    arch.dropout = config.model.dropout;
    arch.input_dropout = config.model.input_dropout;
    validate(arch);
    return arch;
}

Init init_of(const Config& config) { return Init{parse_init(config.model.init), config.model.init_scale}; }

}  // namespace mlp
