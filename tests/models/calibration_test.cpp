// Calibration on real and synthetic histories: recovery of known rates, shrinkage of thin
// cells, the hindcast on Dudley, and what each origin may see.
#include "models/calibration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "io/data_context.h"
#include "models/history_window.h"
#include "models/trend.h"
#include "sim/demand_simulator.h"
#include "sim/runner.h"

namespace sendcast::models {
namespace {

const io::DataContext& data() {
  static const io::DataContext ctx = io::load_data_context(SENDCAST_SOURCE_DIR "/data");
  return ctx;
}

io::LaHistory history(const std::string& la) {
  return io::build_la_history(data().tables, io::find_area(data().tables.areas, la),
                              &data().population);
}

const io::LaHistory& england() {
  static const io::LaHistory h = history("England");
  return h;
}

double hazard_mean(const ModelParameters& p, int a) {
  return p.leave_alpha[a] / (p.leave_alpha[a] + p.leave_beta[a]);
}

TEST(Calibration, DudleyAt2025UsesEveryBreakdown) {
  CalibrationOptions o;
  const ModelParameters p = calibrate(history("Dudley"), england(), o);
  EXPECT_EQ(p.origin, 2025);
  EXPECT_TRUE(p.needs_known && p.placements_known && p.ages_known && p.leaver_ages_known &&
              p.transitions_known);
  EXPECT_TRUE(p.population_known);
  int total = 0;
  for (auto v : p.initial) total += v;
  EXPECT_EQ(total, 3805);
  // The initial cube meets the published need margin within rounding and IPF tolerance.
  int slcn = 0;
  for (int a = 0; a < N_AGES; ++a)
    for (int q = 0; q < N_PLACEMENTS; ++q)
      slcn += p.initial[cell_index(a, static_cast<int>(Need::SLCN), q)];
  EXPECT_NEAR(slcn, 1286, 15);
  // Ceasing concentrates at the end of schooling.
  EXPECT_GT(hazard_mean(p, 18), 5 * hazard_mean(p, 10));
  for (int a = 0; a < N_AGES; ++a)
    for (int q = 0; q < N_PLACEMENTS; ++q) {
      double row = 0;
      for (double v : p.transition_alpha[a][q]) row += v;
      EXPECT_GT(row, 0) << a << " " << q;
    }
}

TEST(Calibration, EarlierOriginsSeeOnlyWhatWasPublished) {
  CalibrationOptions o;
  o.origin = 2022;
  const ModelParameters p = calibrate(history("Dudley"), england(), o);
  EXPECT_EQ(p.origin, 2022);
  EXPECT_FALSE(p.needs_known);        // needs are published for 2025 only
  EXPECT_FALSE(p.leaver_ages_known);  // ceased plans by age from 2023 on
  EXPECT_TRUE(p.placements_known);    // placement groups from 2019 on
  EXPECT_EQ(p.trend_fit.last_year, 2021);
  EXPECT_EQ(p.joiner_rate_history.rbegin()->first, 2021);
  int total = 0;
  for (auto v : p.initial) total += v;
  EXPECT_EQ(total, 3035);
}

TEST(Calibration, NoLeakageFromLaterRows) {
  // Calibrating at 2022 on the full history, or on a history with every later row removed,
  // gives the same parameters.
  CalibrationOptions o;
  o.origin = 2022;
  const ModelParameters full = calibrate(history("Dudley"), england(), o);
  const ModelParameters cut =
      calibrate(history_as_of(history("Dudley"), 2022), history_as_of(england(), 2022), o);
  EXPECT_EQ(full.initial, cut.initial);
  EXPECT_EQ(full.net_flow_mean, cut.net_flow_mean);
  EXPECT_EQ(full.trend_fit.growth, cut.trend_fit.growth);
  EXPECT_EQ(full.joiner_age_alpha, cut.joiner_age_alpha);
}

TEST(Calibration, AnAgeWithNoObservedLeaversGetsASmallPositiveRate) {
  io::LaHistory h = history("Dudley");
  // Remove every ceasing at age 7 from the LA's data.
  for (auto& [year, flow] : h.ceased)
    for (auto& row : flow.by_age)
      if (row.ages.min == 7 && row.ages.max == 7) row.total = 0;
  const ModelParameters p = calibrate(h, england(), {});
  const double rate = hazard_mean(p, 6);  // ceased at 7 = census age 6
  EXPECT_GT(rate, 0.0);
  EXPECT_LT(rate, 0.05);
}

//! One year simulated from known hazards by the engine itself (no joiners, no moves, no net
//! flow, 4,000 children at each age 3-24), published as a history: January 2024 and 2025 by
//! single age, and 2024's ceased plans by age at ceasing (census age + 1), as SEN2 publishes
//! them. `moved_in(age, children)` more children are added to January 2025's `children` at each
//! age: plans moving in from other LAs, which no ceasing explains; a negative number takes
//! children away, counted in 2024's ceased total but not by age (age unrecorded).
struct SyntheticYear {
  std::array<double, N_AGES> hazard{};
  io::LaHistory history;
};

template <typename MovedIn>
SyntheticYear synthetic_year(MovedIn moved_in) {
  SyntheticYear out;
  ModelParameters truth;
  truth.la_code = "E0SYNTH";
  truth.la_name = "Synthshire";
  truth.origin = 2024;
  truth.leaver_ages_known = truth.needs_known = truth.placements_known = truth.ages_known = true;
  truth.initial.assign(N_STATE_CELLS, 0);
  auto& hazard = out.hazard;
  for (int a = 3; a <= 24; ++a) {
    hazard[a] = a < 16 ? 0.02 : (a < 19 ? 0.25 : 0.5);
    truth.initial[cell_index(a, static_cast<int>(Need::ASD),
                             static_cast<int>(Placement::Mainstream))] = 4000;
  }
  for (int a = 0; a < N_AGES; ++a) {
    truth.leave_alpha[a] = hazard[a] * 1e7 + 1e-9;  // effectively fixed at the truth
    truth.leave_beta[a] = (1 - hazard[a]) * 1e7 + 1e-9;
    for (int q = 0; q < N_PLACEMENTS; ++q) {
      truth.transition_alpha[a][q].fill(1e-9);
      truth.transition_alpha[a][q][q] = 1.0;
    }
    truth.joiner_age_alpha[a] = 1.0;
    truth.joiner_mix[a].fill(1.0 / (N_NEEDS * N_PLACEMENTS));
  }
  truth.leave_relative_risk.fill(1.0);
  truth.townships = {"all"};
  truth.township_shares = {1.0};
  truth.trend_fit.level = -50;  // no joiners
  truth.population_ratio.assign(2, {});
  sim::RunObserver* none = nullptr;
  const sim::DemandSimulator sim(truth, sim::DemandLevers::none(1), 1, 99);
  std::vector<std::int32_t> out_rows(static_cast<std::size_t>(sim.years()) *
                                     sim.layout().columns());
  std::vector<std::int32_t> after;
  sim.simulate(0, out_rows.data(), &after, none);

  io::LaHistory& h = out.history;
  h.area = {"E0SYNTH", "999", "Synthshire", "Nowhere", "Local authority"};
  std::int64_t before_total = 0, after_total = 0, removed = 0;
  for (int a = 0; a < N_AGES; ++a) {
    std::int64_t n0 = truth.initial[cell_index(a, 0, 0)];
    std::int64_t n1 = after[cell_index(a, 0, 0)];
    const std::int64_t moved = std::llround(moved_in(a, static_cast<double>(n1)));
    n1 += moved;
    removed -= std::min<std::int64_t>(moved, 0);
    before_total += n0, after_total += n1;
    io::AgeRow r0{{a, a}, n0, {}, {}}, r1{{a, a}, n1, {}, {}};
    r0.placement[0] = n0, r1.placement[0] = n1;
    for (int q = 1; q < N_PLACEMENTS; ++q) r0.placement[q] = 0, r1.placement[q] = 0;
    h.caseload_by_age[2024].push_back(r0);
    h.caseload_by_age[2025].push_back(r1);
  }
  h.caseload[2024] = before_total;
  h.caseload[2025] = after_total;
  for (int year : {2024, 2025}) {  // bands from the single ages, as build_la_history makes them
    std::array<io::Count, N_AGE_BANDS> bands;
    bands.fill(std::int64_t{0});
    for (const io::AgeRow& row : h.caseload_by_age[year])
      bands[age_band(row.ages.min)] = *bands[age_band(row.ages.min)] + *row.total;
    h.caseload_by_band[year] = bands;
  }
  std::int64_t ceased_total = removed;  // children taken away: ceased, their ages unrecorded
  for (int a = 0; a < MAX_AGE; ++a) {
    const std::int64_t ceased = truth.initial[cell_index(a, 0, 0)] - after[cell_index(a + 1, 0, 0)];
    h.ceased[2024].by_age.push_back({{a + 1, a + 1}, ceased, {}, {}});
    ceased_total += ceased;
  }
  h.ceased[2024].total = ceased_total;
  h.new_plans[2023] = 1;
  h.new_plans[2024] = 1;
  return out;
}

ModelParameters calibrate_at_2025(const io::LaHistory& h) {
  CalibrationOptions o;
  o.origin = 2025;
  o.leaver_prior_exposure = 1;  // let the data speak
  return calibrate(h, h, o);
}

bool has_note(const ModelParameters& p, const std::string& text) {
  return std::any_of(p.data_warnings.begin(), p.data_warnings.end(),
                     [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

TEST(Calibration, RecoversKnownCeasingHazards) {
  const SyntheticYear year = synthetic_year([](int, double) { return 0.0; });
  const ModelParameters fitted = calibrate_at_2025(year.history);
  for (int a = 3; a < 24; ++a) {
    const double h = year.hazard[a], se = std::sqrt(h * (1 - h) / 4000);
    EXPECT_NEAR(hazard_mean(fitted, a), h, 4 * se + 1e-3) << "age " << a;
  }
}

//! Plans moving in from other LAs, 3 % at every age, are the LA's net flow, not a sign that its
//! published ceasing was overcounted: the hazards stay at the truth, and the net flow is an
//! inflow. Read as overcounted ceasing, the inflow would zero the hazards of the bands where
//! few plans cease (2 % a year here).
TEST(Calibration, PlansMovingInAreNetFlowNotLessCeasing) {
  const SyntheticYear year = synthetic_year([](int, double n) { return 0.03 * n; });
  const ModelParameters fitted = calibrate_at_2025(year.history);
  for (int a = 3; a < 24; ++a) {
    const double h = year.hazard[a], se = std::sqrt(h * (1 - h) / 4000);
    EXPECT_NEAR(hazard_mean(fitted, a), h, 4 * se + 2e-3) << "age " << a;
  }
  // The bands' own noise may still temper a little (the stocks are one simulated year).
  for (int scale = 0; scale < 90; ++scale) {
    char text[32];
    std::snprintf(text, sizeof text, "scaled by 0.%02d", scale);
    EXPECT_FALSE(has_note(fitted, text)) << text;
  }
  for (int b = 1; b < N_AGE_BANDS; ++b) EXPECT_GT(fitted.net_flow_mean[b], 0.0) << "band " << b;
}

//! The LA's transfers in come from its published totals (January 2025 less 2024, less new plus
//! ceased plans), not from the bands' own balances: here ages 20-25 lose a fifth more than
//! their ceasing by age says, which netted against the 3 % moving in elsewhere would leave
//! the younger bands no share and zero their hazards.
TEST(Calibration, TransfersInComeFromThePublishedTotals) {
  const SyntheticYear year =
      synthetic_year([](int a, double n) { return a < 20 ? 0.03 * n : -0.2 * n; });
  const ModelParameters fitted = calibrate_at_2025(year.history);
  for (int a = 3; a < 15; ++a) {
    const double h = year.hazard[a], se = std::sqrt(h * (1 - h) / 4000);
    EXPECT_NEAR(hazard_mean(fitted, a), h, 4 * se + 2e-3) << "age " << a;
  }
}

//! A band that gains more than its share of the LA's gain (here ages 20-25 only, as where
//! "ceased at 20 and over" counts more than the stocks lost) still has the hazards feeding it
//! scaled down, and says so.
TEST(Calibration, ABandGainingBeyondItsShareHasItsCeasingTempered) {
  const SyntheticYear year = synthetic_year([](int a, double) { return a >= 20 ? 600.0 : 0.0; });
  const ModelParameters fitted = calibrate_at_2025(year.history);
  EXPECT_TRUE(has_note(fitted, "ceasing hazards feeding ages 20-25 scaled by"));
  for (int a = 19; a < 24; ++a) EXPECT_LT(hazard_mean(fitted, a), 0.9 * year.hazard[a]) << a;
  for (int a = 3; a < 15; ++a)
    EXPECT_NEAR(hazard_mean(fitted, a), year.hazard[a], 0.01) << "age " << a;
}

//! A plan started at age a in year t is counted at census age a - 1 or a the next January,
//! half each (England's 2024 -> 2025 cohorts; see spread_new_plans).
TEST(Calibration, NewPlansJoinAtTheirStartAgeOrAYearYounger) {
  SyntheticYear year = synthetic_year([](int, double) { return 0.0; });
  io::LaHistory& h = year.history;
  io::AgeRow row{{10, 10}, 500, {}, {}};
  h.new_plans_by_age[2024].push_back(row);
  h.new_plans[2024] = 500;
  const ModelParameters fitted = calibrate_at_2025(h);
  const auto& alpha = fitted.joiner_age_alpha;
  EXPECT_NEAR(alpha[9], alpha[10], 1e-6);
  EXPECT_GT(alpha[9], 250.0);  // half the 500, and the prior's half of its 50
  EXPECT_LT(alpha[11], 1.0);
  EXPECT_LT(alpha[8], 1.0);
}

TEST(Trend, RecoversAKnownDrift) {
  std::map<int, double> series;
  double level = 400;
  for (int y = 2010; y <= 2024; ++y) {
    series[y] = level;
    level *= std::exp(0.06 + (y % 2 ? 0.02 : -0.02));  // alternating noise around 6%
  }
  const auto fit = fit_log_linear(series, 9);
  ASSERT_TRUE(fit);
  EXPECT_EQ(fit->last_year, 2024);
  EXPECT_NEAR(fit->growth, 0.06, 2 * fit->growth_se + 0.005);
  EXPECT_GT(fit->residual_sd, 0.015);
  EXPECT_DOUBLE_EQ(fit->level, std::log(series.at(2024)));
}

TEST(Trend, ProjectionModels) {
  TrendSpec s;
  s.model = TrendModel::Damped;
  s.damping = 0.5;
  EXPECT_DOUBLE_EQ(projected_growth(s, 0.1, 0.0, 1), 0.05);
  EXPECT_DOUBLE_EQ(projected_growth(s, 0.1, 0.0, 2), 0.025);
  s.model = TrendModel::Continue;
  EXPECT_DOUBLE_EQ(projected_growth(s, 0.1, 0.0, 7), 0.1);
  s.model = TrendModel::Flat;
  EXPECT_DOUBLE_EQ(projected_growth(s, 0.1, 0.0, 1), 0.0);
  s.model = TrendModel::ConvergeToEngland;
  s.converge_years = 4;
  EXPECT_DOUBLE_EQ(projected_growth(s, 0.1, 0.02, 2), 0.06);
  EXPECT_DOUBLE_EQ(projected_growth(s, 0.1, 0.02, 9), 0.02);
  EXPECT_FALSE(fit_log_linear({}, 6).has_value());
}

TEST(Calibration, OutlyingNewPlansAreSetAsideAndReported) {
  CalibrationOptions o;
  o.origin = 2024;
  const ModelParameters p = calibrate(history("Wakefield"), england(), o);  // 6,078 in 2022
  int about_2022 = 0;
  for (const auto& w : p.data_warnings)
    about_2022 += w.find("new plans in 2022") != std::string::npos;
  EXPECT_EQ(about_2022, 1);
  EXPECT_EQ(p.joiner_rate_history.count(2022), 0u);
  EXPECT_LT(p.trend_fit.residual_sd, 0.5);
}

TEST(Calibration, NoCaseloadAtOriginIsAClearError) {
  CalibrationOptions o;
  o.origin = 2005;
  EXPECT_THROW(calibrate(history("Dudley"), england(), o), InputError);
}

//! Calibrated only on data to January 2022, Dudley's 90% interval for January 2025 contains
//! the published 3,805.
TEST(Hindcast, DudleyFrom2022Contains2025) {
  CalibrationOptions o;
  o.origin = 2022;
  o.horizon = 3;
  const ModelParameters p = calibrate(history("Dudley"), england(), o);
  const sim::DemandSimulator sim(p, sim::DemandLevers::none(3), 3, 20250123);
  const sim::RunResults r = sim::run_monte_carlo(sim, 1000, 0);
  std::vector<double> totals = r.column(3, r.layout.total());
  std::sort(totals.begin(), totals.end());
  const double p05 = totals[50], p50 = totals[500], p95 = totals[949];
  EXPECT_LE(p05, 3805);
  EXPECT_GE(p95, 3805);
  std::printf(
      "[hindcast] Dudley from 2022: January 2025 median %.0f (90%%: %.0f to %.0f), actual 3805, "
      "error %+.1f%%\n",
      p50, p05, p95, 100 * (p50 / 3805 - 1));
}

}  // namespace
}  // namespace sendcast::models
