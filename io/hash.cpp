#include "io/hash.h"

#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "io/error.h"

namespace sendcast::io {

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string hex64(std::uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

namespace {

//! Calls f(bytes) on each successive block of a file's bytes. Throws InputError if unreadable.
template <class F>
void for_each_block(const std::filesystem::path& path, F f) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path.string()}, "cannot open file");
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    f(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw InputError({path.string()}, "cannot read file");
}

struct Checksum {
  std::uint32_t crc = 0;
  std::uintmax_t size = 0;
};

Checksum checksum_of(const std::filesystem::path& file) {
  Checksum c;
  uLong crc = crc32(0L, Z_NULL, 0);
  for_each_block(file, [&](std::string_view bytes) {
    crc = crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
    c.size += bytes.size();
  });
  c.crc = static_cast<std::uint32_t>(crc);
  return c;
}

}  // namespace

std::string file_hash(const std::filesystem::path& path) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for_each_block(path, [&](std::string_view bytes) { h = fnv1a(bytes, h); });
  return hex64(h);
}

std::filesystem::path checksum_file(const std::filesystem::path& file) {
  std::filesystem::path record = file;
  record += ".crc32";
  return record;
}

void write_checksum(const std::filesystem::path& file) {
  const Checksum c = checksum_of(file);
  const std::filesystem::path record = checksum_file(file);
  std::ofstream out(record);
  char line[64];
  std::snprintf(line, sizeof line, "%08x %ju ", static_cast<unsigned>(c.crc), c.size);
  out << line << file.filename().string() << "\n";
  out.flush();
  if (!out) throw InputError({record.string()}, "cannot write file");
}

void verify_checksum(const std::filesystem::path& file) {
  const std::filesystem::path record = checksum_file(file);
  if (!std::filesystem::exists(record) || !std::filesystem::exists(file)) return;
  std::ifstream in(record);
  std::string line;
  std::getline(in, line);
  std::istringstream fields(line);
  std::string crc_text;
  std::uintmax_t size = 0;
  fields >> crc_text >> size;
  char* end = nullptr;
  const unsigned long crc = std::strtoul(crc_text.c_str(), &end, 16);
  if (!in || !fields || crc_text.size() != 8 || end != crc_text.c_str() + 8)
    throw InputError({record.string(), 1},
                     "expected \"<CRC-32 in 8 hex digits> <size> <name>\", found \"" + line + "\"");
  const std::string advice =
      ": the file was damaged (or changed) after sendcast wrote it; run "
      "the forecast again, or delete " +
      record.filename().string() + " to read it unchecked";
  const std::uintmax_t actual_size = std::filesystem::file_size(file);
  if (actual_size != size)
    throw InputError({file.string()}, "is " + std::to_string(actual_size) + " bytes, not the " +
                                          std::to_string(size) + " its " +
                                          record.filename().string() + " records" + advice);
  if (checksum_of(file).crc != crc)
    throw InputError({file.string()},
                     "does not match the CRC-32 in " + record.filename().string() + advice);
}

}  // namespace sendcast::io
