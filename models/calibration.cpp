#include "models/calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>

#include "io/error.h"
#include "models/history_window.h"
#include "models/ipf.h"

namespace sendcast::models {

namespace {

using AgeVector = std::array<double, N_AGES>;
constexpr int ELSEWHERE = static_cast<int>(Placement::Elsewhere);
constexpr int OTH = static_cast<int>(Need::OTH);

// ---------------------------------------------------------------------------------------------
// Ages: published rows cover ranges ("under 3", "age 20 and over"); spread them over single
// years with a shape. Under-3 plans are mostly at age 2: 1:3:6 over ages 0, 1, 2 (assumption).

AgeVector default_shape() {
  AgeVector w;
  w.fill(1.0);
  w[0] = 0.1, w[1] = 0.3, w[2] = 0.6;
  return w;
}

//! Adds `value` spread over [range] by `shape` into `out` (scaled by `scale` per age).
template <typename Add>
void spread(const AgeRange& range, double value, const AgeVector& shape, Add add) {
  double total = 0;
  for (int a = range.min; a <= std::min(range.max, MAX_AGE); ++a) total += shape[a];
  for (int a = range.min; a <= std::min(range.max, MAX_AGE); ++a)
    add(a, total > 0 ? value * shape[a] / total : value / (range.max - range.min + 1));
}

//! New plans are published by age at the plan's start date, the caseload by current age in the
//! January census. A plan started at age a during year t is counted at census
//! age a - 1 or a in January t + 1, about half each. England's 2024 -> 2025 cohorts bear this
//! out: the children aged 4 in January 2025 less those aged 3 in January 2024 are 17,900, against
//! 13,200 for half of 2024's starts at 4 and half of those at 5 (7,700 for half at 3 and half at
//! 4); at age 6, 7,000 against 7,300 (10,400); at age 12, 3,900 against 5,000 (6,700).
template <typename Add>
void spread_new_plans(const AgeRange& range, double value, const AgeVector& shape, Add add) {
  spread({std::max(range.min - 1, 0), std::max(range.max - 1, 0)}, value / 2, shape, add);
  spread(range, value / 2, shape, add);
}

double value_or(const io::Count& c, double fallback = 0) {
  return c ? static_cast<double>(*c) : fallback;
}

//! Ages of a set of rows expanded to single years (totals only).
AgeVector expand_totals(const std::vector<io::AgeRow>& rows, const AgeVector& shape,
                        int shift = 0) {
  AgeVector out{};
  for (const auto& r : rows) {
    AgeRange range{std::max(0, r.ages.min + shift), std::min(MAX_AGE, r.ages.max + shift)};
    if (range.min > range.max) continue;
    spread(range, value_or(r.total), shape, [&](int a, double v) { out[a] += v; });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Initial state: age x need x placement at the origin, raked (IPF) to the published margins.

//! Which placements a child of each age can be in when the data give no age x placement.
double structural_seed(int age, int placement) {
  switch (static_cast<Placement>(placement)) {
    case Placement::Mainstream:
    case Placement::StateSpecial:
    case Placement::IndependentSpecial:
      return age >= 2 && age <= 19 ? 1 : 0;
    case Placement::ResourcedProvision:
      return age >= 3 && age <= 19 ? 1 : 0;
    case Placement::AlternativeProvision:
      return age >= 5 && age <= 17 ? 1 : 0;
    case Placement::PostSixteenFe:
    case Placement::SpecialistPostSixteen:
      return age >= 16 ? 1 : 0;
    case Placement::Elsewhere:
      return 1;
  }
  return 1;
}

AgeVector age_margin(const io::LaHistory& h, int origin, bool& single_ages) {
  single_ages = false;
  if (auto it = h.caseload_by_age.find(origin);
      it != h.caseload_by_age.end() && !it->second.empty()) {
    single_ages = true;
    return expand_totals(it->second, default_shape());
  }
  AgeVector out{};
  if (auto it = h.caseload_by_band.find(origin); it != h.caseload_by_band.end()) {
    for (int b = 0; b < N_AGE_BANDS; ++b)
      spread({AGE_BAND_MIN[b], AGE_BAND_MAX[b]}, value_or(it->second[b]), default_shape(),
             [&](int a, double v) { out[a] += v; });
    return out;
  }
  // Only a total: spread over school ages 2-19 (a last resort, flagged by ages_known = false).
  spread({2, 19}, value_or(h.caseload.at(origin)), default_shape(),
         [&](int a, double v) { out[a] += v; });
  return out;
}

Cube initial_cube(const io::LaHistory& h, int origin, ModelParameters& p) {
  const double total = value_or(h.caseload.at(origin));
  bool single = false;
  const AgeVector ages = age_margin(h, origin, single);
  p.ages_known = single;
  const auto age_rows = h.caseload_by_age.find(origin);
  bool age_x_placement = single && age_rows != h.caseload_by_age.end();
  if (age_x_placement) {
    double published = 0;
    for (const auto& r : age_rows->second)
      for (const auto& c : r.placement) published += value_or(c);
    age_x_placement = published > 0;
  }
  const auto placement_totals = h.caseload_by_placement.find(origin);
  p.placements_known = placement_totals != h.caseload_by_placement.end();
  const auto need_age = h.caseload_need_by_age.find(origin);
  const auto need_placement = h.caseload_need_by_placement.find(origin);
  p.needs_known = need_age != h.caseload_need_by_age.end() && !need_age->second.empty();
  // A breakdown whose every cell is suppressed or zero says nothing: treat it as unpublished.
  if (p.needs_known) {
    double published = 0;
    for (const auto& r : need_age->second)
      for (const auto& c : r.need) published += value_or(c);
    p.needs_known = published > 0;
  }
  if (p.placements_known && !(io::sum_known(placement_totals->second).value_or(0) > 0))
    p.placements_known = false;

  Cube seed(N_AGES, N_NEEDS, N_PLACEMENTS, 0.0);
  for (int a = 0; a < N_AGES; ++a)
    for (int n = 0; n < N_NEEDS; ++n)
      for (int q = 0; q < N_PLACEMENTS; ++q) {
        const bool need_ok = p.needs_known || n == OTH;
        const bool placement_ok = p.placements_known || q == ELSEWHERE;
        seed.at(a, n, q) =
            need_ok && placement_ok ? (age_x_placement ? 1.0 : structural_seed(a, q)) : 0.0;
        if (!p.placements_known && q == ELSEWHERE && need_ok) seed.at(a, n, q) = 1.0;
      }

  IpfMargins margins;
  // Age x placement: published (2024 on), or the age margin alone with placement totals.
  Eigen::ArrayXXd age_place = Eigen::ArrayXXd::Constant(N_AGES, N_PLACEMENTS, std::nan(""));
  if (age_x_placement) {
    age_place.setZero();
    for (const auto& r : age_rows->second)
      for (int q = 0; q < N_PLACEMENTS; ++q)
        spread(r.ages, value_or(r.placement[q]), default_shape(),
               [&](int a, double v) { age_place(a, q) += v; });
    margins.dims02 = age_place;
  } else {
    // Unknown cells (NaN) are not constrained; the age totals are imposed through need x age
    // or, when needs are unknown too, through the OTH row.
    Eigen::ArrayXXd age_need = Eigen::ArrayXXd::Zero(N_AGES, N_NEEDS);
    if (!p.needs_known)
      for (int a = 0; a < N_AGES; ++a) age_need(a, OTH) = ages[a];
    if (!p.needs_known) margins.dims01 = age_need;
  }
  if (p.needs_known) {
    Eigen::ArrayXXd age_need = Eigen::ArrayXXd::Zero(N_AGES, N_NEEDS);
    for (const auto& r : need_age->second)
      for (int n = 0; n < N_NEEDS; ++n)
        spread(r.ages, value_or(r.need[n]), default_shape(),
               [&](int a, double v) { age_need(a, n) += v; });
    margins.dims01 = age_need;
  }
  Eigen::ArrayXXd need_place = Eigen::ArrayXXd::Zero(N_NEEDS, N_PLACEMENTS);
  if (p.needs_known && need_placement != h.caseload_need_by_placement.end()) {
    for (int q = 0; q < N_PLACEMENTS; ++q)
      for (int n = 0; n < N_NEEDS; ++n) need_place(n, q) = value_or(need_placement->second[q][n]);
    margins.dims12 = need_place;
  } else if (p.placements_known) {
    // Placement totals only: put them in one need row (OTH when needs are unknown), or leave
    // the need split to the need x age margin by constraining only column totals via NaN rows.
    need_place.setConstant(std::nan(""));
    if (!p.needs_known) {
      need_place.setZero();
      for (int q = 0; q < N_PLACEMENTS; ++q)
        need_place(OTH, q) = value_or(placement_totals->second[q]);
      margins.dims12 = need_place;
    }
  }
  IpfOptions options;
  options.target_total = total;
  return ipf_fit(seed, margins, options).fitted;
}

// ---------------------------------------------------------------------------------------------
// Leavers.

//! Census age of a plan that ceased at (actual) age `c`: most plans cease at the end of an
//! academic year, when the child is one year older than their census age (age at 31 August).
constexpr int CEASED_AGE_SHIFT = -1;

struct Exposure {
  AgeVector events{};
  AgeVector exposure{};
  bool any = false;
};

Exposure ceased_by_age(const io::LaHistory& h) {
  Exposure e;
  for (const auto& [year, flow] : h.ceased) {
    const auto stock = h.caseload_by_age.find(year);  // January of the same calendar year
    if (flow.by_age.empty() || stock == h.caseload_by_age.end()) continue;
    const AgeVector s = expand_totals(stock->second, default_shape());
    // "age 20 and over" spreads over census ages 19..24 in proportion to the stock there.
    AgeVector shape = s;
    for (double& v : shape) v = std::max(v, 1e-9);
    const AgeVector ev = expand_totals(flow.by_age, shape, CEASED_AGE_SHIFT);
    for (int a = 0; a < N_AGES; ++a) {
      e.events[a] += std::min(ev[a], s[a]);
      e.exposure[a] += s[a];
    }
    e.any = true;
  }
  return e;
}

void calibrate_leavers(const io::LaHistory& h, const io::LaHistory& england,
                       const CalibrationOptions& o, ModelParameters& p) {
  const Exposure la = ceased_by_age(h);
  const Exposure en = ceased_by_age(england);
  p.leaver_ages_known = la.any || en.any;
  for (int a = 0; a < N_AGES; ++a) {
    if (!p.leaver_ages_known) continue;  // alpha 0: hazard 0, net_flow carries all leaving
    // Beta-binomial shrinkage: England's rate as the prior mean with `leaver_prior_exposure`
    // pseudo person-years, so an age with no observed leavers still gets a small positive rate.
    const double prior =
        en.any && en.exposure[a] > 0 ? std::clamp(en.events[a] / en.exposure[a], 1e-4, 0.95) : 0.05;
    const double k = o.leaver_prior_exposure;
    p.leave_alpha[a] = k * prior + la.events[a];
    p.leave_beta[a] = k * (1 - prior) + std::max(0.0, la.exposure[a] - la.events[a]);
  }
  // Relative risk by placement, indirectly standardised for age (observed / expected ceasings
  // given the age hazards), shrunk toward 1 with `relative_risk_prior` expected events.
  p.leave_relative_risk.fill(1.0);
  if (!p.leaver_ages_known) return;
  std::array<double, N_PLACEMENTS> observed{}, expected{};
  for (const auto& [year, flow] : h.ceased) {
    const auto stock = h.caseload_by_age.find(year);
    if (stock == h.caseload_by_age.end()) continue;
    for (const auto& row : stock->second)
      for (int q = 0; q < N_PLACEMENTS; ++q)
        spread(row.ages, value_or(row.placement[q]), default_shape(), [&](int a, double v) {
          expected[q] += v * p.leave_alpha[a] / (p.leave_alpha[a] + p.leave_beta[a]);
        });
    for (int q = 0; q < N_PLACEMENTS; ++q) observed[q] += value_or(flow.by_placement[q]);
  }
  double obs_total = 0, exp_total = 0;
  for (int q = 0; q < N_PLACEMENTS; ++q) obs_total += observed[q], exp_total += expected[q];
  if (obs_total <= 0 || exp_total <= 0) return;
  // Published placement splits of ceased plans omit some groups; scale so the rates average 1.
  const double scale = exp_total / obs_total;
  const double k = o.relative_risk_prior;
  for (int q = 0; q < N_PLACEMENTS; ++q)
    p.leave_relative_risk[q] = (observed[q] * scale + k) / (expected[q] + k);
  // Reasons, for reporting.
  std::map<std::string, double> reasons;
  for (const auto& [year, flow] : h.ceased)
    for (const auto& [reason, count] : flow.by_reason) reasons[reason] += value_or(count);
  double total = 0;
  for (const auto& [r, v] : reasons) total += v;
  if (total > 0)
    for (const auto& [r, v] : reasons)
      p.leave_reasons.push_back(r), p.leave_reason_shares.push_back(v / total);
}

double mean_hazard(const ModelParameters& p, int a) {
  if (p.leave_alpha[a] <= 0) return 0;
  return p.leave_alpha[a] / (p.leave_alpha[a] + p.leave_beta[a]);
}

// ---------------------------------------------------------------------------------------------
// Placement transitions on ageing, by minimum movement between consecutive age x placement
// snapshots: as many children as possible stay where they were; the change in a cohort's
// placement mix is made by moving the surplus of shrinking placements to growing ones in
// proportion. Estimated moves concentrate where the mix changes: the phase transfers.

using PlacementByAge = std::array<std::array<double, N_PLACEMENTS>, N_AGES>;

std::optional<PlacementByAge> age_placement(const io::LaHistory& h, int year) {
  auto it = h.caseload_by_age.find(year);
  if (it == h.caseload_by_age.end() || it->second.empty()) return std::nullopt;
  PlacementByAge out{};
  for (const auto& row : it->second)
    for (int q = 0; q < N_PLACEMENTS; ++q)
      spread(row.ages, value_or(row.placement[q]), default_shape(),
             [&](int a, double v) { out[a][q] += v; });
  return out;
}

std::optional<PlacementByAge> new_plan_placement(const io::LaHistory& h, int year) {
  auto it = h.new_plans_by_age.find(year);
  if (it == h.new_plans_by_age.end() || it->second.empty()) return std::nullopt;
  PlacementByAge out{};
  for (const auto& row : it->second)
    for (int q = 0; q < N_PLACEMENTS; ++q)
      spread_new_plans(row.ages, value_or(row.placement[q]), default_shape(),
                       [&](int a, double v) { out[a][q] += v; });
  return out;
}

//! Minimum-movement flows from the survivors of `before` at each age a to `after` at a + 1
//! (less that year's joiners, when known).
std::array<PlacementMatrix, N_AGES> minimum_movement(const PlacementByAge& before,
                                                     const PlacementByAge& after,
                                                     const std::optional<PlacementByAge>& joiners,
                                                     const ModelParameters& p) {
  std::array<PlacementMatrix, N_AGES> flows{};
  for (int a = 0; a < MAX_AGE; ++a) {
    std::array<double, N_PLACEMENTS> x{}, y{};
    double sx = 0, sy = 0;
    for (int q = 0; q < N_PLACEMENTS; ++q) {
      x[q] = before[a][q] * (1 - mean_hazard(p, a) * p.leave_relative_risk[q]);
      y[q] = std::max(0.0, after[a + 1][q] - (joiners ? (*joiners)[a + 1][q] : 0.0));
      sx += x[q], sy += y[q];
    }
    if (sx <= 0) continue;
    if (sy <= 0) y = x, sy = sx;
    for (double& v : y) v *= sx / sy;
    double deficit_total = 0;
    std::array<double, N_PLACEMENTS> surplus{}, deficit{};
    for (int q = 0; q < N_PLACEMENTS; ++q) {
      const double stay = std::min(x[q], y[q]);
      flows[a][q][q] = stay;
      surplus[q] = x[q] - stay;
      deficit[q] = y[q] - stay;
      deficit_total += deficit[q];
    }
    if (deficit_total <= 0) continue;
    for (int from = 0; from < N_PLACEMENTS; ++from)
      for (int to = 0; to < N_PLACEMENTS; ++to)
        flows[a][from][to] += surplus[from] * deficit[to] / deficit_total;
  }
  return flows;
}

std::optional<std::array<PlacementMatrix, N_AGES>> minimum_movement_flows(
    const io::LaHistory& h, int origin, const ModelParameters& p) {
  const auto before = age_placement(h, origin - 1);
  const auto after = age_placement(h, origin);
  if (!before || !after) return std::nullopt;
  return minimum_movement(*before, *after, new_plan_placement(h, origin - 1), p);
}

//! Without two age x placement snapshots, the origin's own cross-section stands in for a
//! cohort's path: a child moves as the placement mix changes from one age to the next at the
//! origin (the usual period assumption of cohort-component models). At the phase transfers
//! this moves 15-year-olds into post-16 settings rather than keeping them at school for ever.
std::array<PlacementMatrix, N_AGES> cross_section_flows(const Cube& initial,
                                                        const ModelParameters& p) {
  PlacementByAge section{};
  for (int a = 0; a < N_AGES; ++a)
    for (int n = 0; n < N_NEEDS; ++n)
      for (int q = 0; q < N_PLACEMENTS; ++q) section[a][q] += initial.at(a, n, q);
  return minimum_movement(section, section, std::nullopt, p);
}

void calibrate_transitions(const io::LaHistory& h, const io::LaHistory& england,
                           const CalibrationOptions& o, const Cube& initial, ModelParameters& p) {
  auto la = minimum_movement_flows(h, p.origin, p);
  const auto en = minimum_movement_flows(england, p.origin, p);
  if (!la && p.placements_known) {
    la = cross_section_flows(initial, p);
    p.data_warnings.push_back(
        "no age x placement history before the origin: placement moves on ageing follow the "
        "origin's placement mix "
        "by age");
  }
  p.transitions_known = la.has_value();  // rows to draw from (else placements persist)
  for (int a = 0; a < N_AGES; ++a)
    for (int from = 0; from < N_PLACEMENTS; ++from) {
      auto& row = p.transition_alpha[a][from];
      row.fill(0.0);
      if (!la) {
        row[from] = 1.0;  // no age x placement history: placements persist (flagged)
        continue;
      }
      // Prior row: England's flows normalised, else staying put.
      std::array<double, N_PLACEMENTS> prior{};
      double en_total = 0;
      if (en)
        for (int to = 0; to < N_PLACEMENTS; ++to) en_total += (*en)[a][from][to];
      for (int to = 0; to < N_PLACEMENTS; ++to)
        prior[to] = en_total > 0 ? (*en)[a][from][to] / en_total : (to == from ? 1.0 : 0.0);
      for (int to = 0; to < N_PLACEMENTS; ++to)
        row[to] = (*la)[a][from][to] + o.transition_prior_weight * prior[to] + 1e-3 * (to == from);
    }
}

// ---------------------------------------------------------------------------------------------
// Joiners.

AgeVector joiner_age_counts(const io::LaHistory& h, int origin, int years) {
  AgeVector out{};
  bool any = false;
  for (const auto& [year, rows] : h.new_plans_by_age) {
    if (year < origin - years) continue;
    for (const auto& row : rows)
      spread_new_plans(row.ages, value_or(row.total), default_shape(),
                       [&](int a, double v) { out[a] += v; });
    any = true;
  }
  if (any) return out;
  // Bands only (before 2022): spread uniformly within each band.
  if (!h.new_plans_by_band.empty()) {
    const auto& [year, bands] = *h.new_plans_by_band.rbegin();
    for (int b = 0; b < N_AGE_BANDS; ++b)
      spread({AGE_BAND_MIN[b], AGE_BAND_MAX[b]}, value_or(bands[b]), default_shape(),
             [&](int a, double v) { out[a] += v; });
  }
  return out;
}

void calibrate_joiner_ages(const io::LaHistory& h, const io::LaHistory& england,
                           const CalibrationOptions& o, ModelParameters& p) {
  const AgeVector la = joiner_age_counts(h, p.origin, 3);
  const AgeVector en = joiner_age_counts(england, p.origin, 3);
  const double en_total = std::accumulate(en.begin(), en.end(), 0.0);
  const double la_total = std::accumulate(la.begin(), la.end(), 0.0);
  for (int a = 0; a < N_AGES; ++a) {
    const double prior =
        en_total > 0 ? en[a] / en_total : (la_total > 0 ? la[a] / la_total : 1.0 / N_AGES);
    p.joiner_age_alpha[a] = la[a] + o.joiner_age_prior_weight * prior + 1e-3;
  }
}

//! Observed counts shrunk toward a prior mix with `k` pseudo-counts: the stock's mix at this
//! age, else the overall mix, else uniform. Returns probabilities.
template <std::size_t N>
std::array<double, N> shrunk_mix(const std::array<double, N>& observed,
                                 const std::array<double, N>& stock,
                                 const std::array<double, N>& overall, double k) {
  const double st = std::accumulate(stock.begin(), stock.end(), 0.0);
  const double ov = std::accumulate(overall.begin(), overall.end(), 0.0);
  std::array<double, N> out{};
  double total = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const double prior = st > 0 ? stock[i] / st : (ov > 0 ? overall[i] / ov : 1.0 / N);
    out[i] = observed[i] + k * prior;
    total += out[i];
  }
  for (double& v : out) v = total > 0 ? v / total : 1.0 / N;
  return out;
}

//! Need x placement mix of joiners by age: published new-plan need x age and placement x age
//! mixes (independence assumed between them), shrunk toward the initial caseload's mix at that
//! age, which also fills ages and breakdowns the data do not publish.
void calibrate_joiner_mix(const io::LaHistory& h, const CalibrationOptions& o, const Cube& initial,
                          ModelParameters& p) {
  PlacementByAge place{};
  for (const auto& [year, rows] : h.new_plans_by_age)
    for (const auto& row : rows)
      for (int q = 0; q < N_PLACEMENTS; ++q)
        spread_new_plans(row.ages, value_or(row.placement[q]), default_shape(),
                         [&](int a, double v) { place[a][q] += v; });
  std::array<std::array<double, N_NEEDS>, N_AGES> need{};
  for (const auto& [year, rows] : h.new_plans_need_by_age)
    for (const auto& row : rows)
      for (int n = 0; n < N_NEEDS; ++n)
        spread_new_plans(row.ages, value_or(row.need[n]), default_shape(),
                         [&](int a, double v) { need[a][n] += v; });
  // Overall initial mix, for ages with no children at the origin.
  std::array<double, N_NEEDS> all_need{};
  std::array<double, N_PLACEMENTS> all_place{};
  for (int a = 0; a < N_AGES; ++a)
    for (int n = 0; n < N_NEEDS; ++n)
      for (int q = 0; q < N_PLACEMENTS; ++q)
        all_need[n] += initial.at(a, n, q), all_place[q] += initial.at(a, n, q);
  for (int a = 0; a < N_AGES; ++a) {
    std::array<double, N_NEEDS> sn{};
    std::array<double, N_PLACEMENTS> sq{};
    for (int n = 0; n < N_NEEDS; ++n)
      for (int q = 0; q < N_PLACEMENTS; ++q)
        sn[n] += initial.at(a, n, q), sq[q] += initial.at(a, n, q);
    const auto need_mix = shrunk_mix(need[a], sn, all_need, o.mix_prior_weight);
    auto place_mix = shrunk_mix(place[a], sq, all_place, o.mix_prior_weight);
    if (!p.placements_known) {
      place_mix.fill(0.0);
      place_mix[ELSEWHERE] = 1.0;
    }
    for (int n = 0; n < N_NEEDS; ++n)
      for (int q = 0; q < N_PLACEMENTS; ++q)
        p.joiner_mix[a][n * N_PLACEMENTS + q] =
            (p.needs_known ? need_mix[n] : (n == OTH ? 1.0 : 0.0)) * place_mix[q];
  }
}

//! Population by age in a calendar year: the projection's mid-year, held flat before its first
//! year and after its last.
AgeVector population_at(const io::LaHistory& h, int year) {
  AgeVector out;
  out.fill(1.0);
  if (h.population.empty()) return out;
  auto it = h.population.lower_bound(year);
  if (it == h.population.end()) it = std::prev(h.population.end());
  return it->second;
}

//! Published flows occasionally carry a clerical error (Wakefield reports 6,078 new plans in
//! 2022 against 424-431 either side, while its caseload grew by 332). A year more than three
//! times, or less than a third of, the median of the two years either side is set aside.
void screen_outliers(std::map<int, double>& series, const std::string& what,
                     std::vector<std::string>& warnings) {
  // One at a time, worst first: an error distorts its neighbours' medians too.
  for (;;) {
    int worst_year = 0;
    double worst = std::log(3.0);
    for (const auto& [year, value] : series) {
      std::vector<double> near;
      for (int y = year - 2; y <= year + 2; ++y)
        if (y != year && series.count(y)) near.push_back(series.at(y));
      if (near.size() < 2 || value <= 0) continue;
      std::sort(near.begin(), near.end());
      const double median = near.size() % 2
                                ? near[near.size() / 2]
                                : (near[near.size() / 2 - 1] + near[near.size() / 2]) / 2;
      const double distance = median > 0 ? std::fabs(std::log(value / median)) : 0;
      if (distance > worst) worst = distance, worst_year = year;
    }
    if (worst_year == 0) return;
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "%s in %d (%.0f) set aside: more than 3 times from the years around it",
                  what.c_str(), worst_year, series.at(worst_year));
    warnings.push_back(buf);
    series.erase(worst_year);
  }
}

void calibrate_trend(const io::LaHistory& h, const io::LaHistory& england,
                     const CalibrationOptions& o, ModelParameters& p) {
  p.population_known = o.use_population && !h.population.empty();
  const int ref = p.origin - 1;
  const AgeVector ref_pop = population_at(h, ref);
  double profile_total = 0;
  for (double v : p.joiner_age_alpha) profile_total += v;
  // Joiners at the reference population relative to year t's: sum_a profile_a * pop_t,a /
  // pop_ref,a.
  auto exposure_ratio = [&](const AgeVector& pop) {
    double r = 0;
    for (int a = 0; a < N_AGES; ++a)
      r += p.joiner_age_alpha[a] / profile_total *
           (p.population_known && ref_pop[a] > 0 ? pop[a] / ref_pop[a] : 1.0);
    return r;
  };
  for (const auto& [year, count] : h.new_plans)
    if (count && *count > 0)
      p.joiner_rate_history[year] = *count / exposure_ratio(population_at(h, year));
  const auto fit = fit_log_linear(p.joiner_rate_history, o.trend.fit_years);
  if (!fit)
    throw InputError({h.area.name}, "no new plans published before " + std::to_string(p.origin) +
                                        ": cannot fit the joiner trend");
  p.trend_fit = *fit;
  p.trend = o.trend;
  std::map<int, double> england_series;
  for (const auto& [year, count] : england.new_plans)
    if (count && *count > 0) england_series[year] = static_cast<double>(*count);
  std::vector<std::string> ignored;
  screen_outliers(england_series, "England new plans", ignored);
  if (const auto e = fit_log_linear(england_series, o.trend.fit_years))
    p.england_growth = e->growth;
  p.population_ratio.assign(o.horizon + 1, AgeVector{});
  for (int step = 0; step <= o.horizon; ++step) {
    const AgeVector pop = population_at(h, ref + step);
    for (int a = 0; a < N_AGES; ++a)
      p.population_ratio[step][a] =
          p.population_known && ref_pop[a] > 0 ? pop[a] / ref_pop[a] : 1.0;
  }
}

// ---------------------------------------------------------------------------------------------
// Net other flow by band: what published stocks say happened beyond modelled ceasing, ageing
// and new plans (transfers between LAs, plans ceasing before age data were published, timing).

std::optional<std::array<double, N_AGE_BANDS>> band_stock(const io::LaHistory& h, int year) {
  auto it = h.caseload_by_band.find(year);
  if (it == h.caseload_by_band.end()) return std::nullopt;
  std::array<double, N_AGE_BANDS> out{};
  for (int b = 0; b < N_AGE_BANDS; ++b) {
    if (!it->second[b]) return std::nullopt;
    out[b] = static_cast<double>(*it->second[b]);
  }
  return out;
}

AgeVector single_ages_at(const io::LaHistory& h, int year,
                         const std::array<double, N_AGE_BANDS>& bands) {
  if (auto it = h.caseload_by_age.find(year); it != h.caseload_by_age.end() && !it->second.empty())
    return expand_totals(it->second, default_shape());
  AgeVector out{};
  for (int b = 0; b < N_AGE_BANDS; ++b)
    spread({AGE_BAND_MIN[b], AGE_BAND_MAX[b]}, bands[b], default_shape(),
           [&](int a, double v) { out[a] += v; });
  return out;
}

std::vector<std::array<double, N_AGE_BANDS>> net_flow_observations(
    const io::LaHistory& h, int origin, const ModelParameters& p,
    std::vector<std::array<double, N_AGE_BANDS>>* leavers_out = nullptr,
    std::vector<std::array<double, N_AGE_BANDS>>* predicted_out = nullptr,
    std::vector<int>* years_out = nullptr) {
  std::vector<std::array<double, N_AGE_BANDS>> out;
  for (int t = origin - 1; t >= origin - 6 && out.size() < 3; --t) {
    const auto s0 = band_stock(h, t);
    const auto s1 = band_stock(h, t + 1);
    const auto joined = h.new_plans.find(t);
    if (!s0 || !s1 || joined == h.new_plans.end() || !joined->second) continue;
    // With ceasing modelled by age, only years whose ceasing was measured the same way can
    // say what remains: ceasing rose sharply after 2022, and applying 2024's hazards to 2021
    // would read the difference as a large inflow.
    if (p.leaver_ages_known) {
      const auto c = h.ceased.find(t);
      if (c == h.ceased.end() || c->second.by_age.empty()) continue;
    }
    const AgeVector ages = single_ages_at(h, t, *s0);
    // New plans in year t by census age: published ages, else bands, else the fitted profile.
    AgeVector j{};
    if (auto it = h.new_plans_by_age.find(t); it != h.new_plans_by_age.end() && !it->second.empty())
      for (const auto& row : it->second)
        spread_new_plans(row.ages, value_or(row.total), default_shape(),
                         [&](int a, double v) { j[a] += v; });
    else if (auto bt = h.new_plans_by_band.find(t); bt != h.new_plans_by_band.end())
      for (int b = 0; b < N_AGE_BANDS; ++b)
        spread({AGE_BAND_MIN[b], AGE_BAND_MAX[b]}, value_or(bt->second[b]), default_shape(),
               [&](int a, double v) { j[a] += v; });
    double jt = 0, total_alpha = 0;
    for (double v : j) jt += v;
    for (double v : p.joiner_age_alpha) total_alpha += v;
    if (jt <= 0)
      for (int a = 0; a < N_AGES; ++a)
        j[a] = static_cast<double>(*joined->second) * p.joiner_age_alpha[a] / total_alpha;
    std::array<double, N_AGE_BANDS> predicted{}, leavers{};
    for (int a = 0; a < MAX_AGE; ++a) {
      predicted[age_band(a + 1)] += ages[a] * (1 - mean_hazard(p, a));
      leavers[age_band(a + 1)] += ages[a] * mean_hazard(p, a);
    }
    for (int a = 0; a < N_AGES; ++a) predicted[age_band(a)] += j[a];
    std::array<double, N_AGE_BANDS> rho{};
    for (int b = 0; b < N_AGE_BANDS; ++b)
      rho[b] =
          predicted[b] > 0 ? std::clamp(((*s1)[b] - predicted[b]) / predicted[b], -0.9, 2.0) : 0.0;
    out.push_back(rho);
    if (leavers_out) leavers_out->push_back(leavers);
    if (predicted_out) predicted_out->push_back(predicted);
    if (years_out) years_out->push_back(t);
  }
  return out;
}

//! Plans the LA gained in `year` beyond its new and ceased plans (moves in from other LAs, less
//! moves out): the published January totals less new plans plus ceased plans; none when any
//! of them is unpublished.
std::optional<double> transfers_in(const io::LaHistory& h, int year) {
  const auto s0 = h.caseload.find(year), s1 = h.caseload.find(year + 1);
  const auto joined = h.new_plans.find(year);
  const auto ceased = h.ceased.find(year);
  if (s0 == h.caseload.end() || s1 == h.caseload.end() || joined == h.new_plans.end() ||
      ceased == h.ceased.end() || !s0->second || !s1->second || !joined->second ||
      !ceased->second.total)
    return std::nullopt;
  return static_cast<double>(*s1->second - *s0->second - *joined->second + *ceased->second.total);
}

//! Where published ceasings imply more leaving than the published stocks allow (a band that
//! would need a net inflow: ceased plans "age 20 and over" can exceed what the January stocks
//! at those ages lost), the ceasing hazards feeding that band are scaled down until the band
//! balances, rather than adding a compensating inflow that would compound year after year.
//! The LA's transfers in are not a sign of overcounted ceasing: each band's share of them, in
//! proportion to the band's size, is left to the net flow. Without the share, a band where few
//! plans cease (ages 0-15) reads the LA's transfers in as all its ceasing overcounted and its
//! hazards go to zero (at the 2025 origin, `forecast-all`: 192 LA x band pairs without the
//! share, 64 with it, 48 of them ages 0-4, where hazards are tiny anyway). The transfers come from
//! the published totals, not from the bands' own balances, which net them against bands the model
//! over-predicts (Dudley 2024 -> 2025: +90 published, +9.5 netted, the 20-25 band 54 under the
//! model).
void temper_hazards_to_stocks(const io::LaHistory& h, ModelParameters& p) {
  if (!p.leaver_ages_known) return;
  std::vector<std::array<double, N_AGE_BANDS>> leavers, predicted;
  std::vector<int> years;
  const auto rho = net_flow_observations(h, p.origin, p, &leavers, &predicted, &years);
  if (rho.empty()) return;
  std::vector<std::array<double, N_AGE_BANDS>> share(rho.size());  // persons, by year and band
  for (std::size_t i = 0; i < rho.size(); ++i) {
    double size = 0, netted = 0;  // persons
    for (int b = 0; b < N_AGE_BANDS; ++b) {
      size += predicted[i][b];
      netted += rho[i][b] * predicted[i][b];
    }
    const double gained = transfers_in(h, years[i]).value_or(netted);
    for (int b = 0; b < N_AGE_BANDS; ++b)
      share[i][b] = gained > 0 && size > 0 ? gained * predicted[i][b] / size : 0.0;
  }
  for (int b = 0; b < N_AGE_BANDS; ++b) {
    double excess = 0,
           leaving = 0;  // persons: what the band gained beyond the model and its share of
                         // the LA's gain; modelled leavers
    for (std::size_t i = 0; i < rho.size(); ++i)
      excess += rho[i][b] * predicted[i][b] - share[i][b], leaving += leavers[i][b];
    if (excess <= 0 || leaving <= 0) continue;
    const double scale = std::max(0.0, 1 - excess / leaving);
    for (int a = 0; a < MAX_AGE; ++a) {
      if (age_band(a + 1) != b) continue;
      const double total = p.leave_alpha[a] + p.leave_beta[a];
      p.leave_alpha[a] = std::max(p.leave_alpha[a] * scale, 1e-3);
      p.leave_beta[a] = total - p.leave_alpha[a];
    }
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "ceasing hazards feeding ages %s scaled by %.2f to match the published stocks",
                  std::string(AGE_BAND_CODES[b]).c_str(), scale);
    p.data_warnings.push_back(buf);
  }
}

void calibrate_net_flow(const io::LaHistory& h, const io::LaHistory& england, ModelParameters& p) {
  const auto la = net_flow_observations(h, p.origin, p);
  const auto en = net_flow_observations(england, p.origin, p);
  for (int b = 0; b < N_AGE_BANDS; ++b) {
    // England's mean as the prior (sd 0.05), the LA's years as data with their own spread:
    // a precision-weighted normal combination.
    double prior_mean = 0, prior_sd = 0.05;
    if (!en.empty()) {
      for (const auto& r : en) prior_mean += r[b] / static_cast<double>(en.size());
    }
    if (la.empty()) {
      p.net_flow_mean[b] = prior_mean;
      p.net_flow_sd[b] = prior_sd;
      p.net_flow_year_sd[b] = 0.03;
      continue;
    }
    double mean = 0;
    for (const auto& r : la) mean += r[b] / static_cast<double>(la.size());
    double var = 0;
    for (const auto& r : la) var += (r[b] - mean) * (r[b] - mean);
    // One year gives no spread: assume 0.03 (3% of the band a year).
    const double sd =
        la.size() > 1 ? std::max(std::sqrt(var / static_cast<double>(la.size() - 1)), 0.01) : 0.03;
    const double data_var = sd * sd / static_cast<double>(la.size());
    const double w_data = 1 / data_var, w_prior = 1 / (prior_sd * prior_sd);
    p.net_flow_mean[b] = (w_data * mean + w_prior * prior_mean) / (w_data + w_prior);
    p.net_flow_sd[b] = std::sqrt(1 / (w_data + w_prior));
    p.net_flow_year_sd[b] = sd;  // the year-to-year spread the LA showed
  }
}

//! Total-level reconciliation. January totals and yearly new plans are published for every
//! year, while ages are not (no single ages before 2024, none at all for 2023), so the band
//! estimates above can rest on old years. Here the model's one-year prediction of the total is
//! compared with the last two published years, and the difference is added to every band's
//! net flow (weights 2:1, latest first); their disagreement widens the uncertainty.
void reconcile_total_net_flow(const io::LaHistory& h, ModelParameters& p) {
  AgeVector origin_shape{};
  for (int a = 0; a < N_AGES; ++a)
    for (int n = 0; n < N_NEEDS; ++n)
      for (int q = 0; q < N_PLACEMENTS; ++q) origin_shape[a] += p.initial[cell_index(a, n, q)];
  const double origin_total = std::accumulate(origin_shape.begin(), origin_shape.end(), 0.0);
  double joiner_alpha_total =
      std::accumulate(p.joiner_age_alpha.begin(), p.joiner_age_alpha.end(), 0.0);
  std::vector<double> deltas;
  for (int t = p.origin - 1; t >= p.origin - 2; --t) {
    const auto s0 = h.caseload.find(t), s1 = h.caseload.find(t + 1);
    const auto joined = h.new_plans.find(t);
    if (s0 == h.caseload.end() || s1 == h.caseload.end() || joined == h.new_plans.end() ||
        !s0->second || !s1->second || !joined->second || origin_total <= 0)
      continue;
    const auto bands = band_stock(h, t);
    AgeVector ages{};
    if (bands) {
      ages = single_ages_at(h, t, *bands);
    } else {
      for (int a = 0; a < N_AGES; ++a)
        ages[a] = origin_shape[a] * static_cast<double>(*s0->second) / origin_total;
    }
    std::array<double, N_AGE_BANDS> predicted{}, leavers{};
    for (int a = 0; a < MAX_AGE; ++a) {
      predicted[age_band(a + 1)] += ages[a] * (1 - mean_hazard(p, a));
      leavers[age_band(a + 1)] += ages[a] * mean_hazard(p, a);
    }
    for (int a = 0; a < N_AGES; ++a)
      predicted[age_band(a)] +=
          static_cast<double>(*joined->second) * p.joiner_age_alpha[a] / joiner_alpha_total;
    double total = 0;
    for (int b = 0; b < N_AGE_BANDS; ++b) total += predicted[b] * (1 + p.net_flow_mean[b]);
    if (total > 0) deltas.push_back((static_cast<double>(*s1->second) - total) / total);
  }
  if (deltas.empty()) return;
  const double delta = deltas.size() == 2 ? (2 * deltas[0] + deltas[1]) / 3 : deltas[0];
  const double spread =
      deltas.size() == 2 ? std::fabs(deltas[0] - deltas[1]) / std::sqrt(2.0) : 0.0;
  for (int b = 0; b < N_AGE_BANDS; ++b) {
    p.net_flow_mean[b] += delta;
    p.net_flow_sd[b] = std::hypot(p.net_flow_sd[b], spread);
  }
}

void set_townships(const CalibrationOptions& o, ModelParameters& p) {
  if (o.townships) {
    p.townships = o.townships->townships;
    p.township_shares = o.townships->shares;
    p.township_method = o.townships->method + " (" + o.townships->source + ")";
  } else {
    p.townships = {p.la_name};
    p.township_shares = {1.0};
    p.township_method = "no township split: one area";
  }
}

}  // namespace

