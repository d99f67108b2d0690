#include "sim/quantiles.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

namespace sendcast::sim {
namespace {

using CountArray = Eigen::Array<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;

void expect_summary_eq(const Summary& a, const Summary& b) {
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.sd, b.sd);
  EXPECT_EQ(a.quantiles(), b.quantiles());
}

TEST(Quantile, MatchesRType7OnOneToTen) {
  // R: quantile(1:10, c(.05, .1, .25, .5, .75, .9, .95)) = 1.45 1.90 3.25 5.50 7.75 9.10 9.55
  // (h = 1 + 9p; e.g. p = 0.05: h = 1.45, so x_1 + 0.45 (x_2 - x_1) = 1.45).
  std::vector<double> one_to_ten(10);
  std::iota(one_to_ten.begin(), one_to_ten.end(), 1.0);
  const double expected[] = {1.45, 1.9, 3.25, 5.5, 7.75, 9.1, 9.55};
  for (std::size_t k = 0; k < SUMMARY_PROBS.size(); ++k)
    EXPECT_DOUBLE_EQ(quantile(one_to_ten, SUMMARY_PROBS[k]), expected[k]) << SUMMARY_PROBS[k];
  EXPECT_EQ(quantile(one_to_ten, 0), 1);
  EXPECT_EQ(quantile(one_to_ten, 1), 10);
}

TEST(Quantile, MatchesRType7OnUnsortedValuesAndTies) {
  // Sorted: 1 2 2.5 7 8, h = 1 + 4p. p = 0.1: h = 1.4, 1 + 0.4 (2 - 1) = 1.4;
  // p = 0.9: h = 4.6, 7 + 0.6 (8 - 7) = 7.6; p = 0.5: h = 3, x_3 = 2.5.
  const std::vector<double> x = {2, 7, 1, 8, 2.5};
  EXPECT_DOUBLE_EQ(quantile(x, 0.1), 1.4);
  EXPECT_DOUBLE_EQ(quantile(x, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile(x, 0.9), 7.6);
  // R: quantile(c(1, 1, 1, 2), 0.9) = 1.7 (h = 3.7); a tie at the neighbours returns exactly.
  EXPECT_DOUBLE_EQ(quantile({1, 2, 1, 1}, 0.9), 1.7);
  EXPECT_EQ(quantile({3, 3, 3, 3}, 0.37), 3);
}

TEST(Summarise, MatchesHandComputedSummary) {
  // Column 0: 2 7 1 8 2.5. mean 20.5 / 5 = 4.1; squared deviations sum to 40.2, so
  // sd = sqrt(40.2 / 4); quantiles at h = 1 + 4p as in the test above.
  // Column 1: 1..5 reversed: R gives 1.2 1.4 2.0 3.0 4.0 4.6 4.8, mean 3, sd sqrt(2.5).
  Eigen::ArrayXXd per_run(5, 2);
  per_run.col(0) << 2, 7, 1, 8, 2.5;
  per_run.col(1) << 5, 4, 3, 2, 1;
  const std::vector<Summary> summaries = summarise(per_run);

  ASSERT_EQ(summaries.size(), 2u);
  const Summary& a = summaries[0];
  EXPECT_DOUBLE_EQ(a.mean, 4.1);
  EXPECT_DOUBLE_EQ(a.sd, std::sqrt(40.2 / 4));
  EXPECT_DOUBLE_EQ(a.p05, 1.2);
  EXPECT_DOUBLE_EQ(a.p10, 1.4);
  EXPECT_DOUBLE_EQ(a.p25, 2);
  EXPECT_DOUBLE_EQ(a.p50, 2.5);
  EXPECT_DOUBLE_EQ(a.p75, 7);
  EXPECT_DOUBLE_EQ(a.p90, 7.6);
  EXPECT_DOUBLE_EQ(a.p95, 7.8);
  const Summary& b = summaries[1];
  EXPECT_DOUBLE_EQ(b.mean, 3);
  EXPECT_DOUBLE_EQ(b.sd, std::sqrt(2.5));
  const std::array<double, 7> expected = {1.2, 1.4, 2, 3, 4, 4.6, 4.8};
  for (std::size_t k = 0; k < expected.size(); ++k) EXPECT_DOUBLE_EQ(b.quantiles()[k], expected[k]);
}

//! Type 7 from a full sort, written out as R's quantile.default does it.
double sorted_type7(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const double index = 1 + static_cast<double>(values.size() - 1) * p;
  const double lo = std::floor(index);
  const double low = values[static_cast<std::size_t>(lo) - 1];
  const double high = values[static_cast<std::size_t>(std::ceil(index)) - 1];
  const double h = index - lo;
  return (h == 0 || low == high) ? low : (1 - h) * low + h * high;
}

TEST(Summarise, SelectionAgreesWithFullSortOnAwkwardColumns) {
  // Large columns go through bucket selection; ties, outliers, huge and tiny ranges, sorted
  // input and outliers nested at several scales (bucketed again and again) must all give exactly
  // the full-sort answer.
  std::mt19937_64 engine(2024);
  std::normal_distribution<double> normal(0, 1);
  const Eigen::Index runs = 5000;
  Eigen::ArrayXXd per_run(runs, 9);
  for (Eigen::Index r = 0; r < runs; ++r) {
    const double z = normal(engine);
    per_run(r, 0) = 1000 + 100 * z;                               // smooth
    per_run(r, 1) = std::round(3 * std::abs(z)) * (r % 3 == 0);   // mostly zeros: heavy ties
    per_run(r, 2) = r == 17 ? 1e12 : z;                           // one far outlier
    per_run(r, 3) = std::exp(4 * z);                              // heavy right tail
    per_run(r, 4) = (r % 2 == 0 ? 1 : -1) * 1e300 * std::abs(z);  // vast range
    per_run(r, 5) = 1e-310 * std::round(3 * std::abs(z));         // subnormal spacing
    per_run(r, 6) = static_cast<double>(r);                       // already sorted
    per_run(r, 7) = static_cast<double>(runs - r) / 7;            // reverse sorted
    // Mostly 0, a fifth 1e-12 z, and a few outliers 1e4, 1e8, 1e12 times bigger: nested scales.
    const double scale = r % 997 == 0 ? std::pow(1e4, static_cast<double>(r % 5)) : r % 5 == 0;
    per_run(r, 8) = 1e-12 * scale * z;
  }
  const std::vector<Summary> summaries = summarise(per_run);
  for (Eigen::Index c = 0; c < per_run.cols(); ++c) {
    const std::vector<double> column(per_run.col(c).begin(), per_run.col(c).end());
    for (std::size_t k = 0; k < SUMMARY_PROBS.size(); ++k)
      EXPECT_EQ(summaries[static_cast<std::size_t>(c)].quantiles()[k],
                sorted_type7(column, SUMMARY_PROBS[k]))
          << "column " << c << " p " << SUMMARY_PROBS[k];
    EXPECT_EQ(quantile(column, 0.333), sorted_type7(column, 0.333)) << "column " << c;
  }
  // max - min overflows to infinity: only quantile() can see this, as the mean would overflow.
  std::vector<double> extreme(3000);
  for (double& v : extreme) v = std::ldexp(normal(engine), 1022);
  for (const double p : SUMMARY_PROBS) EXPECT_EQ(quantile(extreme, p), sorted_type7(extreme, p));
}

TEST(Summarise, SmallIntegerRangesAgreeWithFullSort) {
  // Counts over a narrow range are read off a count of each value; a fraction or a -0 among
  // them sends the column back to the general selection. Every answer is the full sort's.
  std::mt19937_64 engine(11);
  const Eigen::Index runs = 3000;
  Eigen::ArrayXXd per_run(runs, 6);
  for (Eigen::Index r = 0; r < runs; ++r) {
    const auto k = static_cast<double>(engine() % 31);
    per_run(r, 0) = k;                              // children: 0 to 30
    per_run(r, 1) = k - 15;                         // negative and positive
    per_run(r, 2) = r == 5 ? 2.5 : k;               // one fraction
    per_run(r, 3) = r == 7 ? -0.0 : k;              // one -0
    per_run(r, 4) = 1e17 + 16 * std::floor(k / 4);  // large integers, 16 apart
    per_run(r, 5) = r % 2 == 0 ? -1000 : 1e-20;     // 1e-20 + 1000 rounds to 1000
  }
  const std::vector<Summary> summaries = summarise(per_run);
  for (Eigen::Index c = 0; c < per_run.cols(); ++c) {
    const std::vector<double> column(per_run.col(c).begin(), per_run.col(c).end());
    for (std::size_t k = 0; k < SUMMARY_PROBS.size(); ++k) {
      const double q = summaries[static_cast<std::size_t>(c)].quantiles()[k];
      const double expected = sorted_type7(column, SUMMARY_PROBS[k]);
      EXPECT_EQ(q, expected) << "column " << c << " p " << SUMMARY_PROBS[k];
    }
  }
  const std::vector<double> few = {3, 1, 2, 2, 0, 3, 1};  // a few values are counted too
  for (const double p : SUMMARY_PROBS) EXPECT_EQ(quantile(few, p), sorted_type7(few, p));
}

TEST(Summarise, OnlyTheWantedColumnsAndOneColumnAtATimeGiveTheSameSummaries) {
  std::mt19937_64 engine(7);
  std::normal_distribution<double> normal(40, 9);
  Eigen::ArrayXXd per_run(2000, 5);
  for (double& v : per_run.reshaped()) v = std::round(normal(engine));
  per_run.col(3) = per_run.col(3) / 7;  // fractions: the general selection
  const std::vector<Summary> all = summarise(per_run);
  const std::vector<bool> wanted = {true, false, true, true, false};
  const std::vector<Summary> some = summarise(per_run, wanted);
  ASSERT_EQ(some.size(), all.size());
  for (std::size_t c = 0; c < all.size(); ++c) {
    SCOPED_TRACE(c);
    if (wanted[c]) {
      expect_summary_eq(some[c], all[c]);
    } else {
      expect_summary_eq(some[c], Summary{});
    }
    const Eigen::ArrayXd column = per_run.col(static_cast<Eigen::Index>(c));
    expect_summary_eq(
        summarise(std::span<const double>(column.data(), static_cast<std::size_t>(column.size()))),
        all[c]);
  }
  EXPECT_THROW(summarise(per_run, std::vector<bool>(4, true)), std::invalid_argument);
  EXPECT_THROW(summarise(std::span<const double>()), std::invalid_argument);
}

TEST(Summarise, QuantilesDoNotDependOnRunOrder) {
  std::mt19937 engine(42);
  std::normal_distribution<double> normal(100, 15);
  Eigen::ArrayXXd per_run(1001, 3);
  for (double& v : per_run.reshaped()) v = normal(engine);
  std::vector<Eigen::Index> order(1001);
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::shuffle(order.begin(), order.end(), engine);
  const Eigen::ArrayXXd permuted = per_run(order, Eigen::all);

  const std::vector<Summary> original = summarise(per_run);
  const std::vector<Summary> shuffled = summarise(permuted);
  for (std::size_t c = 0; c < 3; ++c) {
    EXPECT_EQ(original[c].quantiles(), shuffled[c].quantiles());  // bit for bit
    EXPECT_NEAR(original[c].mean, shuffled[c].mean, 1e-12 * std::abs(original[c].mean));
    EXPECT_NEAR(original[c].sd, shuffled[c].sd, 1e-10 * original[c].sd);
  }
  for (std::size_t c = 0; c < 3; ++c) expect_summary_eq(original[c], summarise(per_run)[c]);
}

TEST(Summarise, IntegerCountsEqualTheirDoubles) {
  std::mt19937 engine(7);
  CountArray counts(500, 4);
  for (std::int64_t& v : counts.reshaped()) v = static_cast<std::int64_t>(engine() % 5000);
  const std::vector<Summary> from_counts = summarise(counts);
  const std::vector<Summary> from_doubles = summarise(Eigen::ArrayXXd(counts.cast<double>()));

  ASSERT_EQ(from_counts.size(), 4u);
  for (std::size_t c = 0; c < 4; ++c) expect_summary_eq(from_counts[c], from_doubles[c]);
}

TEST(Summarise, SingleRunHasZeroSdAndEveryQuantileAtItsValue) {
  Eigen::ArrayXXd per_run(1, 2);
  per_run << 12.5, -3;
  const std::vector<Summary> summaries = summarise(per_run);

  EXPECT_EQ(summaries[0].mean, 12.5);
  EXPECT_EQ(summaries[0].sd, 0);
  for (const double q : summaries[0].quantiles()) EXPECT_EQ(q, 12.5);
  for (const double q : summaries[1].quantiles()) EXPECT_EQ(q, -3);
}

TEST(Summarise, NoCategoriesGivesNoSummaries) {
  EXPECT_TRUE(summarise(Eigen::ArrayXXd(10, 0)).empty());
}

TEST(ProbabilityAbove, CountsRunsStrictlyAbove) {
  const Eigen::ArrayXd values = Eigen::ArrayXd{{1, 2, 3, 4}};
  EXPECT_DOUBLE_EQ(probability_above(values, 2), 0.5);
  EXPECT_DOUBLE_EQ(probability_above(values, 0), 1);
  EXPECT_DOUBLE_EQ(probability_above(values, 4), 0);
}

TEST(Summarise, RejectsNoRunsAndNonFiniteValues) {
  EXPECT_THROW(summarise(Eigen::ArrayXXd(0, 3)), std::invalid_argument);
  EXPECT_THROW(summarise(CountArray(0, 3)), std::invalid_argument);
  Eigen::ArrayXXd per_run = Eigen::ArrayXXd::Ones(4, 2);
  per_run(2, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(summarise(per_run), std::invalid_argument);
}

TEST(Quantile, RejectsNoValuesAndProbabilityOutsideZeroOne) {
  EXPECT_THROW(quantile({}, 0.5), std::invalid_argument);
  EXPECT_THROW(quantile({1, 2}, -0.01), std::invalid_argument);
  EXPECT_THROW(quantile({1, 2}, 1.01), std::invalid_argument);
  EXPECT_THROW(quantile({1, 2}, std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  EXPECT_THROW(quantile({1, std::numeric_limits<double>::infinity()}, 0.5), std::invalid_argument);
}

TEST(ProbabilityAbove, RejectsNoValuesAndNan) {
  EXPECT_THROW(probability_above(Eigen::ArrayXd(0), 1), std::invalid_argument);
  EXPECT_THROW(probability_above(Eigen::ArrayXd::Ones(3), std::numeric_limits<double>::quiet_NaN()),
               std::invalid_argument);
}

}  // namespace
}  // namespace sendcast::sim
