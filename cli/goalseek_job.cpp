#include "cli/goalseek_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "io/csv_writer.h"
#include "io/error.h"
#include "io/finance_csv.h"
#include "sim/quantiles.h"

namespace sendcast::cli {

namespace {

const char* TARGET_FORM =
    "expected \"<metric> <= <GBP> by <financial year>\", e.g. \"deficit <= 0 by 2030-31\"; "
    "metric: deficit (cumulative DSG deficit at the end of the year), spend (HNB spend in the "
    "year) or gap (spend minus HNB income); amount: 0, -5e6, 12.5m, 250k";

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::optional<double> parse_amount(std::string text) {
  if (text.rfind("\u00a3", 0) == 0) text = text.substr(2);
  double scale = 1;
  if (!text.empty() && (text.back() == 'm' || text.back() == 'M'))
    scale = 1e6, text.pop_back();
  else if (!text.empty() && (text.back() == 'k' || text.back() == 'K'))
    scale = 1e3, text.pop_back();
  if (text.empty()) return std::nullopt;
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != text.size() || !std::isfinite(v)) return std::nullopt;
  return v * scale;
}

//! The lever as a joiner multiplier from the first projected year: new plans (1 - value) as
//! many, for every need and age (inclusion in mainstream without a plan).
void apply_joiner_rate(scenarios::Scenario& s, double value, const models::ModelParameters&) {
  if (value <= 0) return;
  scenarios::RateMultiplier m;
  m.factor = 1.0 - value;
  s.joiner_multipliers.push_back(m);
}

void apply_resourced_share(scenarios::Scenario& s, double value, const models::ModelParameters&) {
  if (s.capacity.register_file.empty())
    throw InputError({"command line"}, "--lever",
                     "resourced_share needs a capacity register: set [capacity] register in the "
                     "scenario");
  s.capacity.divert_to_resourced_provision = value;
}

//! A new state special school, all needs, ages 2-19, in the first township, open from the
//! first projected January: where extra places help most is for the register to decide.
void apply_places_added(scenarios::Scenario& s, double value, const models::ModelParameters& m) {
  if (s.capacity.register_file.empty())
    throw InputError({"command line"}, "--lever",
                     "places_added needs a capacity register: set [capacity] register in the "
                     "scenario");
  const int places = static_cast<int>(std::lround(value));
  if (places <= 0) return;
  io::Provision p;
  p.id = "goalseek_places_added";
  p.name = "Places added by goal-seek (all needs, 2-19)";
  p.type = io::ProvisionType::Special;
  p.township = m.townships.front();
  p.age_min = 2;
  p.age_max = 19;
  p.needs = "any";
  io::add_designation("any", p.designation);
  p.places = places;
  p.opens = m.origin + 1;
  p.where = {"goalseek"};
  s.capacity.additions.push_back(p);
}

//! More plans ceasing at the post-16 and post-19 transfers: the ceasing rate at census ages 16
//! and 19 multiplied by (1 + value).
void apply_ceasing(scenarios::Scenario& s, double value, const models::ModelParameters&) {
  if (value <= 0) return;
  for (int age : {16, 19}) {
    scenarios::RateMultiplier m;
    m.factor = 1.0 + value;
    m.age_min = m.age_max = age;
    s.leaver_multipliers.push_back(m);
  }
}

double quantile_of(std::vector<double> v, double p) {
  return sim::quantile(v, p);
}

}  // namespace

