// Throughput of the demand engine on the Dudley baseline (10 years, five townships),
// calibrated from the embedded data exactly as `sendcast run` does it, against the cost of
// the random numbers it draws.
//
//   philox_words        raw words/s from one stream, Rng::next_u32: the RNG floor
//   philox_scalar       words/s from Random123's Philox4x32-10 called one block at a time
//   philox_first_blocks words/s when many streams' first blocks are made together; path:0
//                       the best vector code this CPU has (AVX-512F, else AVX2), 1 AVX2,
//                       2 scalar (all give the same blocks)
//   annual_step         one annual step of one run: (run to year 10 - run to year 0) / 10,
//                       in thread CPU time; origin_us is the run to year 0 (the run's
//                       parameters and the township split of the origin's caseload)
//   run/path:P          one whole run on one thread, buffers reused, as the runner does it,
//                       with Philox path P (0 best, 1 AVX2)
//   engine/threads:T    run_monte_carlo over 2,000 runs with T threads, as `sendcast run`
//
// Counters: runs/s; child_years/s (sum over runs and projected years 1..10 of the total
// caseload, per second); words_per_run (32-bit words the run's generators drew, counted per
// thread as each generator goes out of scope); blocks_per_run (Philox blocks generated,
// four words each, including the unused rest of each generator's buffer); floor_fraction
// (CPU time the run's words take at the raw rate of philox_words / the CPU time the run
// takes: 0.25 means "within 4x of the RNG floor"); peak_rss (getrusage ru_maxrss, bytes).
// Rates in engine/threads:T are per second of wall time; floor_fraction always uses the CPU
// time of every thread, so that other jobs on a shared machine do not count. Nothing here
// fails on timing.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <vector>

#include "io/data_context.h"
#include "io/la_history.h"
#include "io/sen2_tables.h"
#include "io/snpp.h"
#include "io/township.h"
#include "models/calibration.h"
#include "scenarios/levers.h"
#include "scenarios/scenario.h"
#include "sim/demand_simulator.h"
#include "sim/rng.h"
#include "sim/runner.h"

