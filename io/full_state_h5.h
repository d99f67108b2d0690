#pragma once
// `sendcast run --full`: every run's whole state cube, written as the runs finish.
//
// state.h5 holds /state, int32 [run][year][township][age][need][placement] (years: the origin
// then each projected January), chunked one run at a time and compressed (shuffle + deflate 1),
// with the labels of each dimension beside it. results.h5 links its /state to it (an HDF5
// external link), so a reader of results.h5 sees the cube as if it were inside.
//
// Size: townships x 26 x 12 x 8 int32 per run-year, 49,920 bytes for Dudley's five townships
// before compression; most cells are empty, and the README gives measured file sizes.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sim/runner.h"

namespace sendcast::io {

class FullStateWriter {
 public:
  //! Creates `file` (truncating) with an empty /state for runs x years x townships.
  FullStateWriter(const std::filesystem::path& file, int runs, int years, int first_year,
                  const std::vector<std::string>& townships);
  ~FullStateWriter();
  FullStateWriter(const FullStateWriter&) = delete;
  FullStateWriter& operator=(const FullStateWriter&) = delete;

  //! Writes run `run`: years x townships x models::N_STATE_CELLS counts. Thread-safe (one
  //! writer at a time: HDF5 is not thread-safe).
  void write(int run, const std::int32_t* states);
  //! Flushes and closes the file; further writes throw. Called by the destructor too.
  void close();
  //! One observer per thread, each buffering its run and writing it at the horizon.
  sim::ObserverFactory observers();
  std::size_t cells_per_year() const { return cells_; }
  int years() const { return years_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int years_ = 0;
  std::size_t cells_ = 0;
};

//! In results.h5: /state as an external link to `target` (a file name beside it).
void link_full_state_h5(const std::filesystem::path& results_file, const std::string& target);

//! One run's cube read back (through results.h5's link or from state.h5 itself).
struct StoredState {
  int runs = 0, years = 0, townships = 0;
  std::vector<std::string> township_names;
  std::vector<int> census_years;
  std::vector<std::int32_t> counts;  //!< years x townships x N_STATE_CELLS, for the run read
};
StoredState read_full_state_h5(const std::filesystem::path& file, int run);

}  // namespace sendcast::io
