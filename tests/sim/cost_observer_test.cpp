// The cost observer inside the Monte Carlo: per-run results by run index whatever the thread
// count, lower demand never costs more, and the finance summaries over runs.
#include "sim/cost_observer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "io/cost_table.h"
#include "io/finance_csv.h"
#include "models/model_parameters.h"
#include "sim/runner.h"
#include "sim/sufficiency.h"

namespace sendcast::sim {
namespace {

using models::cell_index;
using models::N_STATE_CELLS;

models::CostTable illustrative() {
  return io::read_cost_table(SENDCAST_SOURCE_DIR "/data/finance/unit_costs_illustrative.csv");
}

//! A small LA like the demand simulator's tests: mainstream ASD and state special SLD children
//! aged 4..18 in three townships, joiners and leavers on.
models::ModelParameters synthetic() {
  models::ModelParameters p;
  p.la_code = "E0TEST";
  p.la_name = "Testshire";
  p.origin = 2025;
  p.needs_known = p.placements_known = p.ages_known = p.transitions_known = true;
  p.leaver_ages_known = true;
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
    p.leave_alpha[a] = a >= 16 ? 30.0 : 2.0;
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
                    static_cast<int>(Placement::IndependentSpecial)] = 0.3;
  }
  p.leave_relative_risk.fill(1.0);
  for (int b = 0; b < N_AGE_BANDS; ++b) {
    p.net_flow_mean[b] = 0.02;
    p.net_flow_sd[b] = 0.01;
    p.net_flow_year_sd[b] = 0.01;
  }
  p.trend_fit.last_year = 2024;
  p.trend_fit.level = std::log(60.0);
  p.trend_fit.growth = 0.03;
  p.trend_fit.growth_se = 0.01;
  p.trend_fit.residual_sd = 0.05;
  p.population_ratio.assign(11, {});
  for (auto& r : p.population_ratio) r.fill(1.0);
  return p;
}

//! Counts observe() calls, to check the composite forwards to every observer.
class Counter : public RunObserver {
 public:
  explicit Counter(std::vector<int>& calls) : calls_(calls) {}
  void observe(std::uint32_t run, int, const std::vector<std::int32_t>&) override {
    ++calls_[run];  // each run is seen by one thread only
  }

 private:
  std::vector<int>& calls_;
};

CostResults simulate_costs(const DemandSimulator& sim, const CostModel& model, int runs,
                           int threads) {
  CostResults results = model.make_results(runs);
  run_monte_carlo(sim, runs, threads, {}, model.observers(results));
  return results;
}

TEST(CostObserver, PerRunResultsDoNotDependOnThreadCount) {
  const int horizon = 6, runs = 48;
  const DemandSimulator sim(synthetic(), DemandLevers::none(horizon), horizon, 20250123);
  const CostModel model(illustrative(), 2025, horizon);
  const CostResults one = simulate_costs(sim, model, runs, 1);
  const CostResults two = simulate_costs(sim, model, runs, 2);
  EXPECT_EQ(one.children, two.children);
  EXPECT_EQ(one.placement_spend, two.placement_spend);
  EXPECT_GT(one.total_spend(0, 0), 0.0);
  EXPECT_NE(one.total_spend(0, horizon - 1), one.total_spend(1, horizon - 1));
}

TEST(CostObserver, CompositeForwardsToEveryObserver) {
  const int horizon = 3, runs = 8;
  const DemandSimulator sim(synthetic(), DemandLevers::none(horizon), horizon, 7);
  const CostModel model(illustrative(), 2025, horizon);
  CostResults combined = model.make_results(runs);
  std::vector<int> calls(runs, 0);
  const ObserverFactory counter = [&calls] { return std::make_unique<Counter>(calls); };
  run_monte_carlo(sim, runs, 2, {}, combine_observers({model.observers(combined), {}, counter}));
  EXPECT_EQ(calls, std::vector<int>(runs, horizon + 1));
  EXPECT_EQ(combined.placement_spend, simulate_costs(sim, model, runs, 1).placement_spend);
  EXPECT_FALSE(combine_observers({{}, {}}));
}

