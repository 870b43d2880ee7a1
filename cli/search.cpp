// Search-space expansion: grid products and seeded random draws (log-uniform on request).
#include "search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <toml++/toml.h>

#include "config.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/rng.hpp"

namespace mlp {
namespace {

// The shortest decimal text that reads back as exactly x, as a TOML float.
std::string shortest_float(double x) {
    char text[40];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(text, sizeof text, "%.*g", precision, x);
        if (std::strtod(text, nullptr) == x) break;
    }
    std::string out = text;
    if (out.find_first_of(".eni") == std::string::npos) out += ".0";
    return out;
}

std::string toml_value(const toml::node& node) {
    std::ostringstream out;
    node.visit([&](const auto& v) {
        if constexpr (toml::is_string<decltype(v)>) out << '"' << v.get() << '"';
        else if constexpr (toml::is_floating_point<decltype(v)>) out << shortest_float(v.get());
        else if constexpr (toml::is_array<decltype(v)>) {
            out << '[';
            for (std::size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << toml_value(*v.get(i));
            out << ']';
        } else out << v;
    });
    return out.str();
}

std::string trial_id(std::size_t i) {
    char text[32];
    std::snprintf(text, sizeof text, "trial-%03zu", i);
    return text;
}

void check_key(const std::string& key, const std::string& where) {
    const auto dot = key.find('.');
    require(dot != std::string::npos && dot > 0 && dot + 1 < key.size(),
            where + ": search key '" + key + "' must be section.key, e.g. \"train.lr\"");
}

void expand_grid(const toml::table& grid, SearchPlan& plan) {
    std::vector<std::vector<std::string>> values;
    for (const auto& [key, node] : grid) {
        const std::string k(key.str());
        check_key(k, plan.source + ": search.grid");
        const toml::array* list = node.as_array();
        require(list && !list->empty(), plan.source + ": search.grid." + k + ": expected a non-empty list of values");
        plan.keys.push_back(k);
        values.emplace_back();
        for (const auto& item : *list) values.back().push_back(toml_value(item));
    }
    require(!plan.keys.empty(), plan.source + ": [search.grid] names no keys");
    // Odometer over the value lists: the last key varies fastest.
    std::vector<std::size_t> at(values.size(), 0);
    for (;;) {
        Trial t;
        t.id = trial_id(plan.trials.size());
        for (std::size_t k = 0; k < values.size(); ++k) t.overrides.push_back(plan.keys[k] + "=" + values[k][at[k]]);
        plan.trials.push_back(t);
        std::size_t k = values.size();
        while (k > 0 && ++at[k - 1] == values[k - 1].size()) at[--k] = 0;
        if (k == 0) break;
    }
}

std::string draw(const toml::table& range, const std::string& where, Rng& rng) {
    if (const toml::array* choices = range["choices"].as_array()) {
        require(!choices->empty(), where + ": choices is empty");
        return toml_value(*choices->get(rng.below(choices->size())));
    }
    const auto lo = range["min"].value<double>(), hi = range["max"].value<double>();
    require(lo && hi && *lo <= *hi, where + ": expected {min = a, max = b} with a <= b, or {choices = [...]}");
    const bool log = range["log"].value_or(false), integer = range["integer"].value_or(false);
    require(!log || *lo > 0, where + ": a log-uniform range needs min > 0");
    const double x = log ? std::exp(rng.uniform(std::log(*lo), std::log(*hi))) : rng.uniform(*lo, *hi);
    if (integer) return std::to_string(static_cast<long>(std::llround(x)));
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", x);  // 4 significant digits read better in tables
    return shortest_float(std::strtod(text, nullptr));
}

void expand_random(const toml::table& space, int count, std::uint64_t seed, SearchPlan& plan) {
    require(count >= 1, plan.source + ": search.trials: expected >= 1 for a random search");
    for (const auto& [key, node] : space) {
        plan.keys.emplace_back(key.str());
        check_key(plan.keys.back(), plan.source + ": search.random");
        require(node.is_table(), plan.source + ": search.random." + plan.keys.back() +
                                     ": expected {min, max[, log, integer]} or {choices = [...]}");
    }
    require(!plan.keys.empty(), plan.source + ": [search.random] names no keys");
    Rng rng = Rng::for_purpose(seed, "search");
    for (int i = 0; i < count; ++i) {
        Trial t;
        t.id = trial_id(i);
        for (const auto& key : plan.keys)
            t.overrides.push_back(key + "=" + draw(*space[key].as_table(), plan.source + ": search.random." + key, rng));
        plan.trials.push_back(t);
    }
}

}  // namespace

SearchPlan plan_search_text(const std::string& text, const std::string& source) {
    toml::table root = parse_toml(text, source);
    const toml::table* search = root["search"].as_table();
    require(search != nullptr, source + ": no [search] section (see `mlp search --help`)");
    SearchPlan plan;
    plan.source = source;
    for (const auto& [key, node] : *search) {
        const std::string k(key.str());
        static const std::vector<std::string> valid = {"mode", "metric", "goal", "workers", "trials", "seed", "grid", "random"};
        require(std::find(valid.begin(), valid.end(), k) != valid.end(),
                source + ": unknown key 'search." + k + "' (valid keys in [search]: mode, metric, goal, workers, "
                         "trials, seed, grid, random)");
    }
    plan.mode = search->get("mode") ? (*search)["mode"].value_or(std::string()) : (search->contains("grid") ? "grid" : "random");
    require(plan.mode == "grid" || plan.mode == "random",
            source + ": search.mode: expected \"grid\" or \"random\", got \"" + plan.mode + "\"");
    plan.metric = (*search)["metric"].value_or(std::string("val_accuracy"));
    const std::string goal = (*search)["goal"].value_or(std::string(
        plan.metric.size() >= 4 && plan.metric.compare(plan.metric.size() - 4, 4, "loss") == 0 ? "min" : "max"));
    require(goal == "max" || goal == "min", source + ": search.goal: expected \"max\" or \"min\"");
    plan.maximize = goal == "max";
    plan.workers = static_cast<int>((*search)["workers"].value_or(std::int64_t(1)));
    require(plan.workers >= 1 && plan.workers <= 64, source + ": search.workers: expected 1..64");
    if (plan.mode == "grid") {
        const toml::table* grid = (*search)["grid"].as_table();
        require(grid != nullptr, source + ": a grid search needs a [search.grid] table of lists");
        expand_grid(*grid, plan);
    } else {
        const toml::table* space = (*search)["random"].as_table();
        require(space != nullptr, source + ": a random search needs a [search.random] table of ranges");
        expand_random(*space, static_cast<int>((*search)["trials"].value_or(std::int64_t(0))),
                       static_cast<std::uint64_t>((*search)["seed"].value_or(std::int64_t(0))), plan);
    }
    root.erase("search");
    std::ostringstream base;
    base << root << "\n";
    plan.base_config = base.str();
    return plan;
}

SearchPlan plan_search(const std::string& path) {
    require(file_exists(path), path + ": no such config file");
    return plan_search_text(read_text(path), path);
}

}  // namespace mlp
