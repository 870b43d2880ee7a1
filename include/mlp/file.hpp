// Whole-file reads and durable atomic writes. A write goes to a temporary file of its own
// beside <path> ("<path>.tmp.<pid>.<n>"), is flushed to disk, renamed over <path>, and the
// directory is flushed: a reader (or a power cut) sees the old file or the new one, never half.
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
// On failure the temporary file is removed, <path> keeps its previous content, and an Error
// names <path> and the reason: "<path>: cannot write (No space left on device)".
void write_file_atomic(const std::string& path, const void* data, std::size_t size);
void write_file_atomic(const std::string& path, const std::string& text);
// Removes the temporary files that writers killed mid-write left in a directory (only call
// it when no other process can be writing there); returns their paths.
std::vector<std::string> remove_stale_temporaries(const std::string& directory);
bool file_exists(const std::string& path);
// Creates a directory and its parents; throws Error if that fails.
void make_directories(const std::string& path);

// Hex SHA-256 (FIPS 180-4) of bytes: the data checksums recorded in run directories. It
// runs on the CPU's SHA extensions where it has them (x86 SHA-NI), else on portable code.
std::string sha256_hex(const std::uint8_t* data, std::size_t size);
// The same on a chosen path, for tests: extensions falls back to portable without them.
enum class Sha256Path { portable, extensions };
std::string sha256_hex(const std::uint8_t* data, std::size_t size, Sha256Path path);
bool sha256_extensions_supported();
// The same, adding the wall seconds it took to *seconds (a data loader's checksum time,
// Dataset::checksum_seconds).
std::string sha256_hex(const std::uint8_t* data, std::size_t size, double* seconds);

}  // namespace mlp
