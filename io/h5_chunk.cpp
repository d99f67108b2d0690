#include "io/h5_chunk.h"

#include <zlib.h>

#include <bit>
#include <stdexcept>

namespace sendcast::io {

static_assert(std::endian::native == std::endian::little,
              "chunks are encoded as little-endian int32 (STD_I32LE) from native values");

void encode_int32_chunk(const std::int32_t* values, std::size_t n,
                        std::vector<unsigned char>& shuffled, std::vector<unsigned char>& out) {
  shuffled.resize(4 * n);
  const auto* bytes = reinterpret_cast<const unsigned char*>(values);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t b = 0; b < 4; ++b) shuffled[b * n + i] = bytes[4 * i + b];
  uLongf size = compressBound(static_cast<uLong>(shuffled.size()));
  out.resize(size);
  if (compress2(out.data(), &size, shuffled.data(), static_cast<uLong>(shuffled.size()),
                CHUNK_DEFLATE_LEVEL) != Z_OK)
    throw std::runtime_error("zlib could not compress a chunk");
  out.resize(size);
}

}  // namespace sendcast::io
