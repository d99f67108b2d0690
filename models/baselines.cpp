#include "models/baselines.h"

#include <cmath>
#include <vector>

namespace sendcast::models {

namespace {

//! Least squares of y on x; returns (intercept at x = 0, slope).
std::optional<std::pair<double, double>> least_squares(
    const std::vector<std::pair<double, double>>& pts) {
  if (pts.size() < 2) return std::nullopt;
  double mx = 0, my = 0;
  for (auto [x, y] : pts) mx += x, my += y;
  mx /= static_cast<double>(pts.size()), my /= static_cast<double>(pts.size());
  double sxx = 0, sxy = 0;
  for (auto [x, y] : pts) sxx += (x - mx) * (x - mx), sxy += (x - mx) * (y - my);
  if (sxx <= 0) return std::nullopt;
  const double slope = sxy / sxx;
  return std::pair{my - slope * mx, slope};
}

std::vector<std::pair<double, double>> last_years(const std::map<int, double>& s, int origin,
                                                  int years, bool log) {
  std::vector<std::pair<double, double>> pts;
  for (int y = origin - years + 1; y <= origin; ++y) {
    auto it = s.find(y);
    if (it == s.end() || (log && it->second <= 0)) continue;
    pts.push_back({static_cast<double>(y - origin), log ? std::log(it->second) : it->second});
  }
  return pts;
}

}  // namespace

std::optional<double> baseline_forecast(Baseline method, const std::map<int, double>& s, int origin,
                                        int h) {
  const auto last = s.find(origin);
  if (last == s.end()) return std::nullopt;
  const double y0 = last->second;
  switch (method) {
    case Baseline::Naive:
      return y0;
    case Baseline::Linear: {
      const auto fit = least_squares(last_years(s, origin, 5, false));
      if (!fit) return std::nullopt;
      return std::max(0.0, fit->first + fit->second * h);
    }
    case Baseline::LogLinear: {
      const auto fit = least_squares(last_years(s, origin, 5, true));
      if (!fit) return std::nullopt;
      return std::exp(fit->first + fit->second * h);
    }
    case Baseline::Cagr4: {
      // The earliest year within the last four with a value: its growth, per year, continued.
      for (int back = 4; back >= 1; --back) {
        auto it = s.find(origin - back);
        if (it == s.end() || it->second <= 0 || y0 <= 0) continue;
        const double growth = std::pow(y0 / it->second, 1.0 / back);
        return y0 * std::pow(growth, h);
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace sendcast::models
