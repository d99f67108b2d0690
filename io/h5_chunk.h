#pragma once
// int32 chunks encoded as HDF5's shuffle filter then its deflate filter store them, outside
// HDF5: HDF5 runs its filters on one thread (and not thread-safely), so the writers of
// results.h5 and state.h5 encode chunks on their own threads and hand them to
// H5Dwrite_chunk as they are. A dataset written this way declares the same two filters
// (setShuffle, then setDeflate(CHUNK_DEFLATE_LEVEL)), so any HDF5 reader reads it as usual.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sendcast::io {

//! zlib level of every compressed per-run array, which is also the level the datasets declare.
//! The chunks are deflated with run-length matches only (zlib's Z_RLE strategy): on the
//! shuffled counts of a Dudley run that is both faster and smaller than level 1's hash chains
//! (bench/RESULTS.md, stop 15: results.h5 86.3 -> 76.0 MB, state.h5 28.1 -> 19.0 MB).
constexpr int CHUNK_DEFLATE_LEVEL = 1;

//! Encodes n values stored as little-endian int32 (STD_I32LE): their first bytes together, then
//! their second bytes and so on, then a zlib stream of that (Z_RLE), into `out`. `shuffled` is
//! scratch kept by the caller. Throws std::runtime_error if zlib fails.
void encode_int32_chunk(const std::int32_t* values, std::size_t n,
                        std::vector<unsigned char>& shuffled, std::vector<unsigned char>& out);

//! The inverse, for a chunk of n values stored with HDF5's shuffle then deflate filters (by
//! encode_int32_chunk or by HDF5 itself): inflates the `size` bytes at `data` and writes the
//! first `keep` values (at most n: an edge chunk is stored whole) to `out`. `shuffled` is
//! scratch kept by the caller. Throws std::runtime_error if the stream is not a zlib stream
//! of exactly 4 n bytes.
void decode_int32_chunk(const unsigned char* data, std::size_t size, std::size_t n,
                        std::size_t keep, std::vector<unsigned char>& shuffled, std::int32_t* out);

}  // namespace sendcast::io
