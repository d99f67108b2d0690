#include "scenarios/levers.h"

namespace sendcast::scenarios {

sim::DemandLevers demand_levers(const Scenario& scenario, int origin, int horizon) {
  Scenario s = scenario;
  s.start_year = origin;  // "from start_year + 1" defaults resolve against the actual origin
  sim::DemandLevers l = sim::DemandLevers::none(horizon);
  // Step k covers the year ending at January origin + k: a lever "from 2026" first acts on
  // the flows that produce the January 2026 caseload.
  for (int step = 1; step <= horizon; ++step) {
    const int year = origin + step;
    for (int a = 0; a < N_AGES; ++a)
      for (int n = 0; n < N_NEEDS; ++n) {
        l.joiner[step][a][n] = joiner_multiplier(s, year, n, a);
        for (int q = 0; q < N_PLACEMENTS; ++q)
          l.leaver[step][models::cell_index(a, n, q)] = leaver_multiplier(s, year, n, a, q);
      }
    for (const auto& shift : s.placement_shifts) {
      if (year < shift.effective_from(origin) || year > shift.to_year) continue;
      l.shifts[step].push_back({static_cast<int>(shift.from), static_cast<int>(shift.to),
                                shift.share, shift.age_min, shift.age_max});
    }
  }
  return l;
}

models::TrendSpec trend_spec(const Scenario& s) {
  models::TrendSpec t;
  switch (s.trend.model) {
    case TrendModel::Damped:
      t.model = models::TrendModel::Damped;
      break;
    case TrendModel::Continue:
      t.model = models::TrendModel::Continue;
      break;
    case TrendModel::Flat:
      t.model = models::TrendModel::Flat;
      break;
    case TrendModel::ConvergeToEngland:
      t.model = models::TrendModel::ConvergeToEngland;
      break;
  }
  t.damping = s.trend.damping;
  t.long_run_growth = s.trend.long_run_growth;
  t.fit_years = s.trend.fit_years;
  t.converge_years = s.trend.converge_years;
  return t;
}

}  // namespace sendcast::scenarios
