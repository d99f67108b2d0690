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

}  // namespace sendcast::io
