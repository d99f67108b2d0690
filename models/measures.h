#pragma once
// The measures a backtest scores, each readable both from the published history (actual) and
// from a run's roll-ups (forecast), on the SEN2 definitions: `placement:mainstream` is SEN2's
// mainstream_total, which includes resourced provision and SEN units; `placement:special` is
// special_total (state and independent); `placement:fe` is fe_total (FE and specialist post-16).
#include <optional>
#include <string>
#include <vector>

#include "io/la_history.h"
#include "sim/rollups.h"

namespace sendcast::models {

struct Measure {
  std::string name;                            //!< "total", "age:0-4", "placement:special", ...
  std::vector<std::string> breakdown_columns;  //!< "breakdown|category" summed from roll-ups
  bool needs_placements = false;  //!< forecast only when placements were known at the origin
};

//! Every backtest measure, in output order.
const std::vector<Measure>& backtest_measures();

//! The published value of `measure` at January `year`, if published.
std::optional<double> measure_actual(const io::LaHistory& history, const Measure& measure,
                                     int year);

//! Column indices in a roll-up row that sum to the measure.
std::vector<int> measure_columns(const sim::RollupLayout& layout, const Measure& measure);

}  // namespace sendcast::models