Target parse_target(const std::string& text, const Location& where) {
  const std::vector<std::string> w = words(text);
  auto fail = [&](const std::string& what) {
    throw InputError(where, "--target", "cannot read " + in_quotes(text) + ": " + what);
  };
  if (w.size() != 5) fail(TARGET_FORM);
  Target t;
  t.text = text;
  const auto* metric = std::find(TARGET_METRIC_NAMES.begin(), TARGET_METRIC_NAMES.end(), w[0]);
  if (metric == TARGET_METRIC_NAMES.end())
    fail("unknown metric " + in_quotes(w[0]) + "; expected deficit, spend or gap");
  t.metric = static_cast<TargetMetric>(metric - TARGET_METRIC_NAMES.begin());
  if (w[1] != "<=" && w[1] != "<")
    fail("unknown comparison " + in_quotes(w[1]) + "; expected <= or <");
  t.strict = w[1] == "<";
  const std::optional<double> amount = parse_amount(w[2]);
  if (!amount) fail("expected an amount in GBP (0, -5e6, 12.5m, 250k), found " + in_quotes(w[2]));
  t.threshold = *amount;
  if (w[3] != "by") fail("expected \"by\" before the financial year, found " + in_quotes(w[3]));
  const std::optional<int> fy = models::parse_financial_year(w[4]);
  if (!fy) fail("expected a financial year like 2030-31, found " + in_quotes(w[4]));
  t.financial_year = *fy;
  return t;
}

const std::vector<Lever>& levers() {
  static const std::vector<Lever> list = {
      {"joiner_rate",
       "reduction of the new-plan rate from the first projected year (0.1 = 10% fewer new "
       "plans: inclusion in mainstream without a plan)",
       0, 0.9, 0.0025, false, apply_joiner_rate},
      {"resourced_share",
       "share of new state-special demand offered resourced provision first "
       "([capacity.policy] divert_to_resourced_provision)",
       0, 1, 0.005, false, apply_resourced_share},
      {"places_added",
       "extra state special places from the first projected January (a new all-needs 2-19 "
       "school in the first township)",
       0, 2000, 1, true, apply_places_added},
      {"ceasing_16_19",
       "rise in the ceasing rate at census ages 16 and 19 (0.5 = half as many again)", 0, 3, 0.005,
       false, apply_ceasing},
  };
  return list;
}

const Lever& find_lever(const std::string& name, const Location& where) {
  for (const Lever& l : levers())
    if (l.name == name) return l;
  std::string names;
  for (const Lever& l : levers()) names += (names.empty() ? "" : ", ") + l.name;
  throw InputError(where, "--lever", "unknown lever " + in_quotes(name) + "; expected " + names);
}

std::vector<double> target_metric(const ForecastJob& job, const Target& target) {
  if (!job.finance)
    throw InputError({"finance"}, "no HNB allocation for " + job.parameters.la_name +
                                      " in the allocations file: finance cannot be projected");
  const FinanceJob& f = *job.finance;
  const int y = target.financial_year - f.results.first_year;
  if (y < 0 || y >= f.results.years)
    throw InputError({"command line"}, "--target",
                     "financial year " + models::financial_year_label(target.financial_year) +
                         " is outside the forecast (" +
                         models::financial_year_label(f.results.first_year) + " to " +
                         models::financial_year_label(f.results.first_year + f.results.years - 1) +
                         "); change --years or the target");
  std::vector<double> out;
  if (target.metric == TargetMetric::Deficit) {
    for (const auto& path : io::cumulative_deficit_per_run(f.results, f.income, f.opening_balance))
      out.push_back(path[y]);
    return out;
  }
  for (int run = 0; run < f.results.runs; ++run) {
    const double spend = f.results.total_spend(run, y);
    out.push_back(target.metric == TargetMetric::Spend ? spend : spend - f.income[y]);
  }
  return out;
}

Evaluation evaluate_lever(ForecastJob& job, const scenarios::Scenario& base, const Lever& lever,
                          double value, const Target& target, const GoalSeekOptions& options,
                          const ForecastOptions& forecast) {
  const auto start = std::chrono::steady_clock::now();
  job.scenario = base;
  lever.apply(job.scenario, value, job.parameters);
  simulate_forecast(job, forecast, false);
  const std::vector<double> metric = target_metric(job, target);
  Evaluation e;
  e.value = value;
  e.p05 = quantile_of(metric, 0.05);
  e.p50 = quantile_of(metric, 0.5);
  e.p95 = quantile_of(metric, 0.95);
  e.at_probability = quantile_of(metric, options.probability);
  e.meets = target.met_by(e.at_probability);
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return e;
}

