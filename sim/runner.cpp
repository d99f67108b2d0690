#include "sim/runner.h"

#include <omp.h>

#include <atomic>

#include "io/interrupt.h"

namespace sendcast::sim {

std::vector<double> RunResults::column(int year_index, int col) const {
  std::vector<double> out(runs);
  for (int r = 0; r < runs; ++r) out[r] = row(r, year_index)[col];
  return out;
}

RunResults run_monte_carlo(const DemandSimulator& simulator, int runs, int threads,
                           const Progress& progress, const ObserverFactory& observers,
                           const RunSplit& split) {
  RunResults results{
      simulator.layout(), runs, simulator.years(), simulator.parameters().origin, {}};
  const std::size_t per_run = static_cast<std::size_t>(results.years) * results.layout.columns();
  results.data.assign(per_run * runs, 0);
  std::atomic<int> done{0};
  const int mine = split.count(runs);
  const int n_threads = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(n_threads)
  {
    const std::unique_ptr<RunObserver> observer = observers ? observers() : nullptr;
    SimulationWorkspace workspace;  // this thread's buffers, reused run after run
#pragma omp for schedule(dynamic, 8)
    for (int k = 0; k < mine; ++k) {
      const int r = split.rank + k * split.size;
      // An OpenMP loop cannot be left early: after SIGINT/SIGTERM the remaining runs are
      // skipped, and the interrupt is raised once the threads have joined.
      if (interrupt_signal()) continue;
      simulator.simulate(static_cast<std::uint32_t>(r), results.data.data() + per_run * r,
                         workspace, nullptr, observer.get());
      const int finished = ++done;
      if (progress && omp_get_thread_num() == 0) progress(finished, mine);
    }
  }
  throw_if_interrupted();
  if (progress) progress(mine, mine);
  return results;
}

}  // namespace sendcast::sim
