#pragma once
// Runs many Monte Carlo runs in parallel (OpenMP over runs) and keeps every run's roll-ups.
// Each run writes only its own rows, and every draw is keyed by the run index, so the result
// is identical for any thread count.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "sim/demand_simulator.h"

namespace sendcast::sim {

struct RunResults {
  RollupLayout layout;
  int runs = 0;
  int years = 0;                   //!< origin plus horizon
  int first_year = 0;              //!< census year of row 0 (the origin)
  std::vector<std::int32_t> data;  //!< runs x years x layout.columns()

  const std::int32_t* row(int run, int year_index) const {
    return data.data() + (static_cast<std::size_t>(run) * years + year_index) * layout.columns();
  }
  //! One column over runs at one year, as doubles (for summaries).
  std::vector<double> column(int year_index, int col) const;
};

//! Called now and then with the number of runs finished (from the calling thread only).
using Progress = std::function<void(int done, int total)>;

//! Makes one observer per thread; each then sees the runs that thread simulates, one at a
//! time, and must keep its per-run results by run index (so thread count cannot matter).
using ObserverFactory = std::function<std::unique_ptr<RunObserver>()>;

//! Which runs this process simulates: run r when r % size == rank (a static split across MPI
//! ranks). Runs keep their global index, so their draws do not depend on the split.
struct RunSplit {
  int rank = 0;
  int size = 1;
  bool owns(int run) const { return run % size == rank; }
  //! How many of runs [0, runs) are this process's.
  int count(int runs) const { return runs > rank ? (runs - rank + size - 1) / size : 0; }
};

//! Simulates runs [0, runs) with `threads` OpenMP threads (0 = the OpenMP default). With a
//! split, only this process's runs are simulated and the others' rows are left zero. Throws
//! Interrupted (io/interrupt.h) when SIGINT or SIGTERM arrives, within one run per thread.
RunResults run_monte_carlo(const DemandSimulator& simulator, int runs, int threads,
                           const Progress& progress = {}, const ObserverFactory& observers = {},
                           const RunSplit& split = {});

}  // namespace sendcast::sim