scenarios::Scenario up_to_target(const scenarios::Scenario& base, const Target& target,
                                 int origin) {
  scenarios::Scenario s = base;
  // Financial year y-(y+1) needs the January y and y+1 censuses: origin + years must reach y+1.
  const int years = target.financial_year - origin + 1;
  if (years >= 1 && years < s.years) s.years = years;
  return s;
}

GoalSeekResult goal_seek(ForecastJob& job, const scenarios::Scenario& full, const Lever& lever,
                         const Target& target, const GoalSeekOptions& options,
                         const ForecastOptions& forecast) {
  GoalSeekResult r;
  const scenarios::Scenario base = up_to_target(full, target, job.parameters.origin);
  auto eval = [&](double value) {
    r.evaluations.push_back(evaluate_lever(job, base, lever, value, target, options, forecast));
    if (options.evaluated)
      options.evaluated(r.evaluations.back(), static_cast<int>(r.evaluations.size()));
    return r.evaluations.back();
  };
  double lo = lever.min, hi = lever.max;
  if (lever.name == "resourced_share")
    lo = std::max(lo, base.capacity.divert_to_resourced_provision);
  const Evaluation at_lo = eval(lo);
  if (at_lo.meets) {
    r.met = r.no_change = true;
    r.answer = at_lo;
    r.bracket_low = r.bracket_high = lo;
    return r;
  }
  // The first scan step that meets the target closes the bracket from above.
  const double start = lo, range = hi - lo;
  Evaluation best;
  bool found = false;
  for (int k = 1; k <= options.scan_steps && !found; ++k) {
    double v = k == options.scan_steps ? hi : start + range * k / options.scan_steps;
    if (lever.integer) v = std::floor(v);
    if (v <= lo) continue;
    ++r.scanned;
    const Evaluation e = eval(v);
    if (e.meets) {
      best = e;
      hi = v;
      found = true;
    } else {
      lo = v;
    }
  }
  if (!found) {
    r.bracket_low = lo;
    r.bracket_high = hi;
    return r;
  }
  while (hi - lo > lever.tolerance && r.iterations < options.max_iterations) {
    double mid = 0.5 * (lo + hi);
    if (lever.integer) {
      mid = std::floor(mid);
      if (mid <= lo) break;  // adjacent integers: hi is the answer
    }
    ++r.iterations;
    const Evaluation e = eval(mid);
    if (e.meets) {
      hi = mid;
      best = e;
    } else {
      lo = mid;
    }
  }
  r.met = true;
  r.answer = best;
  r.bracket_low = lo;
  r.bracket_high = hi;
  return r;
}

void write_goalseek_csv(const std::filesystem::path& file, const GoalSeekResult& result,
                        const Lever& lever, const Target& target, double probability) {
  std::vector<std::vector<std::string>> rows;
  int i = 0;
  for (const Evaluation& e : result.evaluations) {
    char gbp[5][48];
    for (auto [k, v] : {std::pair{0, e.p50},
                        {1, e.p05},
                        {2, e.p95},
                        {3, e.at_probability},
                        {4, target.threshold}})
      std::snprintf(gbp[k], sizeof gbp[k], "%.0f", v);
    rows.push_back({std::to_string(i++), lever.name, io::format_number(e.value),
                    std::string(TARGET_METRIC_NAMES[static_cast<int>(target.metric)]),
                    models::financial_year_label(target.financial_year), gbp[0], gbp[1], gbp[2],
                    io::format_number(probability), gbp[3], gbp[4], e.meets ? "yes" : "no",
                    io::format_number(e.seconds)});
  }
  io::write_rows_csv(
      file,
      {"evaluation", "lever", "value", "metric", "financial_year", "p50", "p05", "p95",
       "probability", "quantile_at_probability", "threshold", "meets", "seconds"},
      rows);
}

}  // namespace sendcast::cli
