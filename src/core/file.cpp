// File reading (raw or gzip through zlib) and durable atomic writing: a unique temporary file,
// fsync, rename, fsync of the directory.
#include "mlp/file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
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

// Temporary files are "<file>.tmp.<pid>.<n>"; "<file>.tmp" is what older versions left.
constexpr const char* kTemporaryInfix = ".tmp.";

bool is_temporary_name(const std::string& name) {
    const std::size_t at = name.rfind(".tmp");
    if (at == std::string::npos || at == 0) return false;
    if (at + 4 == name.size()) return true;
    if (name[at + 4] != '.' || at + 5 == name.size()) return false;
    for (std::size_t i = at + 5; i < name.size(); ++i)
        if (!(std::isdigit(static_cast<unsigned char>(name[i])) || name[i] == '.')) return false;
    return true;
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
    // Read in place into a buffer the size of the file (plus one byte, so a plain file ends
    // with one empty read); a gzip file's contents are larger: the buffer doubles.
    const std::uintmax_t on_disk = std::filesystem::file_size(path, ec);
    std::vector<std::uint8_t> bytes(ec ? std::size_t(1) << 20 : std::size_t(on_disk) + 1);
    std::size_t used = 0;
    for (;;) {
        if (used == bytes.size()) bytes.resize(2 * bytes.size());
        const std::size_t want = std::min<std::size_t>(bytes.size() - used, std::size_t(1) << 30);
        const int n = gzread(file, bytes.data() + used, static_cast<unsigned>(want));
        if (n < 0) {
            int code = 0;
            const std::string message = gzerror(file, &code);
            gzclose(file);
            throw Error(path + ": cannot decompress (" + message + ")");
        }
        if (n == 0) break;
        used += std::size_t(n);
    }
    bytes.resize(used);
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
    // A name no other writer uses: <path>.tmp.<pid>.<n>, created exclusively (O_EXCL), so two
    // processes or threads writing one file each rename a whole file of their own.
    static std::atomic<unsigned long> counter{0};
    std::string temp;
    int fd = -1;
    do {
        temp = path + kTemporaryInfix + std::to_string(::getpid()) + "." + std::to_string(counter++);
        fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    } while (fd < 0 && errno == EEXIST);  // left by a killed process whose PID was reused
    if (fd < 0) throw Error(system_error(path, "cannot create"));
    auto fail = [&](const std::string& what) {
        const std::string message = system_error(path, what);
        if (fd >= 0) ::close(fd);
        ::unlink(temp.c_str());
        throw Error(message);
    };
    const char* p = static_cast<const char*>(data);
    std::size_t left = size;
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) errno = ENOSPC;  // write(2) promises progress or an error; treat 0 as a full disk
        if (n <= 0) fail("cannot write");
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    // The data must be on disk before the rename makes it the file: otherwise a power cut
    // can leave the new name pointing at an empty or partial file.
    if (::fsync(fd) != 0) fail("cannot flush");
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) fail("cannot flush");
    if (std::rename(temp.c_str(), path.c_str()) != 0) fail("cannot rename into place");
    // The rename lives in the directory: until the directory is flushed, a power cut can
    // bring back the old file (or none).
    std::string directory = std::filesystem::path(path).parent_path().string();
    if (directory.empty()) directory = ".";
    const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) throw Error(system_error(path, "written, but cannot open its directory to flush it"));
    // EINVAL: a file system that cannot flush directories (it has nothing to flush).
    if (::fsync(dir_fd) != 0 && errno != EINVAL) {
        const std::string message = system_error(path, "written, but cannot flush its directory");
        ::close(dir_fd);
        throw Error(message);
    }
    ::close(dir_fd);
}

void write_file_atomic(const std::string& path, const std::string& text) {
    write_file_atomic(path, text.data(), text.size());
}

std::vector<std::string> remove_stale_temporaries(const std::string& directory) {
    std::vector<std::string> removed;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
        const std::string name = entry.path().filename().string();
        if (!is_temporary_name(name) || !entry.is_regular_file(ec)) continue;
        if (std::filesystem::remove(entry.path(), ec)) removed.push_back(entry.path().string());
    }
    return removed;
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
