// The table of every config key (config_schema.hpp), the typed reads it uses, and the
// views of it for people: the README's Markdown table and `mlp config --list`.
#include "config_schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>

#include "mlp/error.hpp"
#include "mlp/gemm_backend.hpp"
#include "mlp/names.hpp"
#include "mlp/thread_team.hpp"

namespace mlp {

std::string ConfigSection::where(const std::string& key) const {
    return source_ + ": " + (name_.empty() ? key : name_ + "." + key);
}

void ConfigSection::read(const std::string& key, double& out) const {
    if (auto node = get(key)) {
        auto v = node->value<double>();
        require(v.has_value(), where(key) + ": expected a number, got " + type_of(*node));
        // TOML has inf and nan literals; no key means them (lr = inf would train to NaN).
        require(std::isfinite(*v), where(key) + ": expected a finite number, got " + text_of(*node));
        out = *v;
    }
}

void ConfigSection::read(const std::string& key, int& out) const {
    if (auto node = get(key)) {
        auto v = node->value_exact<std::int64_t>();
        require(v.has_value(), where(key) + ": expected an integer, got " + type_of(*node));
        require(*v >= INT32_MIN && *v <= INT32_MAX, where(key) + ": integer out of range");
        out = static_cast<int>(*v);
    }
}

void ConfigSection::read(const std::string& key, std::string& out) const {
    if (auto node = get(key)) {
        auto v = node->value_exact<std::string>();
        require(v.has_value(), where(key) + ": expected a string, got " + type_of(*node));
        out = *v;
    }
}

void ConfigSection::read(const std::string& key, bool& out) const {
    if (auto node = get(key)) {
        auto v = node->value_exact<bool>();
        require(v.has_value(), where(key) + ": expected true or false, got " + type_of(*node));
        out = *v;
    }
}

void ConfigSection::read(const std::string& key, std::vector<int>& out) const {
    auto node = get(key);
    if (!node) return;
    const toml::array* array = node->as_array();
    require(array != nullptr, where(key) + ": expected a list of integers like [64, 32], got " + type_of(*node));
    out.clear();
    for (const auto& item : *array) {
        auto v = item.value_exact<std::int64_t>();
        require(v.has_value() && *v > 0 && *v <= 1 << 20, where(key) + ": expected positive layer widths, got " + text_of(item));
        out.push_back(static_cast<int>(*v));
    }
}

void ConfigSection::read(const std::string& key, std::vector<std::string>& out) const {
    auto node = get(key);
    if (!node) return;
    const toml::array* array = node->as_array();
    require(array != nullptr, where(key) + ": expected a list of strings like [\"cat\", \"dog\"], got " + type_of(*node));
    out.clear();
    for (const auto& item : *array) {
        auto v = item.value_exact<std::string>();
        require(v.has_value() && !v->empty(), where(key) + ": expected non-empty strings, got " + text_of(item));
        out.push_back(*v);
    }
}

std::string ConfigSection::text_of(const toml::node& node) {
    std::ostringstream out;
    node.visit([&](const auto& v) { out << v; });
    return out.str();
}

std::string ConfigSection::type_of(const toml::node& node) {
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

namespace {

// What a row says besides its reading and writing; rows give it as {allowed, doc, ...},
// the trailing parts only where they differ from these defaults.
struct Doc {
    Doc(std::string allowed, std::string doc, std::string applies = "", std::function<bool(const Config&)> when = {},
        bool changes_results = true)
        : allowed(std::move(allowed)),
          doc(std::move(doc)),
          applies(std::move(applies)),
          when(std::move(when)),
          changes_results(changes_results) {}
    std::string allowed;
    std::string doc;
    std::string applies;                      // "" → every config
    std::function<bool(const Config&)> when;  // the resolved config has it only then; empty → always
    bool changes_results;
};

template <class T>
std::string type_name() {
    if constexpr (std::is_same_v<T, double>) return "number";
    else if constexpr (std::is_same_v<T, int>) return "integer";
    else if constexpr (std::is_same_v<T, bool>) return "boolean";
    else if constexpr (std::is_same_v<T, std::string>) return "string";
    else if constexpr (std::is_same_v<T, std::vector<int>>) return "list of integers";
    else return "list of strings";
}

template <class T>
void put(toml::table& t, const std::string& name, const T& v) {
    if constexpr (std::is_same_v<T, std::vector<int>> || std::is_same_v<T, std::vector<std::string>>) {
        toml::array a;
        for (const auto& item : v) a.push_back(item);
        t.insert_or_assign(name, std::move(a));
    } else {
        t.insert_or_assign(name, v);
    }
}

ConfigKey row(const char* section, const char* name, std::string type, const Doc& d) {
    ConfigKey k;
    k.section = section;
    k.name = name;
    k.type = std::move(type);
    k.allowed = d.allowed;
    k.applies = d.applies;
    k.changes_results = d.changes_results;
    k.doc = d.doc;
    return k;
}

// Writes `value(c)` where the row's `when` holds (or always when asked for the default).
template <class Value>
auto writer(const std::string& name, std::function<bool(const Config&)> when, Value value) {
    return [=](const Config& c, toml::table& t, bool always) {
        if (always || !when || when(c)) put(t, name, value(c));
    };
}

// A value kept as it is read. `ok` (if given) must hold, else "<where>: <failure>, got <value>".
template <class T, class Get>
ConfigKey plain(const char* section, const char* name, Get get, const Doc& d, std::function<bool(const T&)> ok = {},
                std::string failure = "") {
    ConfigKey k = row(section, name, type_name<T>(), d);
    k.read = [=](const ConfigSection& s, Config& c) {
        T& v = get(c);
        s.read(name, v);
        if (ok && !ok(v)) {
            std::string got;
            if constexpr (std::is_arithmetic_v<T>) {
                std::ostringstream text;
                text << v;
                got = ", got " + text.str();
            }
            throw Error(s.where(name) + ": " + failure + got);
        }
    };
    k.write = writer(name, d.when, [=](const Config& c) { return get(c); });
    return k;
}

// A number in a range, with its failure message.
template <class Get>
ConfigKey number(const char* section, const char* name, Get get, const Doc& d, std::function<bool(const double&)> ok,
                 std::string failure) {
    return plain<double>(section, name, get, d, std::move(ok), std::move(failure));
}

template <class Get>
ConfigKey integer(const char* section, const char* name, Get get, const Doc& d, std::function<bool(const int&)> ok,
                  std::string failure) {
    return plain<int>(section, name, get, d, std::move(ok), std::move(failure));
}

// A name from a list: `parse` checks it (throwing the list of valid names) and may set the
// typed setting it stands for.
template <class Get>
ConfigKey named(const char* section, const char* name, Get get, const Doc& d,
                std::function<void(const std::string&, Config&)> parse) {
    ConfigKey k = row(section, name, "string", d);
    k.read = [=](const ConfigSection& s, Config& c) {
        std::string& v = get(c);
        s.read(name, v);
        try {
            parse(v, c);
        } catch (const Error& e) {
            throw Error(s.where(name) + ": " + e.what());
        }
    };
    k.write = writer(name, d.when, [=](const Config& c) { return get(c); });
    return k;
}

// A whole number ≥ 0 kept in a wider type (seeds, step counts).
template <class Get>
ConfigKey count(const char* section, const char* name, Get get, const Doc& d, std::string failure) {
    ConfigKey k = row(section, name, "integer", d);
    k.read = [=](const ConfigSection& s, Config& c) {
        auto& field = get(c);
        int v = static_cast<int>(field);
        s.read(name, v);
        require(v >= 0, s.where(name) + ": " + failure + ", got " + std::to_string(v));
        field = static_cast<std::remove_reference_t<decltype(field)>>(v);
    };
    k.write = writer(name, d.when, [=](const Config& c) { return static_cast<std::int64_t>(get(c)); });
    return k;
}

// A [data] key that only some dataset kinds read: which (for people), and whether the
// config's kind does (the resolved config holds it only then). The kinds say (kind_*.cpp).
std::string kinds_reading(const char* key) { return comma_list(datasets_reading(key)); }

std::function<bool(const Config&)> read_by_dataset(const char* key) {
    return [key](const Config& c) { return dataset_reads(c.data.dataset, key); };
}

// The two settings kept as text in Config: whether the train metrics cover the whole
// split, and whether the log is the course's.
constexpr NamedValue<bool> kTrainMetricsNames[] = {{"running", false}, {"full", true}};
constexpr NamedValue<bool> kLogFormatNames[] = {{"default", false}, {"course", true}};

auto in_unit = [](const double& v) { return v >= 0 && v < 1; };  // [0, 1)

// [data] validation: a count, a fraction, "auto" or "test".
ConfigKey validation_key() {
    ConfigKey k = row("data", "validation", "number or string",
                      {"a count ≥ 1, a fraction < 1, \"auto\" or \"test\"",
                       "rows held out of the training rows for validation: a count, a fraction, \"auto\" (the "
                       "dataset's own validation split, else 10000 for MNIST, 5000 for CIFAR-10, 0.1 otherwise) or "
                       "\"test\" (validate on the test set)"});
    k.read = [](const ConfigSection& s, Config& c) {
        DataConfig& data = c.data;
        auto node = s.get("validation");
        if (!node) return;
        if (auto word = node->value_exact<std::string>()) {
            require(*word == "test" || *word == "auto",
                    s.where("validation") + ": expected a count, a fraction, \"auto\" or \"test\", got \"" + *word + "\"");
            data.validation_from_test = *word == "test";
            data.validation = *word == "test" ? 0 : -1;
            return;
        }
        s.read("validation", data.validation);
        require(data.validation >= 0, s.where("validation") + ": must be >= 0");
        require(data.validation < 1 || data.validation == std::floor(data.validation),
                s.where("validation") + ": a count must be a whole number (or give a fraction below 1)");
        // Row counts are ints: a larger count could never be held out, and would not survive the cast.
        if (data.validation > INT32_MAX) {
            char text[64];
            std::snprintf(text, sizeof text, "%.0f", data.validation);
            throw Error(s.where("validation") + ": a count of " + text + " rows is more than any dataset holds "
                        "(expected at most 2147483647, or a fraction below 1)");
        }
    };
    k.write = [](const Config& c, toml::table& t, bool) {
        if (c.data.validation_from_test) t.insert_or_assign("validation", "test");
        else if (c.data.validation < 0) t.insert_or_assign("validation", "auto");
        else if (c.data.validation >= 1) t.insert_or_assign("validation", static_cast<std::int64_t>(c.data.validation));
        else t.insert_or_assign("validation", c.data.validation);
    };
    return k;
}

// [train] threads: a count, or "auto" (Config{} holds 0 for it): the CPUs this process may
// run on, resolved when the config is read, so the run's config.toml records the number and
// a rerun or --resume from it uses the same team, and gets the same bits.
ConfigKey threads_key() {
    ConfigKey k = row("train", "threads", "integer or string",
                      {"1..256 or \"auto\"",
                       "the thread team (auto: the CPUs this process may use, recorded as the number in the run's "
                       "config.toml): a step is shared over it by hidden units where a phase holds enough work, large "
                       "products are split over it (sums run in rank order, so the last bits depend on it)"});
    k.read = [](const ConfigSection& s, Config& c) {
        int& threads = c.train.threads;
        const std::string expected = ": expected a thread count 1..256 or \"auto\", got ";
        if (auto node = s.get("threads")) {
            if (auto word = node->value_exact<std::string>()) {
                require(*word == "auto", s.where("threads") + expected + "\"" + *word + "\"");
                threads = 0;
            } else {
                s.read("threads", threads);
                require(threads >= 1 && threads <= 256, s.where("threads") + expected + std::to_string(threads));
            }
        }
        if (threads == 0) threads = available_cores();
    };
    k.write = [](const Config& c, toml::table& t, bool) {
        if (c.train.threads == 0) t.insert_or_assign("threads", "auto");
        else t.insert_or_assign("threads", c.train.threads);
    };
    return k;
}

// [data] label_column: a header name or a 0-based index.
ConfigKey label_column_key() {
    ConfigKey k = row("data", "label_column", "string or integer",
                      {"a header name or a 0-based index", "the CSV column that holds the labels (\"label\")",
                       kinds_reading("label_column")});
    k.read = [](const ConfigSection& s, Config& c) {
        auto node = s.get("label_column");
        if (!node) return;
        if (auto name = node->value_exact<std::string>()) {
            require(!name->empty(), s.where("label_column") + ": expected a column name or a 0-based index");
            c.data.label_column = *name;
            c.data.label_index.reset();
            return;
        }
        int index = 0;
        s.read("label_column", index);
        c.data.label_index = index;
        c.data.label_column.clear();
    };
    k.write = [](const Config& c, toml::table& t, bool always) {
        if (!always && !dataset_reads(c.data.dataset, "label_column")) return;
        if (c.data.label_index) t.insert_or_assign("label_column", *c.data.label_index);
        else t.insert_or_assign("label_column", c.data.label_column.empty() ? "label" : c.data.label_column);
    };
    return k;
}

// [data] header: true, false or "auto".
ConfigKey header_key() {
    ConfigKey k = row("data", "header", "boolean or string",
                      {"true, false or \"auto\"", "whether the CSV's first line names the columns (\"auto\": guessed)",
                       kinds_reading("header")});
    k.read = [](const ConfigSection& s, Config& c) {
        auto node = s.get("header");
        if (!node) return;
        if (auto flag = node->value_exact<bool>()) {
            c.data.header = *flag ? "true" : "false";
            return;
        }
        s.read("header", c.data.header);
        require(c.data.header == "auto",
                s.where("header") + ": expected true, false or \"auto\", got \"" + c.data.header + "\"");
    };
    k.write = [](const Config& c, toml::table& t, bool always) {
        if (!always && !dataset_reads(c.data.dataset, "header")) return;
        if (c.data.header == "auto") t.insert_or_assign("header", "auto");
        else t.insert_or_assign("header", c.data.header == "true");
    };
    return k;
}

// [data] image_size: one side or [height, width].
ConfigKey image_size_key() {
    ConfigKey k = row("data", "image_size", "integer or list of integers",
                      {"1..4096, or [height, width]", "resize every image to this size (unset: keep the source size)",
                       kinds_reading("image_size")});
    k.read = [](const ConfigSection& s, Config& c) {
        DataConfig& data = c.data;
        auto node = s.get("image_size");
        if (!node) return;
        if (node->is_array()) {
            std::vector<int> size;
            s.read("image_size", size);
            require(size.size() == 2, s.where("image_size") + ": expected [height, width] or one integer");
            data.image_height = size[0];
            data.image_width = size[1];
        } else {
            int side = 0;
            s.read("image_size", side);
            data.image_height = data.image_width = side;
        }
        require(data.image_height >= 1 && data.image_height <= 4096 && data.image_width >= 1 && data.image_width <= 4096,
                s.where("image_size") + ": expected sizes in 1..4096");
    };
    k.write = [](const Config& c, toml::table& t, bool always) {
        if (c.data.image_height > 0 && (always || dataset_reads(c.data.dataset, "image_size")))
            t.insert_or_assign("image_size", toml::array{c.data.image_height, c.data.image_width});
    };
    return k;
}

ConfigKey name_key() {
    ConfigKey k = row("", "name", "string", {"", "the run's name (runs/<name>/); default the config file's stem"});
    k.read = [](const ConfigSection& s, Config& c) { s.read("name", c.name); };
    k.write = [](const Config& c, toml::table& t, bool) { t.insert_or_assign("name", c.name); };
    return k;
}

ConfigKey description_key() {
    ConfigKey k = row("", "description", "string",
                      {"", "free text about the experiment; not used, not in the resolved config", "", {}, false});
    k.read = [](const ConfigSection& s, Config&) {
        std::string text;
        s.read("description", text);
    };
    k.write = [](const Config&, toml::table&, bool) {};
    return k;
}

ConfigKey data_dir_key() {
    ConfigKey k = row("data", "dir", "string",
                      {"a folder", "where the dataset's files are (default: its usual place: data/mnist; Fashion-MNIST: "
                        "/usr/share/datasets/fashion-mnist; CIFAR-10 and faces: ../shared/data/... when present)"});
    k.read = [](const ConfigSection& s, Config& c) { s.read("dir", c.data.dir); };
    k.write = [](const Config& c, toml::table& t, bool) {
        t.insert_or_assign("dir", c.data.dir.empty() ? default_data_dir(c.data.dataset) : c.data.dir);
    };
    return k;
}

std::vector<ConfigKey> make_keys() {
    auto nonempty = [](auto get, auto is_kind) {
        return std::function<bool(const Config&)>([=](const Config& c) { return is_kind(c) && !get(c).empty(); });
    };
    auto always = [](const Config&) { return true; };
    std::vector<ConfigKey> keys;
    keys.push_back(name_key());
    keys.push_back(description_key());

    // [data]
    keys.push_back(named("data", "dataset", [](auto& c) -> auto& { return c.data.dataset; },
                         {comma_list(dataset_names()), "which data; the keys of each kind: docs/datasets.md"},
                         [](const std::string& v, Config&) { check_dataset_name(v); }));
    keys.push_back(data_dir_key());
    keys.push_back(integer("data", "train_size", [](auto& c) -> auto& { return c.data.train_size; },
                           {"≥ 0", "use only the first N training rows after the hold-outs (0: all)"},
                           [](const int& v) { return v >= 0; }, "must be >= 0 (0 means all)"));
    keys.push_back(validation_key());
    keys.push_back(named("data", "normalize", [](auto& c) -> auto& { return c.data.normalize; },
                         {comma_list(names_of(kNormalizeNames)),
                          "input normalisation, fitted on the training split only (global: one mean/std over the "
                          "training pixels, 33.318/78.567 on MNIST)"},
                         [](const std::string& v, Config&) { parse_normalize(v); }));
    keys.push_back(integer("data", "test_size", [](auto& c) -> auto& { return c.data.test_size; },
                           {"≥ 0", "use only the first N test rows (0: all)"}, [](const int& v) { return v >= 0; },
                           "must be >= 0 (0 means all)"));
    keys.push_back(number("data", "test_fraction", [](auto& c) -> auto& { return c.data.test_fraction; },
                          {"(0, 1)", "fraction held out for testing when the dataset has no test set",
                           kinds_reading("test_fraction"), read_by_dataset("test_fraction")},
                          [](const double& v) { return v > 0 && v < 1; }, "expected a value in (0, 1)"));
    keys.push_back(plain<bool>("data", "stratified", [](auto& c) -> auto& { return c.data.stratified; },
                               {"", "hold-outs and train_size pick rows at random per class (seeded by data.seed)"}));
    keys.push_back(count("data", "seed", [](auto& c) -> auto& { return c.data.seed; },
                         {"≥ 0", "seed of the random hold-outs"}, "must be >= 0"));
    keys.push_back(plain<std::vector<std::string>>(
        "data", "classes", [](auto& c) -> auto& { return c.data.classes; },
        {"class names", "keep only these classes, in this order (unset: all)", "",
         nonempty([](const Config& c) -> const auto& { return c.data.classes; }, always)}));
    keys.push_back(plain<std::vector<std::string>>(
        "data", "class_names", [](auto& c) -> auto& { return c.data.class_names; },
        {"names", "the names of integer labels", kinds_reading("class_names"),
         nonempty([](const Config& c) -> const auto& { return c.data.class_names; }, always)}));
    keys.push_back(plain<std::string>("data", "features", [](auto& c) -> auto& { return c.data.features; },
                                      {"a .npy file", "features (N, ...)", kinds_reading("features"), read_by_dataset("features")}));
    keys.push_back(plain<std::string>("data", "labels", [](auto& c) -> auto& { return c.data.labels; },
                                      {"a .npy file", "integer labels (N)", kinds_reading("labels"), read_by_dataset("labels")}));
    keys.push_back(plain<std::string>(
        "data", "test_features", [](auto& c) -> auto& { return c.data.test_features; },
        {"a .npy file", "test features (optional)", kinds_reading("test_features"),
         nonempty([](const Config& c) -> const auto& { return c.data.test_features; }, read_by_dataset("test_features"))}));
    keys.push_back(plain<std::string>(
        "data", "test_labels", [](auto& c) -> auto& { return c.data.test_labels; },
        {"a .npy file", "test labels (optional)", kinds_reading("test_labels"),
         nonempty([](const Config& c) -> const auto& { return c.data.test_labels; }, read_by_dataset("test_labels"))}));
    keys.push_back(plain<std::string>("data", "file", [](auto& c) -> auto& { return c.data.file; },
                                      {"a .csv file", "the table of features and a label column", kinds_reading("file"),
                                       read_by_dataset("file")}));
    keys.push_back(plain<std::string>(
        "data", "test_file", [](auto& c) -> auto& { return c.data.test_file; },
        {"a .csv file", "the test table (optional)", kinds_reading("test_file"),
         nonempty([](const Config& c) -> const auto& { return c.data.test_file; }, read_by_dataset("test_file"))}));
    keys.push_back(label_column_key());
    keys.push_back(header_key());
    keys.push_back(image_size_key());
    keys.push_back(plain<bool>("data", "grayscale", [](auto& c) -> auto& { return c.data.grayscale; },
                               {"", "read images as one grey channel", kinds_reading("grayscale"),
                                read_by_dataset("grayscale")}));

    // [model]
    keys.push_back(plain<std::vector<int>>("model", "hidden", [](auto& c) -> auto& { return c.model.hidden; },
                                           {"positive widths", "hidden layer widths, [] for softmax regression"}));
    keys.push_back(named("model", "activation", [](auto& c) -> auto& { return c.model.activation; },
                         {comma_list(names_of(kActivationNames)),
                          "after every hidden layer (improved_sigmoid: 1.7159·tanh(2x/3))"},
                         [](const std::string& v, Config&) { parse_activation(v); }));
    keys.push_back(number("model", "leaky_slope", [](auto& c) -> auto& { return c.model.leaky_slope; },
                          {"[0, 1)", "LeakyReLU's slope for x < 0", "leaky_relu"}, in_unit,
                          "expected a value in [0, 1)"));
    keys.push_back(named("model", "init", [](auto& c) -> auto& { return c.model.init; },
                         {comma_list(names_of(kInitNames)),
                          "weight initialisation: uniform ±a, N(0, 1/fan_in), Glorot, He, or N(0, std)"},
                         [](const std::string& v, Config&) { parse_init(v); }));
    keys.push_back(number("model", "init_scale", [](auto& c) -> auto& { return c.model.init_scale; },
                          {"≥ 0", "a for uniform (0 → 1), the std for normal (0 → 1e-4)", "uniform, normal"},
                          [](const double& v) { return v >= 0; }, "must be >= 0"));
    keys.push_back(named("model", "bias", [](auto& c) -> auto& { return c.model.bias; },
                         {comma_list(names_of(kBiasModeNames)),
                          "explicit bias vectors, or the bias trick: a constant-1 input column and no other bias "
                          "(784-64-10 → 50,880 parameters)"},
                         [](const std::string& v, Config&) { parse_bias_mode(v); }));
    keys.push_back(number("model", "dropout", [](auto& c) -> auto& { return c.model.dropout; },
                          {"[0, 1)",
                           "probability of dropping each hidden unit while training: inverted dropout (Srivastava et "
                           "al. 2014), kept units scaled by 1/(1−p), nothing dropped in evaluation; masks from their "
                           "own stream of train.seed, the same for any thread count"},
                          in_unit, "expected a probability of dropping a hidden unit in [0, 1)"));
    keys.push_back(number("model", "input_dropout", [](auto& c) -> auto& { return c.model.input_dropout; },
                          {"[0, 1)", "probability of dropping each input while training (as model.dropout)"}, in_unit,
                          "expected a probability of dropping an input in [0, 1)"));

    // [train]
    keys.push_back(integer("train", "epochs", [](auto& c) -> auto& { return c.train.epochs; },
                           {"≥ 1", "passes over the training rows", "", {}, false},
                           [](const int& v) { return v >= 1; }, "must be >= 1"));
    keys.push_back(count("train", "max_steps", [](auto& c) -> auto& { return c.train.max_steps; },
                         {"≥ 0", "stop after this many optimizer steps, mid-epoch if need be, with a last validation "
                                 "check (0: no limit)", "", {}, false},
                         "must be >= 0 (0 means no limit)"));
    keys.push_back(integer("train", "batch_size", [](auto& c) -> auto& { return c.train.batch_size; },
                           {"≥ 1", "rows per optimizer step"}, [](const int& v) { return v >= 1; }, "must be >= 1"));
    keys.push_back(number("train", "lr", [](auto& c) -> auto& { return c.train.lr; }, {"> 0", "step size"},
                          [](const double& v) { return v > 0; }, "must be > 0"));
    keys.push_back(named("train", "optimizer", [](auto& c) -> auto& { return c.optimizer; },
                         {comma_list(names_of(kOptimizerNames)), "the update rule (README: the updates, exactly)"},
                         [](const std::string& v, Config& c) { c.train.optimizer.kind = parse_optimizer(v); }));
    keys.push_back(number("train", "momentum", [](auto& c) -> auto& { return c.train.optimizer.momentum; },
                          {"[0, 1)", "μ", "momentum, nesterov"}, in_unit, "expected a value in [0, 1)"));
    keys.push_back(number("train", "beta1", [](auto& c) -> auto& { return c.train.optimizer.beta1; },
                          {"[0, 1)", "Adam's β1", "adam"}, in_unit, "expected a value in [0, 1)"));
    keys.push_back(number("train", "beta2", [](auto& c) -> auto& { return c.train.optimizer.beta2; },
                          {"[0, 1)", "Adam's β2", "adam"}, in_unit, "expected a value in [0, 1)"));
    keys.push_back(number("train", "epsilon", [](auto& c) -> auto& { return c.train.optimizer.epsilon; },
                          {"> 0", "Adam's ε", "adam"}, [](const double& v) { return v > 0; }, "must be > 0"));
    keys.push_back(number("train", "l2", [](auto& c) -> auto& { return c.train.l2; },
                          {"≥ 0", "λ in λ·Σ‖W‖² over the weights (gradient 2λW; biases too with l2_biases)"},
                          [](const double& v) { return v >= 0; }, "must be >= 0"));
    keys.push_back(plain<bool>("train", "l2_biases", [](auto& c) -> auto& { return c.train.l2_biases; },
                               {"", "L2 on the bias vectors too: λ·Σ‖b‖² joins the objective (PyTorch's weight_decay "
                                    "= 2λ decays every parameter)",
                                "", [](const Config& c) { return c.train.l2_biases; }}));
    keys.push_back(number("train", "max_norm", [](auto& c) -> auto& { return c.train.max_norm; },
                          {"≥ 0",
                           "c: after every update each hidden unit's incoming weight vector (a column of W_l, bias "
                           "excluded) longer than c is scaled back to c (0: off)"},
                          [](const double& v) { return v >= 0; }, "must be >= 0 (0 turns the constraint off)"));
    keys.push_back(number("train", "label_smoothing", [](auto& c) -> auto& { return c.train.label_smoothing; },
                          {"[0, 1)",
                           "ε: the training loss takes the target (1 − ε)·onehot(y) + ε/K (Szegedy et al. 2016); "
                           "validation and test losses stay plain cross-entropy (0: off)",
                           "", [](const Config& c) { return c.train.label_smoothing > 0; }},
                          in_unit, "expected ε in [0, 1)"));
    keys.push_back(number("train", "lr_decay", [](auto& c) -> auto& { return c.train.lr_decay; },
                          {"(0, 1]", "per epoch: lr of epoch e = lr·decay^(e−1)"},
                          [](const double& v) { return v > 0 && v <= 1; }, "expected a factor in (0, 1]"));
    const auto scheduled = [](const Config& c) { return c.train.schedule.kind != ScheduleKind::none; };
    const auto stepped = [](const Config& c) { return c.train.schedule.kind == ScheduleKind::step; };
    keys.push_back(named("train", "schedule", [](auto& c) -> auto& { return c.schedule; },
                         {comma_list(names_of(kScheduleNames)),
                          "lr by step t on top of lr_decay (T steps in all, W of warm-up): none keeps it; step: × "
                          "step_gamma every step_epochs epochs; cosine: × (1 + cos(π(t − W)/(T − W)))/2, down to 0 "
                          "at the end (Loshchilov & Hutter 2017)",
                          "", scheduled},
                         [](const std::string& v, Config& c) { c.train.schedule.kind = parse_schedule(v); }));
    keys.push_back(integer("train", "step_epochs", [](auto& c) -> auto& { return c.train.schedule.step_epochs; },
                           {"≥ 1", "step schedule: epochs between two drops", "step", stepped},
                           [](const int& v) { return v >= 1; }, "must be >= 1"));
    keys.push_back(number("train", "step_gamma", [](auto& c) -> auto& { return c.train.schedule.step_gamma; },
                          {"(0, 1]", "step schedule: the factor of each drop", "step", stepped},
                          [](const double& v) { return v > 0 && v <= 1; }, "expected a factor in (0, 1]"));
    keys.push_back(number("train", "warmup_epochs", [](auto& c) -> auto& { return c.train.schedule.warmup_epochs; },
                          {"≥ 0",
                           "linear warm-up over the first W = round(warmup_epochs · steps per epoch) steps: step t "
                           "(from 0) takes (t + 1)/W of its lr; any schedule (0: none)",
                           "", [](const Config& c) { return c.train.schedule.warmup_epochs > 0; }},
                          [](const double& v) { return v >= 0 && v <= 1e6; }, "expected a number of epochs >= 0"));
    keys.push_back(integer("train", "validations_per_epoch", [](auto& c) -> auto& { return c.train.validations_per_epoch; },
                           {"≥ 1", "validation checks per epoch, evenly spaced"}, [](const int& v) { return v >= 1; },
                           "must be >= 1"));
    keys.push_back(integer("train", "patience", [](auto& c) -> auto& { return c.train.patience; },
                           {"≥ 0", "early stopping after this many checks without a new best validation loss; the best "
                                   "weights are restored (0: off)"},
                           [](const int& v) { return v >= 0; }, "must be >= 0 (0 turns early stopping off)"));
    keys.push_back(count("train", "seed", [](auto& c) -> auto& { return c.train.seed; },
                         {"≥ 0", "one seed: init, shuffling, dropout masks and checks draw from independent streams "
                                 "derived from it"},
                         "must be >= 0"));
    keys.push_back(threads_key());
    keys.push_back(named("train", "train_metrics", [](auto& c) -> auto& { return c.train_metrics; },
                         {comma_list(names_of(kTrainMetricsNames)),
                          "train loss and accuracy at a check: the mean over the batches since the last check, or "
                          "the whole training split", "", {}, false},
                         [](const std::string& v, Config& c) {
                             c.train.full_train_metrics = parse_named(kTrainMetricsNames, v, "train metrics");
                         }));
    keys.push_back(named("train", "gemm", [](auto& c) -> auto& { return c.gemm; },
                         {comma_list(names_of(kGemmBackendNames)),
                          "who runs the matrix products (auto: per shape, our kernel or oneDNN)"},
                         [](const std::string& v, Config& c) { c.train.gemm = parse_gemm_backend(v); }));
    keys.push_back(count("train", "checkpoint_every", [](auto& c) -> auto& { return c.train.checkpoint_every; },
                         {"≥ 0", "steps between checkpoints (0: only at epoch ends); docs/reliability.md", "", {}, false},
                         "must be >= 0 (0 = only at epoch ends)"));
    keys.push_back(named("train", "on_divergence", [](auto& c) -> auto& { return c.on_divergence; },
                         {comma_list(names_of(kDivergencePolicyNames)),
                          "a NaN or Inf loss or gradient stops the run, or goes back to the last good checkpoint "
                          "with lr halved"},
                         [](const std::string& v, Config& c) { c.train.on_divergence = parse_divergence_policy(v); }));
    keys.push_back(integer("train", "divergence_retries", [](auto& c) -> auto& { return c.train.divergence_retries; },
                           {"0..30", "reduce_lr: recoveries allowed before giving up (each halves lr)"},
                           [](const int& v) { return v >= 0 && v <= 30; }, "expected 0..30 (each halves lr)"));
    keys.push_back(named("train", "log_format", [](auto& c) -> auto& { return c.log_format; },
                         {comma_list(names_of(kLogFormatNames)),
                          "course: the assignment's log lines (Epoch [e/E], Step [s/S], Loss: … and Validation "
                          "accuracy is: …%)", "", {}, false},
                         [](const std::string& v, Config&) { parse_named(kLogFormatNames, v, "log format"); }));

    // [augment]: image datasets only (checked against the data when training starts).
    keys.push_back(integer("augment", "translate", [](auto& c) -> auto& { return c.train.augment.translate; },
                           {"0..64",
                            "shift every training image by (dx, dy) uniform in [−n, n]², zero fill: the random crop "
                            "of the image zero-padded by n pixels (0: off); not permutation-invariant",
                            "images", [](const Config& c) { return c.train.augment.translate > 0; }},
                           [](const int& v) { return v >= 0 && v <= 64; }, "expected a shift of 0..64 pixels"));
    keys.push_back(plain<bool>("augment", "flip", [](auto& c) -> auto& { return c.train.augment.flip; },
                               {"", "mirror every training image left–right with probability 1/2; not "
                                    "permutation-invariant",
                                "images", [](const Config& c) { return c.train.augment.flip; }}));
    const auto elastic = [](const Config& c) { return c.train.augment.elastic_alpha > 0; };
    keys.push_back(number("augment", "elastic_alpha", [](auto& c) -> auto& { return c.train.augment.elastic_alpha; },
                          {"0..100",
                           "elastic distortion (Simard et al. 2003): each pixel moves by α times a field of uniform "
                           "noise in [−1, 1] smoothed by a Gaussian of std elastic_sigma, read bilinearly (0: off; "
                           "34 on MNIST); not permutation-invariant",
                           "images", elastic},
                          [](const double& v) { return v >= 0 && v <= 100; }, "expected a scale of 0..100 pixels"));
    keys.push_back(number("augment", "elastic_sigma", [](auto& c) -> auto& { return c.train.augment.elastic_sigma; },
                          {"0.5..20", "elastic distortion: the std of the field's Gaussian smoothing, in pixels",
                           "images", elastic},
                          [](const double& v) { return v >= 0.5 && v <= 20; }, "expected 0.5..20 pixels"));
    return keys;
}

// Levenshtein distance, for suggestions.
std::size_t distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = up;
        }
    }
    return row[b.size()];
}

