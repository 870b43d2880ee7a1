// Names of enum values: each enum has one table of {name, value}, and parsing, printing,
// error messages and the config schema's list of allowed values all read that table.
// Does not know any particular enum; the tables sit beside their enums.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "mlp/error.hpp"

namespace mlp {

template <class E>
struct NamedValue {
    const char* name;
    E value;
};

// The names in table order.
template <class E, std::size_t N>
std::vector<std::string> names_of(const NamedValue<E> (&table)[N]) {
    std::vector<std::string> names;
    for (const NamedValue<E>& entry : table) names.emplace_back(entry.name);
    return names;
}

// {"a", "b", "c"} → "a, b, c", for lists of keys or values.
inline std::string comma_list(const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

// {"a", "b", "c"} → "a, b or c", for messages that list the allowed values.
inline std::string join_names(const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
        text += names[i];
    }
    return text;
}

// The value named text. Throws Error("unknown <what> '<text>' (expected a, b or c)").
template <class E, std::size_t N>
E parse_named(const NamedValue<E> (&table)[N], const std::string& text, const std::string& what) {
    for (const NamedValue<E>& entry : table)
        if (text == entry.name) return entry.value;
    throw Error("unknown " + what + " '" + text + "' (expected " + join_names(names_of(table)) + ")");
}

// The name of value; "?" for a value missing from the table (a cast from a bad integer).
template <class E, std::size_t N>
std::string name_of(const NamedValue<E> (&table)[N], E value) {
    for (const NamedValue<E>& entry : table)
        if (entry.value == value) return entry.name;
    return "?";
}

}  // namespace mlp
