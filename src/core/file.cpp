// File reading (raw or gzip through zlib) and atomic writing (write, fsync, rename).
#include "mlp/file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "mlp/error.hpp"

namespace mlp {
namespace {

std::string system_error(const std::string& path, const std::string& what) {
    return path + ": " + what + " (" + std::strerror(errno) + ")";
}

}  // namespace

std::vector<std::uint8_t> read_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw Error(path + ": " + (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
    }
    // gzread passes plain files through unchanged, so one path serves .gz and raw files.
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) throw Error(system_error(path, "cannot open"));
    std::vector<std::uint8_t> bytes;
    std::vector<std::uint8_t> chunk(1 << 20);
    for (;;) {
        const int n = gzread(file, chunk.data(), static_cast<unsigned>(chunk.size()));
        if (n < 0) {
            int code = 0;
            const std::string message = gzerror(file, &code);
            gzclose(file);
            throw Error(path + ": cannot decompress (" + message + ")");
        }
        if (n == 0) break;
        bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + n);
    }
    // A cut-off gzip stream ends the reads early without a negative count.
    int code = Z_OK;
    std::string message = gzerror(file, &code);
    gzclose(file);
    if (message.rfind(path + ": ", 0) == 0) message.erase(0, path.size() + 2);  // zlib prefixes the path
    if (code != Z_OK && code != Z_STREAM_END)
        throw Error(path + ": cannot decompress (" + message + "; the gzip file is truncated or corrupt)");
    return bytes;
}

std::vector<std::uint8_t> read_file_head(const std::string& path, std::size_t max_bytes) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(path + ": " + (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) throw Error(system_error(path, "cannot open"));
    std::vector<std::uint8_t> bytes(max_bytes);
    const int n = gzread(file, bytes.data(), static_cast<unsigned>(max_bytes));
    gzclose(file);
    if (n < 0) throw Error(path + ": cannot decompress");
    bytes.resize(static_cast<std::size_t>(n));
    return bytes;
}

std::string read_text(const std::string& path) {
    std::vector<std::uint8_t> bytes = read_file(path);
    return std::string(bytes.begin(), bytes.end());
}

void write_file_atomic(const std::string& path, const void* data, std::size_t size) {
    const std::string temp = path + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw Error(system_error(temp, "cannot create"));
    const char* p = static_cast<const char*>(data);
    std::size_t left = size;
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string message = system_error(temp, "cannot write");
            ::close(fd);
            ::unlink(temp.c_str());
            throw Error(message);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string message = system_error(temp, "cannot flush");
        ::unlink(temp.c_str());
        throw Error(message);
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string message = system_error(path, "cannot rename into place");
        ::unlink(temp.c_str());
        throw Error(message);
    }
}

void write_file_atomic(const std::string& path, const std::string& text) {
    write_file_atomic(path, text.data(), text.size());
}

bool file_exists(const std::string& path) {
    std::error_code ec;
    return std::filesystem::exists(path, ec);
}

void make_directories(const std::string& path) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec || !std::filesystem::is_directory(path))
        throw Error(path + ": cannot create directory (" + ec.message() + ")");
}

}  // namespace mlp
