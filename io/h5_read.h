#pragma once
// Reading the per-run int32 arrays of results.h5 and state.h5 on every thread. HDF5 runs a
// dataset's filters one chunk at a time on the calling thread; for the arrays that
// chunked_int_dataset writes (whole rows per chunk, shuffle then deflate), the raw chunks are
// read in turn and inflated in parallel (io/h5_chunk.h). Anything else is read by HDF5.
#include <H5Cpp.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sendcast::io {

//! Reads the whole int32 dataset `ds` of extent `dims` into `out` (room for every value).
//! `name` names it in errors. Throws H5::Exception when HDF5 cannot read it or a chunk is not
//! a valid shuffled deflate stream.
void read_int32_dataset(const H5::DataSet& ds, const std::string& name,
                        const std::vector<hsize_t>& dims, std::int32_t* out);

}  // namespace sendcast::io
