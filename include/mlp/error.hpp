// The one error type of mlp: a message that names the file/key/value and what was expected.
// It does not print or exit; the CLI does that (`mlp: error: ...`, exit 1).
#pragma once
#include <stdexcept>
#include <string>

namespace mlp {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws Error(message) unless condition holds.
inline void require(bool condition, const std::string& message) {
    if (!condition) throw Error(message);
}

}  // namespace mlp