ModelParameters calibrate(const io::LaHistory& la_full, const io::LaHistory& england_full,
                          const CalibrationOptions& options) {
  const int origin = options.origin == 0 ? la_full.latest_census_year() : options.origin;
  std::vector<std::string> p_warnings;
  io::LaHistory h = history_as_of(la_full, origin);
  {
    std::map<int, double> counts;
    for (const auto& [year, c] : h.new_plans)
      if (c) counts[year] = static_cast<double>(*c);
    const auto before = counts.size();
    screen_outliers(counts, "new plans", p_warnings);
    if (counts.size() != before)
      for (auto& [year, c] : h.new_plans)
        if (c && !counts.count(year)) c.reset();
  }
  const io::LaHistory england = history_as_of(england_full, origin);
  if (!h.caseload.count(origin) || !h.caseload.at(origin))
    throw InputError({h.area.name}, "no January " + std::to_string(origin) +
                                        " caseload published for " + h.area.name +
                                        ": choose another start year");
  ModelParameters p;
  p.data_warnings = std::move(p_warnings);
  p.la_code = h.area.code;
  p.la_name = h.area.name;
  p.origin = origin;
  set_townships(options, p);
  const Cube cube = initial_cube(h, origin, p);
  const CountCube counts = round_cube_preserving_sum(cube);
  p.initial.resize(N_STATE_CELLS);
  for (int a = 0; a < N_AGES; ++a)
    for (int n = 0; n < N_NEEDS; ++n)
      for (int q = 0; q < N_PLACEMENTS; ++q)
        p.initial[cell_index(a, n, q)] = static_cast<std::int32_t>(counts.at(a, n, q));
  calibrate_leavers(h, england, options, p);
  calibrate_transitions(h, england, options, cube, p);
  calibrate_joiner_ages(h, england, options, p);
  calibrate_joiner_mix(h, options, cube, p);
  calibrate_trend(h, england, options, p);
  temper_hazards_to_stocks(h, p);
  calibrate_net_flow(h, england, p);
  reconcile_total_net_flow(h, p);
  return p;
}

}  // namespace sendcast::models
