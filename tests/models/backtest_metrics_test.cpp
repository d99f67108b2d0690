// Arithmetic of the backtest's baselines and accuracy metrics, on hand-made numbers.
#include <gtest/gtest.h>

#include <cmath>

#include "models/accuracy.h"
#include "models/baselines.h"

namespace sendcast::models {
namespace {

TEST(Baselines, HandComputedForecasts) {
  const std::map<int, double> s = {{2016, 100}, {2017, 110}, {2018, 120}, {2019, 130}, {2020, 140}};
  EXPECT_DOUBLE_EQ(*baseline_forecast(Baseline::Naive, s, 2020, 3), 140);
  EXPECT_NEAR(*baseline_forecast(Baseline::Linear, s, 2020, 2), 160, 1e-9);  // +10 a year
  EXPECT_NEAR(*baseline_forecast(Baseline::Cagr4, s, 2020, 1), 140 * std::pow(1.4, 0.25), 1e-9);
  const std::map<int, double> g = {
      {2016, 100}, {2017, 110}, {2018, 121}, {2019, 133.1}, {2020, 146.41}};
  EXPECT_NEAR(*baseline_forecast(Baseline::LogLinear, g, 2020, 1), 161.051, 1e-6);  // +10% a year
  EXPECT_NEAR(*baseline_forecast(Baseline::Cagr4, g, 2020, 2), 177.1561, 1e-6);
  // Only what is known at the origin is used; missing years are skipped.
  EXPECT_DOUBLE_EQ(*baseline_forecast(Baseline::Naive, s, 2018, 1), 120);
  const std::map<int, double> gap = {{2016, 100}, {2018, 120}, {2020, 140}};
  EXPECT_NEAR(*baseline_forecast(Baseline::Cagr4, gap, 2020, 1), 140 * std::pow(1.4, 0.25), 1e-9);
  EXPECT_FALSE(baseline_forecast(Baseline::Naive, s, 2021, 1));
  EXPECT_FALSE(baseline_forecast(Baseline::Linear, {{2020, 5.0}}, 2020, 1));
}

TEST(Accuracy, HandComputedMetrics) {
  // actual 100, median 110 (inside 80% and 90% but not 50%); actual 200, median 180 (outside
  // every interval, below the 90% interval by 10).
  const std::vector<ScoredForecast> f = {
      {100, 110, 105, 115, 95, 120, 90, 130},
      {200, 180, 175, 185, 170, 190, 165, 190},
  };
  const AccuracySummary s = summarise_accuracy(f);
  EXPECT_EQ(s.n, 2);
  EXPECT_DOUBLE_EQ(s.mape, 10.0);  // 10% and 10%
  EXPECT_DOUBLE_EQ(s.median_ape, 10.0);
  EXPECT_DOUBLE_EQ(s.bias, 0.0);  // +10% and -10%
  EXPECT_DOUBLE_EQ(s.coverage50, 0.0);
  EXPECT_DOUBLE_EQ(s.coverage80, 0.5);
  EXPECT_DOUBLE_EQ(s.coverage90, 0.5);
  // Interval scores: 40 (inside) -> 40%; 25 + 2/0.1 * 10 = 225 -> 112.5%; mean 76.25%.
  EXPECT_DOUBLE_EQ(interval_score(165, 190, 200, 0.1), 225);
  EXPECT_DOUBLE_EQ(s.interval_score, 76.25);
}

TEST(Accuracy, ZeroActualsAreNotScored) {
  EXPECT_EQ(summarise_accuracy({{0, 1, 0, 2, 0, 2, 0, 2}}).n, 0);
}

}  // namespace
}  // namespace sendcast::models