//! A random state over two townships, and a copy with some children removed from every cell.
std::pair<std::vector<std::int32_t>, std::vector<std::int32_t>> state_pair(std::mt19937& rng) {
  std::vector<std::int32_t> full(2 * N_STATE_CELLS), fewer(2 * N_STATE_CELLS);
  std::uniform_int_distribution<int> count(0, 3), cut(0, 3);
  for (std::size_t i = 0; i < full.size(); ++i) {
    full[i] = count(rng);
    fewer[i] = std::max(0, full[i] - cut(rng));
  }
  return {full, fewer};
}

TEST(CostObserver, LowerDemandNeverRaisesSpendInAnyRun) {
  const int horizon = 4, runs = 20;
  const CostModel model(illustrative(), 2025, horizon);
  CostResults baseline = model.make_results(runs), mitigated = model.make_results(runs);
  std::mt19937 rng(20250123);
  for (int run = 0; run < runs; ++run)
    for (int step = 0; step <= horizon; ++step) {
      const auto [full, fewer] = state_pair(rng);
      model.add_census_year(run, step, count_placement_need(full), baseline);
      model.add_census_year(run, step, count_placement_need(fewer), mitigated);
    }
  for (int run = 0; run < runs; ++run)
    for (int y = 0; y < horizon; ++y) {
      for (int c = 0; c < models::N_DSG_CATEGORIES; ++c)
        EXPECT_LE(mitigated.spend(run, y, c), baseline.spend(run, y, c));
      EXPECT_LT(mitigated.total_spend(run, y), baseline.total_spend(run, y));
    }
}

// --- costs from the same run's sufficiency results -----------------------------------------

//! Two townships 10 km apart; one state special school in West (all needs, ages 4-19) with
//! `places` places at the given funding (0 = the cost table's).
SufficiencySetup one_school(int places, double place_funding, double top_up) {
  SufficiencySetup s;
  s.first_year = 2025;
  s.years = 2;
  s.townships = {"West", "East"};
  s.distance_km = {0, 10, 10, 0};
  ProvisionPlan p;
  p.id = p.name = "S";
  p.type = io::ProvisionType::Special;
  p.township = 0;
  p.age_min = 4;
  p.age_max = 19;
  io::add_designation("any", p.designation);
  p.places = {places, places};
  p.place_funding = place_funding;
  p.top_up = top_up;
  s.provisions.push_back(p);
  return s;
}

//! `special` SLD (C&L) children aged 10 in East's state special demand and one ASD (C&I) child
//! in West's mainstream, the same in January 2025 and 2026, costed for 2025-26 (one financial
//! year: 5/12 of the one census year and 7/12 of the other, here equal, at 2025-26 prices).
CostResults cost_one_year(const SufficiencySetup& setup, int special) {
  std::vector<std::int32_t> state(2 * N_STATE_CELLS, 0);
  state[N_STATE_CELLS + cell_index(10, static_cast<int>(Need::SLD),
                                   static_cast<int>(Placement::StateSpecial))] = special;
  state[cell_index(10, static_cast<int>(Need::ASD), static_cast<int>(Placement::Mainstream))] = 1;
  const SufficiencyModel sufficiency(setup);
  SufficiencyResults matched = sufficiency.make_results(1);
  CostModel model(illustrative(), 2025, 1);
  model.use_sufficiency(sufficiency, matched);
  CostResults costs = model.make_results(1);
  auto observer = combine_observers({sufficiency.observers(matched), model.observers(costs)})();
  observer->observe(0, 0, state);
  observer->observe(0, 1, state);
  return costs;
}

int category(std::string_view code) {
  return static_cast<int>(
      std::find(models::DSG_CATEGORY_CODES.begin(), models::DSG_CATEGORY_CODES.end(), code) -
      models::DSG_CATEGORY_CODES.begin());
}

