#include "io/h5_read.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>

#include "io/h5_chunk.h"

namespace sendcast::io {

namespace {

//! Whether `ds` is stored as chunked_int_dataset writes it: little-endian int32, chunks of whole
//! rows of the first dimension, fill value 0, HDF5's shuffle filter then its deflate filter and
//! no other.
bool stored_as_shuffled_int32_rows(const H5::DataSet& ds, const std::vector<hsize_t>& dims,
                                   std::vector<hsize_t>& chunk) {
  const hid_t type = H5Dget_type(ds.getId());
  const bool int32 = type >= 0 && H5Tequal(type, H5T_STD_I32LE) > 0;
  if (type >= 0) H5Tclose(type);
  const hid_t plist = H5Dget_create_plist(ds.getId());
  if (plist < 0) return false;
  bool ok = int32 && H5Pget_layout(plist) == H5D_CHUNKED && !dims.empty();
  if (ok) {
    chunk.assign(dims.size(), 0);
    ok = H5Pget_chunk(plist, static_cast<int>(chunk.size()), chunk.data()) ==
             static_cast<int>(chunk.size()) &&
         chunk[0] > 0;
    for (std::size_t k = 1; ok && k < dims.size(); ++k) ok = chunk[k] == dims[k];
  }
  if (ok) {  // a chunk never written reads as the fill value: this path assumes 0
    std::int32_t fill = 0;
    ok = H5Pget_fill_value(plist, H5T_NATIVE_INT32, &fill) >= 0 && fill == 0;
  }
  if (ok) {
    ok = H5Pget_nfilters(plist) == 2;
    for (unsigned f = 0; ok && f < 2; ++f) {
      unsigned flags = 0, config = 0;
      std::size_t n_values = 0;
      const H5Z_filter_t id =
          H5Pget_filter2(plist, f, &flags, &n_values, nullptr, 0, nullptr, &config);
      ok = id == (f == 0 ? H5Z_FILTER_SHUFFLE : H5Z_FILTER_DEFLATE);
    }
  }
  H5Pclose(plist);
  return ok;
}

}  // namespace

void read_int32_dataset(const H5::DataSet& ds, const std::string& name,
                        const std::vector<hsize_t>& dims, std::int32_t* out) {
  std::vector<hsize_t> chunk;
  if (!stored_as_shuffled_int32_rows(ds, dims, chunk)) {
    ds.read(out, H5::PredType::NATIVE_INT32);  // any other layout: HDF5's own reading
    return;
  }
  // HDF5 reads one chunk at a time through its filters, on one thread: here the raw chunks are
  // read in turn (HDF5 calls are not thread-safe) and inflated in parallel.
  hsize_t per_row = 1;
  for (std::size_t k = 1; k < dims.size(); ++k) per_row *= dims[k];
  const hsize_t n_chunks = (dims[0] + chunk[0] - 1) / chunk[0];
  const std::size_t values = chunk[0] * per_row;
  std::vector<std::vector<unsigned char>> raw(n_chunks);  //!< empty: a chunk never written
  for (hsize_t c = 0; c < n_chunks; ++c) {
    std::vector<hsize_t> offset(dims.size(), 0);
    offset[0] = c * chunk[0];
    hsize_t bytes = 0;
    // A chunk never written has no storage: its values are the fill value, 0.
    if (H5Dget_chunk_storage_size(ds.getId(), offset.data(), &bytes) < 0 || bytes == 0) continue;
    raw[c].resize(bytes);
    std::uint32_t filter_mask = 0;
    if (H5Dread_chunk(ds.getId(), H5P_DEFAULT, offset.data(), &filter_mask, raw[c].data()) < 0)
      throw H5::Exception("H5Dread_chunk", "could not read a chunk of " + name);
    if (filter_mask != 0) {  // a filter was skipped for this chunk: let HDF5 undo what was done
      ds.read(out, H5::PredType::NATIVE_INT32);
      return;
    }
  }
  std::string failure;  // the first decoding error, reported as an HDF5 error of this file
#pragma omp parallel
  {
    std::vector<unsigned char> shuffled;
#pragma omp for schedule(dynamic, 1)
    for (hsize_t c = 0; c < n_chunks; ++c) {
      const hsize_t row = c * chunk[0];
      const std::size_t keep = std::min(chunk[0], dims[0] - row) * per_row;
      std::int32_t* first = out + row * per_row;
      if (raw[c].empty()) {
        std::fill(first, first + keep, 0);
        continue;
      }
      try {
        decode_int32_chunk(raw[c].data(), raw[c].size(), values, keep, shuffled, first);
      } catch (const std::exception& e) {
#pragma omp critical(read_int32_dataset_failure)
        if (failure.empty())
          failure = "chunk " + std::to_string(c) + " of " + name + ": " + e.what();
      }
      std::vector<unsigned char>().swap(raw[c]);
    }
  }
  if (!failure.empty()) throw H5::Exception("read_int32_dataset", failure);
}

}  // namespace sendcast::io
