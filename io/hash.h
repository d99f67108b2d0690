#pragma once
// Content hashes for provenance: FNV-1a 64-bit, printed as 16 hex digits. Not cryptographic:
// it tells a user whether two runs read the same inputs.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace sendcast::io {

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 0xcbf29ce484222325ULL);
std::string hex64(std::uint64_t value);
//! Hash of a file's bytes (compressed bytes for .gz). Throws InputError if unreadable.
std::string file_hash(const std::filesystem::path& path);

//! A file's integrity record, `<file>.crc32` beside it: one line "<CRC-32, 8 hex digits>
//! <size in bytes> <file name>" (zlib's CRC-32, as gzip and zip use). HDF5 is not written to
//! survive a damaged file (a corrupt heap can crash it), so the commands that read results.h5
//! check it against this record before HDF5 opens it.
std::filesystem::path checksum_file(const std::filesystem::path& file);
//! Writes checksum_file(file) for `file` as it is now. Throws InputError if either fails.
void write_checksum(const std::filesystem::path& file);
//! Checks `file` against checksum_file(file), if there is one (files written before it existed,
//! or copied without it, are read unchecked). Throws InputError naming the file when its size
//! or CRC-32 differs, or the record cannot be read.
void verify_checksum(const std::filesystem::path& file);

}  // namespace sendcast::io
