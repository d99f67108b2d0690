#include "models/accuracy.h"

#include <algorithm>
#include <cmath>

namespace sendcast::models {

double interval_score(double lo, double hi, double actual, double alpha) {
  double score = hi - lo;
  if (actual < lo) score += 2 / alpha * (lo - actual);
  if (actual > hi) score += 2 / alpha * (actual - hi);
  return score;
}

AccuracySummary summarise_accuracy(const std::vector<ScoredForecast>& forecasts) {
  AccuracySummary s;
  std::vector<double> apes;
  for (const auto& f : forecasts) {
    if (!(f.actual > 0)) continue;  // percentage errors need a positive actual
    const double error = (f.median - f.actual) / f.actual * 100;
    apes.push_back(std::fabs(error));
    s.bias += error;
    s.coverage50 += f.lo50 <= f.actual && f.actual <= f.hi50;
    s.coverage80 += f.lo80 <= f.actual && f.actual <= f.hi80;
    s.coverage90 += f.lo90 <= f.actual && f.actual <= f.hi90;
    s.interval_score += interval_score(f.lo90, f.hi90, f.actual, 0.1) / f.actual * 100;
  }
  s.n = static_cast<int>(apes.size());
  if (s.n == 0) return s;
  const double n = s.n;
  for (double a : apes) s.mape += a / n;
  std::sort(apes.begin(), apes.end());
  s.median_ape = apes.size() % 2 ? apes[apes.size() / 2]
                                 : (apes[apes.size() / 2 - 1] + apes[apes.size() / 2]) / 2;
  s.bias /= n;
  s.coverage50 /= n, s.coverage80 /= n, s.coverage90 /= n;
  s.interval_score /= n;
  return s;
}

}  // namespace sendcast::models