std::string cell(std::string text) {
    std::string out;
    for (char ch : text) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
    return out;
}

}  // namespace

const std::vector<ConfigKey>& config_keys() {
    static const std::vector<ConfigKey> keys = make_keys();
    return keys;
}

std::vector<std::string> config_section_keys(const std::string& section) {
    std::vector<std::string> names;
    for (const ConfigKey& k : config_keys())
        if (k.section == section) names.push_back(k.name);
    return names;
}

std::string closest_config_key(const std::string& path) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, path.size() / 4) + 1;
    for (const ConfigKey& k : config_keys()) {
        const std::size_t d = distance(path, k.path());
        if (d < best_distance) best_distance = d, best = k.path();
    }
    return best;
}

std::vector<std::string> changed_result_keys(const Config& before, const Config& after) {
    std::vector<std::string> changes;
    for (const ConfigKey& k : config_keys()) {
        if (!k.changes_results || k.section.empty()) continue;
        toml::table a, b;
        k.write(before, a, true);
        k.write(after, b, true);
        const toml::node* x = a.get(k.name);
        const toml::node* y = b.get(k.name);
        const std::string was = x ? ConfigSection::text_of(*x) : "unset", now = y ? ConfigSection::text_of(*y) : "unset";
        if (was != now) changes.push_back(k.path() + " (" + was + " → " + now + ")");
    }
    return changes;
}

