#pragma once
// Benchmarking an LA against its statistical neighbours, regional peers, region and England on
// published measures: plans per resident, growth, flows, conversion, placement and need mix.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/la_history.h"

namespace sendcast::models {

struct BenchmarkMetric {
  std::string code;   //!< "plans_per_1000_0_25", "share:state_special", ...
  std::string label;  //!< "plans per 1,000 residents aged 0-25"
  std::string
      noun;  //!< what "highest" refers to in a sentence: "share of plans in state special schools"
};

//! The metrics, in report order.
const std::vector<BenchmarkMetric>& benchmark_metrics();

//! An area's value of every metric it has for January `year` (flows: calendar year - 1).
std::map<std::string, double> metric_values(const io::LaHistory& history, int year);

//! Rank of `value` among `values` counting from the highest (1 = highest), and the national
//! percentile (share of values at or below it, 0-100).
int rank_from_highest(double value, const std::vector<double>& values);
double percentile_of(double value, const std::vector<double>& values);

//! "Dudley has the 4th highest share of plans in state special schools among its 14-LA group."
std::string rank_sentence(const std::string& la_name, int rank, int group_size,
                          const std::string& noun);

}  // namespace sendcast::models
