#pragma once
// Forecast accuracy: absolute and signed percentage errors, interval coverage, and the
// interval score (Gneiting and Raftery 2007), accumulated per method x measure x horizon.
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace sendcast::models {

//! One scored forecast: the actual and the forecast's median and central intervals.
struct ScoredForecast {
  double actual = 0;
  double median = 0;
  double lo50 = 0, hi50 = 0, lo80 = 0, hi80 = 0, lo90 = 0, hi90 = 0;
};

struct AccuracySummary {
  int n = 0;
  double mape = 0;        //!< mean absolute % error of the median
  double median_ape = 0;  //!< median absolute % error
  double bias = 0;        //!< mean signed % error, (forecast - actual) / actual
  double coverage50 = 0, coverage80 = 0, coverage90 = 0;  //!< share of actuals inside
  double interval_score = 0;  //!< mean 90% interval score, as % of the actual
};

//! The 90% interval score of Gneiting and Raftery: width plus 2/alpha times any miss.
double interval_score(double lo, double hi, double actual, double alpha);

AccuracySummary summarise_accuracy(const std::vector<ScoredForecast>& forecasts);

//! Forecasts grouped by (method, measure, horizon), in that order.
using AccuracyKey = std::tuple<std::string, std::string, int>;
using AccuracyTable = std::map<AccuracyKey, std::vector<ScoredForecast>>;

}  // namespace sendcast::models
