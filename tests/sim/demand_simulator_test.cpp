// Invariants of the simulator on small synthetic parameters: conservation, reproducibility
// across thread counts, seed sensitivity, levers.
#include "sim/demand_simulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "sim/runner.h"

namespace sendcast::sim {
namespace {

using models::cell_index;
using models::N_STATE_CELLS;

//! A small LA: 20 children at each age 4..18 in mainstream and state special, three townships.
models::ModelParameters synthetic(bool joiners = true, bool leavers = true, bool net_flow = true) {
  models::ModelParameters p;
  p.la_code = "E0TEST";
  p.la_name = "Testshire";
  p.origin = 2025;
  p.needs_known = p.placements_known = p.ages_known = p.transitions_known = true;
  p.leaver_ages_known = leavers;
  p.initial.assign(N_STATE_CELLS, 0);
  for (int a = 4; a <= 18; ++a) {
    p.initial[cell_index(a, static_cast<int>(Need::ASD), static_cast<int>(Placement::Mainstream))] =
        20;
    p.initial[cell_index(a, static_cast<int>(Need::SLD),
                         static_cast<int>(Placement::StateSpecial))] = 20;
  }
  p.townships = {"North", "South", "East"};
  p.township_shares = {0.5, 0.3, 0.2};
  for (int a = 0; a < N_AGES; ++a) {
    p.leave_alpha[a] = leavers ? (a >= 16 ? 30.0 : 2.0) : 0.0;
    p.leave_beta[a] = 100.0;
    for (int q = 0; q < N_PLACEMENTS; ++q) {
      p.transition_alpha[a][q].fill(0.5);
      p.transition_alpha[a][q][q] = 200.0;
    }
    p.joiner_age_alpha[a] = a >= 3 && a <= 16 ? 10.0 : 0.1;
    p.joiner_mix[a].fill(0.0);
    p.joiner_mix[a][static_cast<int>(Need::ASD) * N_PLACEMENTS +
                    static_cast<int>(Placement::Mainstream)] = 0.7;
    p.joiner_mix[a][static_cast<int>(Need::SEMH) * N_PLACEMENTS +
                    static_cast<int>(Placement::StateSpecial)] = 0.3;
  }
  p.leave_relative_risk.fill(1.0);
  for (int b = 0; b < N_AGE_BANDS; ++b) {
    p.net_flow_mean[b] = net_flow ? 0.02 : 0.0;
    p.net_flow_sd[b] = net_flow ? 0.01 : 0.0;
    p.net_flow_year_sd[b] = net_flow ? 0.01 : 0.0;
  }
  p.trend_fit.last_year = 2024;
  p.trend_fit.level = joiners ? std::log(60.0) : -50.0;  // e^-50: no joiners
  p.trend_fit.growth = 0.03;
  p.trend_fit.growth_se = 0.01;
  p.trend_fit.residual_sd = 0.05;
  p.population_ratio.assign(11, {});
  for (auto& r : p.population_ratio) r.fill(1.0);
  return p;
}

//! The same net flow rate in every age band, without uncertainty.
void set_net_flow(models::ModelParameters& p, double rate) {
  p.net_flow_mean.fill(rate);
  p.net_flow_sd.fill(0.0);
  p.net_flow_year_sd.fill(0.0);
}

//! Records every year's state of one run.
class Recorder : public RunObserver {
 public:
  void observe(std::uint32_t, int, const std::vector<std::int32_t>& state) override {
    states.push_back(state);
  }
  std::vector<std::vector<std::int32_t>> states;
};

TEST(DemandSimulator, TotalsBalanceTheirFlowsInEveryRunAndYear) {
  const DemandSimulator sim(synthetic(), DemandLevers::none(10), 10, 7);
  const RunResults r = run_monte_carlo(sim, 50, 1);
  const auto& L = r.layout;
  for (int run = 0; run < r.runs; ++run)
    for (int y = 1; y < r.years; ++y) {
      const std::int32_t* prev = r.row(run, y - 1);
      const std::int32_t* row = r.row(run, y);
      EXPECT_EQ(row[L.total()], prev[L.total()] - row[L.flow(Flow::Leavers)] -
                                    row[L.flow(Flow::AgedOut)] + row[L.flow(Flow::Joiners)] +
                                    row[L.flow(Flow::NetOther)])
          << "run " << run << " year " << y;
    }
}

TEST(DemandSimulator, AgeingConservesEveryCohortCell) {
  // With no leavers, joiners or net flow, every (township, age, need) cohort arrives whole at
  // age + 1, whatever placements it moves between.
  const DemandSimulator sim(synthetic(false, false, false), DemandLevers::none(5), 5, 11);
  std::vector<std::int32_t> out(static_cast<std::size_t>(sim.years()) * sim.layout().columns());
  Recorder rec;
  sim.simulate(3, out.data(), nullptr, &rec);
  ASSERT_EQ(rec.states.size(), 6u);
  bool moved = false;
  for (std::size_t y = 1; y < rec.states.size(); ++y)
    for (int t = 0; t < 3; ++t)
      for (int a = 0; a < MAX_AGE; ++a)
        for (int n = 0; n < N_NEEDS; ++n) {
          int before = 0, after = 0;
          for (int q = 0; q < N_PLACEMENTS; ++q) {
            before += rec.states[y - 1][t * N_STATE_CELLS + cell_index(a, n, q)];
            after += rec.states[y][t * N_STATE_CELLS + cell_index(a + 1, n, q)];
            if (rec.states[y][t * N_STATE_CELLS + cell_index(a + 1, n, q)] !=
                rec.states[y - 1][t * N_STATE_CELLS + cell_index(a, n, q)])
              moved = true;
          }
          EXPECT_EQ(after, before) << "township " << t << " age " << a << " need " << n;
        }
  EXPECT_TRUE(moved) << "transitions should move some children between placements";
}

TEST(DemandSimulator, PositiveNetFlowIsAnInflowNotCompoundGrowth) {
  // 600 children, no leavers or joiners, a net flow of +20% with no uncertainty: about 120
  // children arrive every year (the first year's 20%), not 20% of a growing stock, which would
  // be 249 by year 5. Five years, so that nobody ages out of 0-25.
  models::ModelParameters p = synthetic(false, false, true);
  set_net_flow(p, 0.2);
  const DemandSimulator sim(p, DemandLevers::none(5), 5, 17);
  constexpr int RUNS = 400;
  const RunResults r = run_monte_carlo(sim, RUNS, 2);
  for (int y = 1; y <= 5; ++y) {
    double inflow = 0;
    for (int run = 0; run < RUNS; ++run) inflow += r.row(run, y)[r.layout.flow(Flow::NetOther)];
    inflow /= RUNS;
    // Poisson(120): the mean of 400 runs has sd 0.55.
    EXPECT_NEAR(inflow, 120.0, 3.0) << "year " << y;
  }
  double total = 0;
  for (int run = 0; run < RUNS; ++run) total += r.row(run, 5)[r.layout.total()];
  EXPECT_NEAR(total / RUNS, 1200.0, 6.0);
}

TEST(DemandSimulator, NegativeNetFlowRemovesAShareOfTheStock) {
  // -10% a year with nothing else moving: 600 x 0.9^k, give or take sampling.
  models::ModelParameters p = synthetic(false, false, true);
  set_net_flow(p, -0.1);
  const DemandSimulator sim(p, DemandLevers::none(5), 5, 17);
  constexpr int RUNS = 400;
  const RunResults r = run_monte_carlo(sim, RUNS, 2);
  for (int y = 1; y <= 5; ++y) {
    double total = 0;
    for (int run = 0; run < RUNS; ++run) total += r.row(run, y)[r.layout.total()];
    EXPECT_NEAR(total / RUNS, 600.0 * std::pow(0.9, y), 3.0) << "year " << y;
  }
}

TEST(DemandSimulator, TransfersInLandInProportionToEachCellsChildren) {
  // Two cohorts in the 16-19 band, 100 and 300 children, one township, +20% net flow and
  // nothing else: the band draws Poisson(80) arrivals and gives each to a child's cell, the
  // same law as Poisson(20) and Poisson(60) per cohort independently.
  models::ModelParameters p = synthetic(false, false, true);
  p.initial.assign(N_STATE_CELLS, 0);
  const int asd = static_cast<int>(Need::ASD), sld = static_cast<int>(Need::SLD);
  p.initial[cell_index(17, asd, static_cast<int>(Placement::Mainstream))] = 100;
  p.initial[cell_index(18, sld, static_cast<int>(Placement::StateSpecial))] = 300;
  p.townships = {"Whole"};
  p.township_shares = {1.0};
  set_net_flow(p, 0.2);
  const DemandSimulator sim(p, DemandLevers::none(1), 1, 23);
  constexpr int RUNS = 4000;
  std::vector<std::int32_t> out(static_cast<std::size_t>(sim.years()) * sim.layout().columns());
  std::array<double, 2> sum{}, sum2{};
  double covariance = 0;
  for (std::uint32_t run = 0; run < RUNS; ++run) {
    Recorder rec;
    sim.simulate(run, out.data(), nullptr, &rec);
    std::array<double, 2> arrived{};
    for (int q = 0; q < N_PLACEMENTS; ++q) {
      arrived[0] += rec.states[1][cell_index(18, asd, q)];
      arrived[1] += rec.states[1][cell_index(19, sld, q)];
    }
    arrived[0] -= 100;
    arrived[1] -= 300;
    ASSERT_GE(arrived[0], 0);
    ASSERT_GE(arrived[1], 0);
    for (int c = 0; c < 2; ++c) {
      sum[c] += arrived[c];
      sum2[c] += arrived[c] * arrived[c];
    }
    covariance += arrived[0] * arrived[1];
  }
  const std::array<double, 2> expected = {20.0, 60.0};
  for (int c = 0; c < 2; ++c) {
    const double mean = sum[c] / RUNS, var = sum2[c] / RUNS - mean * mean;
    EXPECT_NEAR(mean, expected[c], 4 * std::sqrt(expected[c] / RUNS)) << "cohort " << c;
    EXPECT_NEAR(var / expected[c], 1.0, 0.1) << "cohort " << c;  // Poisson: variance = mean
  }
  // Independent, as Poisson splitting makes them: the correlation is within sampling error.
  const double cov = covariance / RUNS - (sum[0] / RUNS) * (sum[1] / RUNS);
  EXPECT_NEAR(cov / std::sqrt(20.0 * 60.0), 0.0, 4 / std::sqrt(double{RUNS}));
}

TEST(DemandSimulator, NegativeNetFlowThinsSurvivorsAndJoinersAlike) {
  // -30% a year with leavers and joiners: of the children who would be in January's stock
  // (last year's, less leavers and the aged out, plus every joiner), 30% leave with the net
  // flow, whether they were there a year ago or joined during it.
  models::ModelParameters p = synthetic(true, true, true);
  set_net_flow(p, -0.3);
  const DemandSimulator sim(p, DemandLevers::none(5), 5, 31);
  constexpr int RUNS = 400;
  const RunResults r = run_monte_carlo(sim, RUNS, 2);
  const auto& L = r.layout;
  for (int y = 1; y <= 5; ++y) {
    double out = 0, exposed = 0, joiners = 0;
    for (int run = 0; run < RUNS; ++run) {
      const std::int32_t* prev = r.row(run, y - 1);
      const std::int32_t* row = r.row(run, y);
      out -= row[L.flow(Flow::NetOther)];
      joiners += row[L.flow(Flow::Joiners)];
      exposed += prev[L.total()] - row[L.flow(Flow::Leavers)] - row[L.flow(Flow::AgedOut)] +
                 row[L.flow(Flow::Joiners)];
    }
    // Joiners are about a tenth of the exposed: were they spared, 30% of the rest would
    // leave, 0.03 x exposed fewer, about 8 sd below what the test expects.
    ASSERT_GT(joiners, 0.05 * exposed) << "joiners should be a good share of the exposed";
    // Binomial(exposed, 0.3) summed over runs: sd sqrt(exposed x 0.21).
    EXPECT_NEAR(out, 0.3 * exposed, 4 * std::sqrt(0.21 * exposed)) << "year " << y;
  }
}

TEST(DemandSimulator, CountsAreNeverNegative) {
  const DemandSimulator sim(synthetic(), DemandLevers::none(10), 10, 5);
  std::vector<std::int32_t> out(static_cast<std::size_t>(sim.years()) * sim.layout().columns());
  for (std::uint32_t run = 0; run < 20; ++run) {
    Recorder rec;
    sim.simulate(run, out.data(), nullptr, &rec);
    for (const auto& s : rec.states)
      for (std::int32_t v : s) ASSERT_GE(v, 0);
  }
}

TEST(DemandSimulator, SameSeedSameNumbersForOneAndTwoThreads) {
  const DemandSimulator sim(synthetic(), DemandLevers::none(10), 10, 20250123);
  const RunResults one = run_monte_carlo(sim, 64, 1);
  const RunResults two = run_monte_carlo(sim, 64, 2);
  EXPECT_EQ(one.data, two.data);
  const DemandSimulator other(synthetic(), DemandLevers::none(10), 10, 20250124);
  const RunResults different = run_monte_carlo(other, 64, 2);
  EXPECT_NE(one.data, different.data);
}

TEST(DemandSimulator, ASplitOfTheRunsSumsToTheWhole) {
  // What each MPI rank does: its own runs (r % size == rank), the others' rows left zero.
  const DemandSimulator sim(synthetic(), DemandLevers::none(6), 6, 99);
  const RunResults whole = run_monte_carlo(sim, 37, 2);
  std::vector<std::int32_t> sum(whole.data.size(), 0);
  for (int rank = 0; rank < 3; ++rank) {
    const RunSplit split{rank, 3};
    const RunResults part = run_monte_carlo(sim, 37, 1, {}, {}, split);
    for (int run = 0; run < 37; ++run)
      if (!split.owns(run)) {
        for (int y = 0; y < part.years; ++y)
          for (int c = 0; c < part.layout.columns(); ++c) ASSERT_EQ(part.row(run, y)[c], 0);
      }
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += part.data[i];
  }
  EXPECT_EQ(sum, whole.data);
  EXPECT_EQ((RunSplit{0, 3}.count(37)), 13);
  EXPECT_EQ((RunSplit{2, 3}.count(37)), 12);
  EXPECT_EQ((RunSplit{4, 8}.count(3)), 0);
}

TEST(DemandSimulator, RunsDifferFromEachOther) {
  const DemandSimulator sim(synthetic(), DemandLevers::none(10), 10, 1);
  const RunResults r = run_monte_carlo(sim, 2, 1);
  EXPECT_NE(std::vector<std::int32_t>(r.row(0, 10), r.row(0, 10) + r.layout.columns()),
            std::vector<std::int32_t>(r.row(1, 10), r.row(1, 10) + r.layout.columns()));
}

TEST(DemandSimulator, BreakdownsAddUpToTheTotal) {
  const DemandSimulator sim(synthetic(), DemandLevers::none(10), 10, 3);
  const RunResults r = run_monte_carlo(sim, 10, 2);
  for (const char* name : {"age", "age_band", "need", "placement", "township"}) {
    const auto& b = r.layout.find(name);
    for (int run = 0; run < r.runs; ++run)
      for (int y = 0; y < r.years; ++y) {
        const std::int32_t* row = r.row(run, y);
        const int sum = std::accumulate(row + b.offset,
                                        row + b.offset + static_cast<int>(b.categories.size()), 0);
        EXPECT_EQ(sum, row[r.layout.total()]) << name;
      }
  }
}

TEST(DemandSimulator, EveryBreakdownIsTheMarginalOfTheState) {
  // Each year's row against the state the observer saw, rolled up the plain way: every cell
  // added to its age, band, need, placement, township and (specialist placements) phase x need
  // area x township column. Net flow in (+5%) puts transfers in after the roll-up of the rest.
  models::ModelParameters p = synthetic();
  set_net_flow(p, 0.05);
  const DemandSimulator sim(p, DemandLevers::none(10), 10, 41);
  const RollupLayout& layout = sim.layout();
  const int flows = layout.find("flow").offset;
  std::vector<std::int32_t> out(static_cast<std::size_t>(sim.years()) * layout.columns());
  for (std::uint32_t run = 0; run < 20; ++run) {
    Recorder rec;
    sim.simulate(run, out.data(), nullptr, &rec);
    for (int y = 0; y < sim.years(); ++y) {
      std::vector<std::int32_t> expected(static_cast<std::size_t>(layout.columns()), 0);
      for (int t = 0; t < sim.townships(); ++t)
        for (int a = 0; a < N_AGES; ++a)
          for (int n = 0; n < N_NEEDS; ++n)
            for (int q = 0; q < N_PLACEMENTS; ++q) {
              const std::int32_t k = rec.states[y][t * N_STATE_CELLS + cell_index(a, n, q)];
              expected[layout.total()] += k;
              expected[layout.age(a)] += k;
              expected[layout.band(age_band(a))] += k;
              expected[layout.need(n)] += k;
              expected[layout.placement(q)] += k;
              expected[layout.township(t)] += k;
              if (layout.specialist(t, a, n, q) >= 0) expected[layout.specialist(t, a, n, q)] += k;
            }
      const std::int32_t* row = out.data() + static_cast<std::size_t>(y) * layout.columns();
      for (int c = 0; c < flows; ++c)
        ASSERT_EQ(row[c], expected[c]) << "run " << run << " year " << y << " column " << c;
    }
  }
}

TEST(DemandSimulator, FewerJoinersUnderAJoinerLever) {
  DemandLevers lower = DemandLevers::none(10);
  for (int s = 1; s <= 10; ++s)
    for (auto& age : lower.joiner[s]) age.fill(0.5);
  const DemandSimulator base(synthetic(), DemandLevers::none(10), 10, 9);
  const DemandSimulator mitigated(synthetic(), lower, 10, 9);
  const RunResults a = run_monte_carlo(base, 200, 2), b = run_monte_carlo(mitigated, 200, 2);
  double ja = 0, jb = 0;
  for (int run = 0; run < 200; ++run)
    for (int y = 1; y <= 10; ++y) {
      ja += a.row(run, y)[a.layout.flow(Flow::Joiners)];
      jb += b.row(run, y)[b.layout.flow(Flow::Joiners)];
    }
  EXPECT_NEAR(jb / ja, 0.5, 0.03);
  // The starting state is common to both: common random numbers.
  EXPECT_EQ(std::vector<std::int32_t>(a.row(0, 0), a.row(0, 0) + a.layout.columns()),
            std::vector<std::int32_t>(b.row(0, 0), b.row(0, 0) + b.layout.columns()));
}

TEST(DemandSimulator, PlacementShiftMovesJoiners) {
  DemandLevers shift = DemandLevers::none(10);
  for (int s = 1; s <= 10; ++s)
    shift.shifts[s].push_back({static_cast<int>(Placement::StateSpecial),
                               static_cast<int>(Placement::ResourcedProvision), 1.0, 0, MAX_AGE});
  auto p = synthetic(true, false, false);
  p.initial.assign(N_STATE_CELLS, 0);
  for (int a = 0; a < N_AGES; ++a)
    for (int q = 0; q < N_PLACEMENTS; ++q) {
      p.transition_alpha[a][q].fill(1e-6);
      p.transition_alpha[a][q][q] = 1.0;
    }
  const DemandSimulator sim(p, shift, 10, 4);
  const RunResults r = run_monte_carlo(sim, 20, 2);
  for (int run = 0; run < r.runs; ++run) {
    EXPECT_EQ(r.row(run, 10)[r.layout.placement(static_cast<int>(Placement::StateSpecial))], 0);
    EXPECT_GT(r.row(run, 10)[r.layout.placement(static_cast<int>(Placement::ResourcedProvision))],
              0);
  }
}

TEST(DemandSimulator, LeaversAndMoversAreBinomialInSmallAndLargeCells) {
  // One cell of n children at age 10 (ASD, mainstream), one township, nothing joining or
  // flowing: year 1's leavers are Binomial(n, p) and its movers Binomial(n, (1 - p) (1 - s)),
  // over the run's drawn p ~ Beta(2000, 8000) and s ~ Beta(200, 3.5). The three sizes
  // take the three paths: n = 3 one word per child from the stream's first block, n = 12 also
  // from later blocks made in a batch, n = 60 (a large cell) binomials.
  constexpr int AGE = 10, RUNS = 20000;
  const int cell =
      cell_index(AGE, static_cast<int>(Need::ASD), static_cast<int>(Placement::Mainstream));
  for (const int n : {3, 12, 60}) {
    models::ModelParameters p = synthetic(false, true, false);
    p.initial.assign(N_STATE_CELLS, 0);
    p.initial[cell] = n;
    p.townships = {"Whole"};
    p.township_shares = {1.0};
    p.leave_alpha[AGE] = 2000;
    p.leave_beta[AGE] = 8000;
    const DemandSimulator sim(p, DemandLevers::none(1), 1, 99);
    const RunResults r = run_monte_carlo(sim, RUNS, 2);
    const auto& L = r.layout;
    double left = 0, left2 = 0, moved = 0;
    for (int run = 0; run < RUNS; ++run) {
      const double k = r.row(run, 1)[L.flow(Flow::Leavers)];
      const double stayed = r.row(run, 1)[L.placement(static_cast<int>(Placement::Mainstream))];
      left += k;
      left2 += k * k;
      moved += n - k - stayed;
    }
    const double mean = left / RUNS, var = left2 / RUNS - mean * mean;
    // Beta(2000, 8000): mean 0.2, variance 1.6e-5, which adds n^2 x 1.6e-5 to n p q.
    const double p_mean = 0.2, expected_var = n * p_mean * (1 - p_mean) + n * n * 1.6e-5;
    EXPECT_NEAR(mean, n * p_mean, 4 * std::sqrt(expected_var / RUNS)) << "n = " << n;
    EXPECT_NEAR(var / expected_var, 1.0, 0.1) << "n = " << n;
    const double move_p = (1 - p_mean) * 3.5 / 203.5;
    // Movers' variance is at most n q (1 + n Var(s) / q), Var(s) = 8.2e-5: bounded by 2x n q.
    EXPECT_NEAR(moved / RUNS, n * move_p, 4 * std::sqrt(2 * n * move_p / RUNS)) << "n = " << n;
  }
}

TEST(DemandSimulator, OriginSplitFollowsTheTownshipShares) {
  // The January origin's children go to townships 0.5 / 0.3 / 0.2: cells of 20 children one
  // word per child, a cell of 100 by a multinomial. 400 runs of 700 children: each share's
  // mean is within 0.004 (four sd of about 0.001).
  models::ModelParameters p = synthetic();
  p.initial[cell_index(10, static_cast<int>(Need::MLD), static_cast<int>(Placement::Mainstream))] =
      100;
  const DemandSimulator sim(p, DemandLevers::none(1), 1, 31);
  constexpr int RUNS = 400;
  const RunResults r = run_monte_carlo(sim, RUNS, 2);
  std::array<double, 3> share{};
  for (int run = 0; run < RUNS; ++run) {
    const std::int32_t* row = r.row(run, 0);
    ASSERT_EQ(row[r.layout.total()], 700);
    for (int t = 0; t < 3; ++t) share[t] += row[r.layout.township(t)] / (700.0 * RUNS);
  }
  EXPECT_NEAR(share[0], 0.5, 0.004);
  EXPECT_NEAR(share[1], 0.3, 0.004);
  EXPECT_NEAR(share[2], 0.2, 0.004);
}

TEST(DemandSimulator, DrawnParametersFollowTheirDistributions) {
  const auto p = synthetic();
  const DemandSimulator sim(p, DemandLevers::none(10), 10, 77);
  double mean16 = 0;
  constexpr int N = 2000;
  for (std::uint32_t run = 0; run < N; ++run) {
    const RunParameters rp = sim.draw_parameters(run);
    mean16 += rp.hazard[16] / N;
    for (int a = 0; a < N_AGES; ++a)
      for (int q = 0; q < N_PLACEMENTS; ++q) {
        double row = 0;
        for (double v : rp.transition[a][q]) row += v;
        ASSERT_NEAR(row, 1.0, 1e-9);
      }
  }
  // Beta(30, 100) has mean 30/130 and sd 0.037: the mean of 2,000 draws is within 0.004.
  EXPECT_NEAR(mean16, 30.0 / 130.0, 0.004);
}

}  // namespace
}  // namespace sendcast::sim
