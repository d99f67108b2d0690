#pragma once
// Goal-seek: the smallest change of one policy lever that meets a finance target, such as
// "deficit <= 0 by 2030-31", in the median run or at a stated probability. Every evaluation
// re-simulates the same calibrated forecast with the same seed and runs, so evaluations differ
// only by the lever (common random numbers), and the metric moves with the lever alone. The
// search scans the lever's range in equal steps for the first value that meets the target,
// then bisects between it and the step before; the scan keeps levers whose effect is not
// monotone (extra places cut independent placements but vacant places still cost place
// funding) from hiding an answer, the bisection assumes monotone within one step.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/forecast_job.h"
#include "scenarios/scenario.h"

namespace sendcast::cli {

//! What a target measures in one financial year of one run.
enum class TargetMetric : int { Deficit, Spend, Gap };
constexpr std::array<std::string_view, 3> TARGET_METRIC_NAMES = {"deficit", "spend", "gap"};

//! "<metric> <= <GBP> by <financial year>": deficit (cumulative DSG deficit at the end of the
//! year), spend (HNB spend in the year) or gap (spend minus HNB income in the year).
struct Target {
  TargetMetric metric = TargetMetric::Deficit;
  bool strict = false;     //!< "<" rather than "<="
  double threshold = 0;    //!< GBP
  int financial_year = 0;  //!< 2030 = 2030-31
  std::string text;        //!< as given
  bool met_by(double value) const { return strict ? value < threshold : value <= threshold; }
};

//! Parses a target; throws InputError naming `where` with what was expected. The amount may
//! be written 0, -5e6, 12.5m or £12.5m (m = millions, k = thousands).
Target parse_target(const std::string& text, const Location& where);

//! A lever: its name, range, the step the bisection stops at, and how it changes a scenario.
struct Lever {
  std::string name;
  std::string meaning;  //!< for --help and outputs
  double min = 0, max = 1;
  double tolerance = 0.001;  //!< bracket width at which the search stops
  bool integer = false;
  //! Applies the lever at `value` to a scenario (origin and LA's townships known).
  std::function<void(scenarios::Scenario&, double value, const models::ModelParameters&)> apply;
};
//! joiner_rate, resourced_share, places_added, ceasing_16_19.
const std::vector<Lever>& levers();
//! Throws InputError listing the levers when `name` is none of them.
const Lever& find_lever(const std::string& name, const Location& where);

struct Evaluation {
  double value = 0;                  //!< lever value
  double p05 = 0, p50 = 0, p95 = 0;  //!< the metric over runs, GBP
  double at_probability = 0;         //!< the metric's quantile at the target probability
  bool meets = false;
  double seconds = 0;
};

struct GoalSeekResult {
  bool met = false;        //!< false: not met even at the lever's maximum
  bool no_change = false;  //!< met already at the lever's minimum (the scenario as it is)
  Evaluation answer;       //!< the smallest value found that meets the target
  double bracket_low = 0, bracket_high = 0;  //!< last value failing, first meeting
  int scanned = 0;                           //!< scan steps evaluated after the minimum
  int iterations = 0;                        //!< bisection steps after the scan
  std::vector<Evaluation> evaluations;       //!< in the order made
};

struct GoalSeekOptions {
  double probability = 0.5;  //!< the metric's quantile at this probability must meet the target
  int max_iterations = 30;
  int scan_steps = 8;  //!< equal steps over the lever's range before the bisection
  //! Called after each evaluation with it and its number from 1 (progress); may be empty.
  std::function<void(const Evaluation&, int)> evaluated;
};

//! The metric of every run at the target's financial year, for a simulated job with finance.
std::vector<double> target_metric(const ForecastJob& job, const Target& target);

//! One evaluation: the job's base scenario with the lever at `value`, simulated afresh.
Evaluation evaluate_lever(ForecastJob& job, const scenarios::Scenario& base, const Lever& lever,
                          double value, const Target& target, const GoalSeekOptions& options,
                          const ForecastOptions& forecast);

//! `base` cut to the years the target needs: the random numbers are keyed by year, so the
//! years before are the same, and later years cannot change the target (saves time).
scenarios::Scenario up_to_target(const scenarios::Scenario& base, const Target& target, int origin);

//! Scan, then bisection, over the lever's range (simulating only up_to_target's years). `job` comes
//! from prepare_forecast(base, forecast).
GoalSeekResult goal_seek(ForecastJob& job, const scenarios::Scenario& base, const Lever& lever,
                         const Target& target, const GoalSeekOptions& options,
                         const ForecastOptions& forecast);

//! goalseek.csv: one row per evaluation, in order.
void write_goalseek_csv(const std::filesystem::path& file, const GoalSeekResult& result,
                        const Lever& lever, const Target& target, double probability);

}  // namespace sendcast::cli