TEST(CostWithSufficiency, PlacesFundedPupilsToppedUpOverflowIndependent) {
  // 5 children, 3 places at 10,000 + 20,000: 3 placed, 2 overflow to independent special at
  // the table's C&L fee of 50,000; the mainstream ASD child at the C&I top-up of 7,500.
  const CostResults r = cost_one_year(one_school(3, 10000, 20000), 5);
  const int special = category("MdSSA"), independent = category("NMISS"),
            mainstream = category("MmSoA");
  EXPECT_NEAR(r.placement_spend[r.index(0, 0, special)], 3 * 10000 + 3 * 20000, 1e-6);
  EXPECT_NEAR(r.children[r.index(0, 0, special)], 3, 1e-12);
  EXPECT_NEAR(r.placement_spend[r.index(0, 0, independent)], 2 * 50000, 1e-6);
  EXPECT_NEAR(r.children[r.index(0, 0, independent)], 2, 1e-12);
  EXPECT_NEAR(r.placement_spend[r.index(0, 0, mainstream)], 7500, 1e-6);
  // Transport: 5 children at 7,000; 3 placed 10 km away and 2 independent at 20 km, 400 a km.
  EXPECT_NEAR(r.transport_children[0], 5, 1e-12);
  EXPECT_NEAR(r.transport_spend[0], 5 * 7000 + (3 * 10 + 2 * 20) * 400, 1e-6);
  // Transport is outside the HNB: the total is placements plus fixed lines only.
  double hnb = 0;
  for (int c = 0; c < models::N_DSG_CATEGORIES; ++c)
    hnb += r.placement_spend[r.index(0, 0, c)] + r.fixed_spend[c];
  EXPECT_NEAR(r.total_spend(0, 0), hnb, 1e-6);
}

TEST(CostWithSufficiency, VacantPlacesStillCostPlaceFunding) {
  // 1 child, 3 places: all three places funded, one top-up.
  const CostResults r = cost_one_year(one_school(3, 10000, 20000), 1);
  EXPECT_NEAR(r.placement_spend[r.index(0, 0, category("MdSSA"))], 3 * 10000 + 20000, 1e-6);
  EXPECT_NEAR(r.children[r.index(0, 0, category("MdSSA"))], 1, 1e-12);
  EXPECT_NEAR(r.placement_spend[r.index(0, 0, category("NMISS"))], 0, 1e-12);
  EXPECT_NEAR(r.transport_spend[0], 7000 + 10 * 400, 1e-6);
}

TEST(CostWithSufficiency, RegisterWithoutFundingUsesTheCostTable) {
  // The table's state special place funding (10,000) and C&L top-up (13,000).
  const CostResults r = cost_one_year(one_school(3, 0, 0), 1);
  EXPECT_NEAR(r.placement_spend[r.index(0, 0, category("MdSSA"))], 3 * 10000 + 13000, 1e-6);
}

TEST(CostWithSufficiency, AwaitingChildrenAreCostedAsElsewhere) {
  SufficiencySetup setup = one_school(3, 10000, 20000);
  setup.overflow = OverflowMode::Awaiting;
  const CostResults r = cost_one_year(setup, 5);
  EXPECT_NEAR(r.placement_spend[r.index(0, 0, category("NMISS"))], 0, 1e-12);
  EXPECT_NEAR(r.placement_spend[r.index(0, 0, category("OTHER"))], 2 * 3000, 1e-6);
}

TEST(CostObserver, CountsSumTownshipsAndMapNeedsToAreas) {
  std::vector<std::int32_t> state(2 * N_STATE_CELLS, 0);
  const int mld = static_cast<int>(Need::MLD), ss = static_cast<int>(Placement::StateSpecial);
  state[cell_index(7, mld, ss)] = 2;
  state[N_STATE_CELLS + cell_index(12, static_cast<int>(Need::SLD), ss)] = 1;
  const PlacementNeedCounts c = count_placement_need(state);
  EXPECT_EQ(c[ss][static_cast<int>(NeedArea::CL)], 3);
  EXPECT_EQ(c[ss][static_cast<int>(NeedArea::CI)], 0);
}

