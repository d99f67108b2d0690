// Throughput of the counter-based generator and the samplers in the simulation's inner
// loops. items_per_second is variates per second; the words_per_item counter is 32-bit
// Philox words consumed per variate, for turning "draws per run" into time per run.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>

#include "sim/rng.h"

namespace sendcast::sim {
namespace {

constexpr std::uint64_t SEED = 20250101;

template <class Draw>
void run(benchmark::State& state, Draw draw) {
  Rng rng(SEED, 0, 2025, Stream::Joiners);
  for (auto _ : state) benchmark::DoNotOptimize(draw(rng));
  const auto items = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.counters["words_per_item"] = static_cast<double>(rng.draws()) / items;
}

void philox_u32(benchmark::State& state) {
  run(state, [](Rng& rng) { return rng.next_u32(); });
}

void uniform(benchmark::State& state) {
  run(state, [](Rng& rng) { return rng.uniform(); });
}

void normal(benchmark::State& state) {
  run(state, [](Rng& rng) { return normal_rng(0, 1, rng); });
}

void gamma(benchmark::State& state) {
  run(state, [](Rng& rng) { return gamma_rng(3, 1, rng); });
}

void poisson(benchmark::State& state) {
  const double mean = static_cast<double>(state.range(0));
  run(state, [mean](Rng& rng) { return poisson_rng(mean, rng); });
}

void binomial(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  // p = 0.3: n p = 3 (inversion) for n = 10, n p = 300 (BTRS) for n = 1000.
  run(state, [n](Rng& rng) { return binomial_rng(n, 0.3, rng); });
}

void neg_binomial(benchmark::State& state) {
  run(state, [](Rng& rng) { return neg_binomial_rng(20, 3, rng); });
}

// Eight placement types, as the joiner placement step splits a cohort.
void multinomial8(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const std::array<double, 8> probs = {0.35, 0.2, 0.15, 0.1, 0.08, 0.06, 0.04, 0.02};
  std::array<std::int64_t, 8> out{};
  run(state, [&](Rng& rng) {
    multinomial_rng(n, probs.data(), 8, out.data(), rng);
    return out[7];
  });
}

BENCHMARK(philox_u32);
BENCHMARK(uniform);
BENCHMARK(normal);
BENCHMARK(gamma);
BENCHMARK(poisson)->Arg(3)->Arg(1000);
BENCHMARK(binomial)->Arg(10)->Arg(1000);
BENCHMARK(neg_binomial);
BENCHMARK(multinomial8)->Arg(20)->Arg(5000);

}  // namespace
}  // namespace sendcast::sim

BENCHMARK_MAIN();
