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

}  // namespace sendcast::io
