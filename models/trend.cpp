#include "models/trend.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace sendcast::models {

std::optional<TrendFit> fit_log_linear(const std::map<int, double>& series, int fit_years) {
  std::vector<std::pair<int, double>> points;  // (year, log rate), newest first
  for (auto it = series.rbegin();
       it != series.rend() && static_cast<int>(points.size()) < fit_years; ++it)
    if (it->second > 0) points.push_back({it->first, std::log(it->second)});
  if (points.empty()) return std::nullopt;
  TrendFit fit;
  fit.last_year = points.front().first;
  fit.level = points.front().second;
  fit.points = static_cast<int>(points.size());
  // Yearly changes; a gap of several years counts as that many years of change.
  std::vector<double> changes;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    const int gap = points[i].first - points[i + 1].first;
    for (int k = 0; k < gap; ++k)
      changes.push_back((points[i].second - points[i + 1].second) / gap);
  }
  constexpr double NOISE_FLOOR = 0.03;  // no LA's rate is steadier than 3% a year
  if (changes.empty()) {
    fit.growth_se = 0.1;  // one year says nothing about growth: +-10% a year
    fit.residual_sd = 0.1;
    return fit;
  }
  const double n = static_cast<double>(changes.size());
  double mean = 0;
  for (double c : changes) mean += c / n;
  // The spread of the changes, robustly: 1.4826 x the median absolute deviation, so one
  // mis-recorded year (a jump and its return) does not make every future year wild.
  std::vector<double> deviations;
  for (double c : changes) deviations.push_back(std::fabs(c - mean));
  std::sort(deviations.begin(), deviations.end());
  const double mad =
      deviations.size() % 2
          ? deviations[deviations.size() / 2]
          : (deviations[deviations.size() / 2 - 1] + deviations[deviations.size() / 2]) / 2;
  // And no wider than 30% a year: beyond that the series is dominated by recording changes
  // (Walsall's new plans doubled in 2023 and halved in 2024), not by the rate wandering.
  constexpr double NOISE_CEILING = 0.3;
  const double sd = changes.size() > 1 ? std::clamp(1.4826 * mad, NOISE_FLOOR, NOISE_CEILING) : 0.1;
  fit.growth = mean;
  fit.growth_se = sd / std::sqrt(n);
  fit.residual_sd = sd;
  fit.level_se = 0;
  return fit;
}

double projected_growth(const TrendSpec& spec, double g0, double england_growth, int h) {
  switch (spec.model) {
    case TrendModel::Flat:
      return 0.0;
    case TrendModel::Continue:
      return g0;
    case TrendModel::Damped:
      return spec.long_run_growth + std::pow(spec.damping, h) * (g0 - spec.long_run_growth);
    case TrendModel::ConvergeToEngland: {
      const double w = std::min(1.0, static_cast<double>(h) / std::max(1, spec.converge_years));
      return g0 + w * (england_growth - g0);
    }
  }
  return 0.0;
}

}  // namespace sendcast::models