std::string config_key_default(const ConfigKey& key) {
    if (key.path() == "name") return "the file's stem";
    toml::table t;
    key.write(Config{}, t, true);
    const toml::node* node = t.get(key.name);
    if (!node) return "";
    if (auto x = node->value_exact<double>()) {  // 0.1, not TOML's 0.10000000000000001
        std::ostringstream text;
        text << *x;
        return text.str();
    }
    return ConfigSection::text_of(*node);
}

std::string config_keys_markdown() {
    std::string out = "| key | type | default | allowed | for | changes results | meaning |\n|---|---|---|---|---|---|---|\n";
    for (const ConfigKey& k : config_keys()) {
        const std::string value = config_key_default(k);
        out += "| `" + k.path() + "` | " + k.type + " | " + (value.empty() ? "unset" : "`" + cell(value) + "`") + " | " +
               cell(k.allowed) + " | " + cell(k.applies) + " | " + (k.changes_results ? "yes" : "no") + " | " +
               cell(k.doc) + " |\n";
    }
    return out;
}

std::string config_keys_text() {
    std::string out;
    for (const ConfigKey& k : config_keys()) {
        const std::string value = config_key_default(k);
        out += k.path() + " (" + k.type + ", default " + (value.empty() ? "unset" : value) + ")";
        if (!k.allowed.empty()) out += " [" + k.allowed + "]";
        if (!k.applies.empty()) out += " for " + k.applies;
        out += "\n    " + k.doc + "\n";
    }
    return out;
}

}  // namespace mlp
