// Whole-file reads and atomic writes. A write goes to "<path>.tmp", is flushed to disk,
// then renamed over <path>, so a reader never sees half a file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mlp {

// Reads a file; a gzip file (magic 1f 8b) is decompressed. Throws Error naming the path.
std::vector<std::uint8_t> read_file(const std::string& path);
std::string read_text(const std::string& path);
// The first max_bytes (decompressed) bytes of a file, or fewer if it is shorter: headers
// without reading the whole file.
std::vector<std::uint8_t> read_file_head(const std::string& path, std::size_t max_bytes);
void write_file_atomic(const std::string& path, const void* data, std::size_t size);
void write_file_atomic(const std::string& path, const std::string& text);
bool file_exists(const std::string& path);
// Creates a directory and its parents; throws Error if that fails.
void make_directories(const std::string& path);

// Hex SHA-256 (FIPS 180-4) of bytes: the data checksums recorded in run directories.
std::string sha256_hex(const std::uint8_t* data, std::size_t size);

}  // namespace mlp