namespace sendcast::sim {
namespace {

constexpr std::uint64_t SEED = 20250123;
constexpr int ENGINE_RUNS = 2000;  //!< runs per engine iteration

//! The Dudley baseline, calibrated once, as cli/forecast_job.cpp does it.
struct Dudley {
  models::ModelParameters parameters;
  DemandLevers levers;
  int horizon = 0;
  std::uint64_t seed = 0;
};

const Dudley& dudley() {
  static const Dudley d = [] {
    const auto scenario =
        scenarios::load_scenario(SENDCAST_SOURCE_DIR "/scenarios/dudley/baseline.toml");
    io::DataContext data = io::load_data_context();
    if (!scenario.population.files.empty())
      data.population = io::read_snpp(scenario.population.files);
    const io::Area& area = io::find_area(data.tables.areas, scenario.la);
    const io::LaHistory history = io::build_la_history(data.tables, area, &data.population);
    const io::LaHistory england =
        io::build_la_history(data.tables, io::find_area(data.tables.areas, "England"));
    models::CalibrationOptions options;
    options.origin = scenario.start_year;
    options.horizon = scenario.years;
    options.trend = scenarios::trend_spec(scenario);
    options.use_population = scenario.population.use;
    if (!scenario.townships.split_file.empty())
      options.townships = io::read_township_split(scenario.townships.split_file);
    Dudley out;
    out.parameters = models::calibrate(history, england, options);
    out.levers = scenarios::demand_levers(scenario, out.parameters.origin, scenario.years);
    out.horizon = scenario.years;
    out.seed = scenario.seed;
    return out;
  }();
  return d;
}

const DemandSimulator& simulator(int horizon) {
  static const DemandSimulator full(dudley().parameters, dudley().levers, dudley().horizon,
                                    dudley().seed);
  static const DemandSimulator origin_only(dudley().parameters, DemandLevers::none(0), 0,
                                           dudley().seed);
  return horizon == 0 ? origin_only : full;
}

//! CPU seconds of the calling thread: other jobs on a shared machine do not inflate it.
double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

//! CPU seconds of the whole process, every thread.
double process_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0;  // Linux reports KiB
}

//! CPU seconds per word drawn from one stream (the raw floor), measured once.
double seconds_per_word() {
  static const double seconds = [] {
    Rng rng(SEED, 0, 2025, Stream::Joiners);
    constexpr int WORDS = 1 << 25;
    std::uint32_t sink = 0;
    const double start = thread_seconds();
    for (int i = 0; i < WORDS; ++i) sink ^= rng.next_u32();
    const double elapsed = thread_seconds() - start;
    benchmark::DoNotOptimize(sink);
    return elapsed / WORDS;
  }();
  return seconds;
}

//! Sum over runs and projected years 1..horizon of the total caseload.
double child_years(const RunResults& r) {
  double sum = 0;
  for (int run = 0; run < r.runs; ++run)
    for (int y = 1; y < r.years; ++y) sum += r.row(run, y)[r.layout.total()];
  return sum;
}

//! Words drawn, Philox blocks made and child-years, per run, over runs [0, 500).
struct RunCost {
  double words = 0, blocks = 0, child_years = 0;
};
const RunCost& run_cost() {
  static const RunCost cost = [] {
    const DemandSimulator& sim = simulator(dudley().horizon);
    std::vector<std::int32_t> out(static_cast<std::size_t>(sim.years()) * sim.layout().columns());
    SimulationWorkspace workspace;
    constexpr int RUNS = 500;
    RunCost c;
    const std::uint64_t blocks_before = philox_blocks_generated();
    const std::uint64_t words_before = words_drawn();
    for (int r = 0; r < RUNS; ++r) {
      sim.simulate(static_cast<std::uint32_t>(r), out.data(), workspace);
      for (int y = 1; y < sim.years(); ++y)
        c.child_years +=
            out[static_cast<std::size_t>(y) * sim.layout().columns() + sim.layout().total()];
    }
    c.blocks = static_cast<double>(philox_blocks_generated() - blocks_before) / RUNS;
    c.words = static_cast<double>(words_drawn() - words_before) / RUNS;
    c.child_years /= RUNS;
    return c;
  }();
  return cost;
}

void philox_words(benchmark::State& state) {
  Rng rng(SEED, 0, 2025, Stream::Joiners);
  for (auto _ : state) benchmark::DoNotOptimize(rng.next_u32());
  state.counters["words/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void philox_scalar(benchmark::State& state) {
  const Rng::Philox philox;
  const Rng::Philox::key_type key = {{static_cast<std::uint32_t>(SEED), 0}};
  Rng::Philox::ctr_type counter = {{0, 1, 2, 3}};
  for (auto _ : state) {
    ++counter.v[0];
    benchmark::DoNotOptimize(philox(counter, key));
  }
  state.counters["words/s"] = benchmark::Counter(4.0 * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}

//! Arg: 0 the best vector path this CPU has (AVX-512F, else AVX2), 1 AVX2, 2 scalar.
void philox_first_blocks(benchmark::State& state) {
  detail::philox_path = static_cast<detail::PhiloxPath>(state.range(0));
  std::vector<std::uint32_t> substreams(1024);
  for (std::size_t i = 0; i < substreams.size(); ++i)
    substreams[i] = static_cast<std::uint32_t>(i * 7);
  std::vector<Rng::Block> blocks(substreams.size());
  std::uint32_t year = 0;
  for (auto _ : state) {
    Rng::first_blocks(SEED, 0, ++year, Stream::Leavers, substreams.data(), substreams.size(),
                      blocks.data());
    benchmark::DoNotOptimize(blocks.data());
  }
  state.counters["words/s"] =
      benchmark::Counter(4.0 * static_cast<double>(substreams.size() * state.iterations()),
                         benchmark::Counter::kIsRate);
  detail::philox_path = detail::PhiloxPath::Best;
}

void annual_step(benchmark::State& state) {
  const DemandSimulator& full = simulator(dudley().horizon);
  const DemandSimulator& origin = simulator(0);
  std::vector<std::int32_t> out(static_cast<std::size_t>(full.years()) * full.layout().columns());
  SimulationWorkspace workspace;
  std::uint32_t run = 0;
  double origin_seconds = 0;
  for (auto _ : state) {
    // Thread CPU time, so that other jobs on the machine do not count.
    const double t0 = thread_seconds();
    full.simulate(run, out.data(), workspace);
    const double t1 = thread_seconds();
    origin.simulate(run, out.data(), workspace);
    const double t2 = thread_seconds();
    ++run;
    origin_seconds += t2 - t1;
    state.SetIterationTime(std::max(0.0, (t1 - t0) - (t2 - t1)) / full.horizon());
  }
  // Drawing the run's parameters and splitting the origin's caseload by township.
  state.counters["origin_us"] = 1e6 * origin_seconds / static_cast<double>(state.iterations());
}

//! Arg: the Philox path, as for philox_first_blocks.
void run(benchmark::State& state) {
  detail::philox_path = static_cast<detail::PhiloxPath>(state.range(0));
  const DemandSimulator& sim = simulator(dudley().horizon);
  std::vector<std::int32_t> out(static_cast<std::size_t>(sim.years()) * sim.layout().columns());
  SimulationWorkspace workspace;
  const RunCost& cost = run_cost();
  std::uint32_t r = 0;
  const double start = thread_seconds();
  for (auto _ : state) {
    sim.simulate(r++, out.data(), workspace);
    benchmark::DoNotOptimize(out.data());
  }
  const double cpu = thread_seconds() - start;
  const auto runs = static_cast<double>(state.iterations());
  state.counters["runs/s"] = benchmark::Counter(runs, benchmark::Counter::kIsRate);
  state.counters["child_years/s"] =
      benchmark::Counter(runs * cost.child_years, benchmark::Counter::kIsRate);
  state.counters["words_per_run"] = cost.words;
  state.counters["blocks_per_run"] = cost.blocks;
  // Fraction of the RNG floor: the run's words at the raw rate over the CPU time per run.
  state.counters["floor_fraction"] = runs * cost.words * seconds_per_word() / cpu;
  detail::philox_path = detail::PhiloxPath::Best;
}

void engine(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const DemandSimulator& sim = simulator(dudley().horizon);
  const RunCost& cost = run_cost();
  double years = 0;
  const double start = process_seconds();
  for (auto _ : state) {
    const RunResults results = run_monte_carlo(sim, ENGINE_RUNS, threads);
    years += child_years(results);
    benchmark::DoNotOptimize(results.data.data());
  }
  const double cpu = process_seconds() - start;
  const double runs = static_cast<double>(state.iterations()) * ENGINE_RUNS;
  state.counters["runs/s"] = benchmark::Counter(runs, benchmark::Counter::kIsRate);
  state.counters["child_years/s"] = benchmark::Counter(years, benchmark::Counter::kIsRate);
  state.counters["words_per_run"] = cost.words;
  state.counters["blocks_per_run"] = cost.blocks;
  // The runs' words at the raw rate over the CPU time of every thread.
  state.counters["floor_fraction"] = runs * cost.words * seconds_per_word() / cpu;
  state.counters["peak_rss"] = peak_rss_bytes();
}

BENCHMARK(philox_words);
BENCHMARK(philox_scalar);
BENCHMARK(philox_first_blocks)->ArgName("path")->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(annual_step)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(run)->ArgName("path")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(engine)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->MeasureProcessCPUTime()->Unit(
    benchmark::kMillisecond);

}  // namespace
}  // namespace sendcast::sim

BENCHMARK_MAIN();
