#include "io/h5_chunk.h"

#include <zlib.h>

#include <bit>
#include <stdexcept>
#include <string>

namespace sendcast::io {

static_assert(std::endian::native == std::endian::little,
              "chunks are encoded as little-endian int32 (STD_I32LE) from native values");

void encode_int32_chunk(const std::int32_t* values, std::size_t n,
                        std::vector<unsigned char>& shuffled, std::vector<unsigned char>& out) {
  shuffled.resize(4 * n);
  const auto* bytes = reinterpret_cast<const unsigned char*>(values);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t b = 0; b < 4; ++b) shuffled[b * n + i] = bytes[4 * i + b];
  // Run-length matches only (Z_RLE): the shuffled planes of small counts are long runs of
  // zero bytes and short runs of small ones, which RLE finds at a fraction of the cost of
  // level 1's hash chains. The stream is ordinary deflate, inflated by HDF5's filter as usual.
  z_stream z{};
  if (deflateInit2(&z, CHUNK_DEFLATE_LEVEL, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK)
    throw std::runtime_error("zlib could not start compressing a chunk");
  out.resize(deflateBound(&z, static_cast<uLong>(shuffled.size())));
  z.next_in = shuffled.data();
  z.avail_in = static_cast<uInt>(shuffled.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&z, Z_FINISH);
  const std::size_t size = z.total_out;
  deflateEnd(&z);
  if (status != Z_STREAM_END) throw std::runtime_error("zlib could not compress a chunk");
  out.resize(size);
}

void decode_int32_chunk(const unsigned char* data, std::size_t size, std::size_t n,
                        std::size_t keep, std::vector<unsigned char>& shuffled, std::int32_t* out) {
  if (keep > n) throw std::logic_error("decode_int32_chunk: more values kept than stored");
  shuffled.resize(4 * n);
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw std::runtime_error("zlib could not start inflating a chunk");
  z.next_in = const_cast<unsigned char*>(data);  // zlib's interface; it does not write there
  z.avail_in = static_cast<uInt>(size);
  z.next_out = shuffled.data();
  z.avail_out = static_cast<uInt>(shuffled.size());
  const int status = inflate(&z, Z_FINISH);
  const std::size_t inflated = z.total_out;
  inflateEnd(&z);
  if (status != Z_STREAM_END || inflated != shuffled.size())
    throw std::runtime_error("a chunk is not a complete deflate stream of " +
                             std::to_string(shuffled.size()) + " bytes (corrupt file?)");
  const unsigned char* b0 = shuffled.data();
  const unsigned char *b1 = b0 + n, *b2 = b1 + n, *b3 = b2 + n;
  for (std::size_t i = 0; i < keep; ++i)
    out[i] = static_cast<std::int32_t>(std::uint32_t{b0[i]} | std::uint32_t{b1[i]} << 8 |
                                       std::uint32_t{b2[i]} << 16 | std::uint32_t{b3[i]} << 24);
}

}  // namespace sendcast::io
