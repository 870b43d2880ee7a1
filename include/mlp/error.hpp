// The one error type of mlp: a message that names the file/key/value and what was expected.
// It does not print or exit; the CLI does that (`mlp: error: ...`, exit 1). Part of the
// installed public API (mlp/mlp.hpp), with MLP_API, the mark of what libmlp exports.
#pragma once
#include <stdexcept>
#include <string>

// Everything else in the shared library is hidden (-fvisibility=hidden, --exclude-libs).
#ifndef MLP_API
#define MLP_API __attribute__((visibility("default")))
#endif

namespace mlp {

class MLP_API Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws Error(message) unless condition holds.
inline void require(bool condition, const std::string& message) {
    if (!condition) throw Error(message);
}

}  // namespace mlp