//! Results of 4 runs x 2 years with hand-chosen MmSoA spend, no fixed lines.
CostResults hand_results() {
  CostResults r;
  r.runs = 4;
  r.years = 2;
  r.first_year = 2025;
  r.children.assign(4 * 2 * models::N_DSG_CATEGORIES, 0.0);
  r.placement_spend = r.children;
  r.fixed_spend.assign(2 * models::N_DSG_CATEGORIES, 0.0);
  const double spend[4][2] = {{10, 20}, {12, 8}, {14, 9}, {16, 30}};
  for (int run = 0; run < 4; ++run)
    for (int y = 0; y < 2; ++y) {
      r.children[r.index(run, y, 0)] = 2;
      r.placement_spend[r.index(run, y, 0)] = spend[run][y];
    }
  return r;
}

TEST(FinanceSummary, DeficitQuantilesProbabilityAndPeak) {
  // income 10 a year, opening 1: cumulative per run {1,11}, {3,1}, {5,4}, {7,27}
  const io::FinanceSummary s = io::summarise_finance(hand_results(), {10, 10}, 1.0, 4.5, true);
  ASSERT_EQ(s.deficit.size(), 2u);
  EXPECT_DOUBLE_EQ(s.deficit[0].cumulative.p50, 4.0);  // type 7 median of 1,3,5,7
  EXPECT_DOUBLE_EQ(s.deficit[0].probability_above_threshold, 0.5);
  EXPECT_DOUBLE_EQ(s.deficit[1].probability_above_threshold, 0.5);  // 11 and 27
  EXPECT_DOUBLE_EQ(s.deficit[0].share_peaking, 0.5);                // runs 1 and 2 peak first
  EXPECT_EQ(s.median_peak_year, 2025);                              // lower median of 0,1,0,1
  const io::FinanceRow& mmsoa = s.rows[0];
  EXPECT_EQ(mmsoa.category, "MmSoA");
  EXPECT_DOUBLE_EQ(mmsoa.average_cost.p50, 6.5);  // spend / 2 children: 5, 6, 7, 8
  EXPECT_EQ(s.rows[models::N_DSG_CATEGORIES].category, "TOTAL");
}

TEST(FinanceSummary, WritesBothFiles) {
  const auto dir = std::filesystem::temp_directory_path() / "sendcast_finance_test";
  std::filesystem::create_directories(dir);
  const io::FinanceSummary s = io::summarise_finance(hand_results(), {10, 10}, 1e7, 0, true);
  io::write_finance_csv(dir / "finance.csv", s);
  io::write_deficit_csv(dir / "deficit.csv", s);
  std::ifstream finance(dir / "finance.csv"), deficit(dir / "deficit.csv");
  std::string header, first;
  std::getline(finance, header);
  std::getline(finance, first);
  EXPECT_EQ(first.substr(0, 14), "2025-26,MmSoA,");
  std::getline(deficit, header);
  std::getline(deficit, first);
  EXPECT_EQ(first.substr(0, 14), "2025-26,10,13,");
  EXPECT_NE(first.find(",10000003,"), std::string::npos);  // money in whole pounds
  std::filesystem::remove_all(dir);
}

TEST(FinanceSummary, MillionsForSentences) {
  EXPECT_EQ(io::format_gbp_millions(13.609e6), "\u00a313.609m");
}

TEST(FinanceSummary, NoRunsIsAnError) {
  CostResults r;
  EXPECT_THROW(io::summarise_finance(r, {}, 0, 0, false), std::invalid_argument);
}

}  // namespace
}  // namespace sendcast::sim
