// One matching solve: the transportation problem the sufficiency layer solves each run-year,
// on problems shaped like the ones Dudley's illustrative register gives the flow solver
// (counted with temporary counters over 10,000 baseline runs: about 22 sources, 5 sinks and
// 50 arcs after pruning, places short of demand).
//
//   matching_solve   Matcher::solve over a fixed set of 512 such problems, one solve per
//                    iteration, as the matching calls it (components, the greedy checks,
//                    pruning, then LEMON's network simplex)
//
// Counters: solves/s; flow_share, the fraction of solves that needed the network simplex.
// Nothing here fails on timing.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "sim/matching.h"

namespace sendcast::sim {
namespace {

constexpr int PROBLEMS = 512;
constexpr int SOURCES = 22;
constexpr int SINKS = 5;
constexpr int TOWNSHIPS = 5;

//! Sources are (township, class) groups of 1 to 4 children; each reaches one to three of the
//! five provisions at a cost of township distance (0 to 4 steps of 100) plus designation fit
//! (0 to 2 steps of 10), as sim/sufficiency.cpp prices them. The places are three quarters of
//! the children, so that no greedy rule settles the problem.
std::vector<MatchingProblem> dudley_shaped_problems() {
  std::mt19937 rng(20250123);
  std::uniform_int_distribution<int> children(1, 4), reach(1, 3), township(0, TOWNSHIPS - 1),
      fit(0, 2);
  std::vector<int> home(SINKS);
  for (int k = 0; k < SINKS; ++k) home[k] = k % TOWNSHIPS;
  std::vector<MatchingProblem> problems(PROBLEMS);
  for (MatchingProblem& p : problems) {
    std::int32_t total = 0;
    for (int i = 0; i < SOURCES; ++i) {
      p.supply.push_back(children(rng));
      total += p.supply.back();
      const int from = township(rng);
      std::vector<int> sinks(SINKS);
      std::iota(sinks.begin(), sinks.end(), 0);
      std::shuffle(sinks.begin(), sinks.end(), rng);
      for (int j = reach(rng); j-- > 0;)
        p.arcs.push_back({i, sinks[j], 100 * std::abs(from - home[sinks[j]]) + 10 * fit(rng)});
    }
    std::uniform_int_distribution<int> share(0, 100);
    std::vector<int> weight(SINKS);
    for (int& w : weight) w = 1 + share(rng);
    const int sum = std::accumulate(weight.begin(), weight.end(), 0);
    for (int k = 0; k < SINKS; ++k) p.capacity.push_back(3 * total * weight[k] / (4 * sum));
  }
  return problems;
}

void matching_solve(benchmark::State& state) {
  static const std::vector<MatchingProblem> problems = dudley_shaped_problems();
  Matcher matcher;
  MatchingSolution solution;
  std::size_t i = 0;
  double flow = 0;
  for (auto _ : state) {
    matcher.solve(problems[i], solution);
    benchmark::DoNotOptimize(solution.flow.data());
    flow += solution.used_solver;
    i = (i + 1) % problems.size();
  }
  const auto solves = static_cast<double>(state.iterations());
  state.counters["solves/s"] = benchmark::Counter(solves, benchmark::Counter::kIsRate);
  state.counters["flow_share"] = flow / solves;
}

BENCHMARK(matching_solve)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sendcast::sim

BENCHMARK_MAIN();
