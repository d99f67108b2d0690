#include "models/ipf.h"

#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

namespace sendcast::models {
namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

Eigen::ArrayXXd collapse(const Cube& cube, int summed_axis) {
  const Eigen::Index rows = summed_axis == 0 ? cube.n1 : cube.n0;
  const Eigen::Index cols = summed_axis == 2 ? cube.n1 : cube.n2;
  Eigen::ArrayXXd sums = Eigen::ArrayXXd::Zero(rows, cols);
  for (Eigen::Index i = 0; i < cube.n0; ++i)
    for (Eigen::Index j = 0; j < cube.n1; ++j)
      for (Eigen::Index k = 0; k < cube.n2; ++k) {
        const double v = cube.at(i, j, k);
        if (summed_axis == 2) sums(i, j) += v;
        if (summed_axis == 1) sums(i, k) += v;
        if (summed_axis == 0) sums(j, k) += v;
      }
  return sums;
}

IpfMargins all_margins(const Cube& cube) {
  return {collapse(cube, 2), collapse(cube, 1), collapse(cube, 0)};
}

double total(const Cube& cube) {
  return std::accumulate(cube.values.begin(), cube.values.end(), 0.0);
}

//! Positive cube with values in [0.5, 10.5), reproducible from `seed`.
Cube random_cube(Eigen::Index n0, Eigen::Index n1, Eigen::Index n2, unsigned seed) {
  std::mt19937 engine(seed);
  Cube cube(n0, n1, n2);
  for (double& v : cube.values) v = 0.5 + 10.0 * static_cast<double>(engine()) / 4294967296.0;
  return cube;
}

//! Largest |fitted - target| / target over the known cells of a margin.
double margin_error(const Cube& fitted, int summed_axis, const Eigen::ArrayXXd& target) {
  const Eigen::ArrayXXd current = collapse(fitted, summed_axis);
  return target.isNaN().select(0.0, (current - target).abs() / target).maxCoeff();
}

TEST(IpfFit, HandCheckedTwoByTwoByTwo) {
  // Uniform seed raked to dims01 and dims02 (sharing the i0 totals 8 and 8): i1 and i2 are
  // independent within each i0, so x(i, j, k) = dims01(i, j) * dims02(i, k) / 8.
  IpfMargins margins;
  margins.dims01 = Eigen::ArrayXXd{{6, 2}, {4, 4}};
  margins.dims02 = Eigen::ArrayXXd{{5, 3}, {6, 2}};
  const IpfResult result = ipf_fit(Cube(2, 2, 2, 1.0), margins);

  EXPECT_TRUE(result.converged);
  EXPECT_EQ(result.iterations, 1);
  const double expected[2][2][2] = {{{3.75, 2.25}, {1.25, 0.75}}, {{3, 1}, {3, 1}}};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 2; ++k)
        EXPECT_NEAR(result.fitted.at(i, j, k), expected[i][j][k], 1e-12) << i << j << k;
  ASSERT_TRUE(result.grand_total.has_value());
  EXPECT_DOUBLE_EQ(*result.grand_total, 16);
}

TEST(IpfFit, RecoversIndependentCubeFromItsMargins) {
  // x = 3805 a_i b_j c_k has no interactions, so it lies in the family IPF fits from a uniform
  // seed, and the fit of its three two-way margins is x itself.
  const Eigen::ArrayXd a = Eigen::ArrayXd{{0.1, 0.3, 0.6}};
  const Eigen::ArrayXd b = Eigen::ArrayXd{{0.4, 0.2, 0.25, 0.15}};
  const Eigen::ArrayXd c = Eigen::ArrayXd{{0.05, 0.5, 0.2, 0.15, 0.1}};
  Cube truth(3, 4, 5);
  for (Eigen::Index i = 0; i < 3; ++i)
    for (Eigen::Index j = 0; j < 4; ++j)
      for (Eigen::Index k = 0; k < 5; ++k) truth.at(i, j, k) = 3805 * a(i) * b(j) * c(k);

  const IpfResult result = ipf_fit(Cube(3, 4, 5, 1.0), all_margins(truth));

  ASSERT_TRUE(result.converged);
  for (std::size_t n = 0; n < truth.values.size(); ++n)
    EXPECT_NEAR(result.fitted.values[n], truth.values[n], 1e-7 * truth.values[n]) << n;
}

TEST(IpfFit, MeetsAllMarginsWithinTolerance) {
  const Cube truth = random_cube(4, 6, 5, 1);
  const IpfMargins margins = all_margins(truth);
  const IpfResult result = ipf_fit(random_cube(4, 6, 5, 2), margins);

  ASSERT_TRUE(result.converged);
  EXPECT_GT(result.iterations, 1);
  EXPECT_LE(result.max_relative_error, 1e-8);
  EXPECT_LE(margin_error(result.fitted, 2, *margins.dims01), 1e-8);
  EXPECT_LE(margin_error(result.fitted, 1, *margins.dims02), 1e-8);
  EXPECT_LE(margin_error(result.fitted, 0, *margins.dims12), 1e-8);
}

TEST(IpfFit, NanMarginCellIsLeftUnconstrained) {
  Cube seed(2, 2, 2);
  seed.values = {1, 2, 3, 4, 5, 6, 7, 8};
  IpfMargins margins;
  margins.dims01 = Eigen::ArrayXXd{{6, 14}, {22, NaN}};
  const IpfResult result = ipf_fit(seed, margins);

  ASSERT_TRUE(result.converged);
  EXPECT_FALSE(result.grand_total.has_value());  // no complete margin: nothing rescaled
  EXPECT_DOUBLE_EQ(result.fitted.at(1, 1, 0), 7);
  EXPECT_DOUBLE_EQ(result.fitted.at(1, 1, 1), 8);
  EXPECT_DOUBLE_EQ(result.fitted.at(0, 0, 0), 2);
  EXPECT_DOUBLE_EQ(result.fitted.at(0, 0, 1), 4);
}

TEST(IpfFit, NanMarginCellsWithOtherMarginsStillConverge) {
  const Cube truth = random_cube(3, 4, 5, 3);
  IpfMargins margins = all_margins(truth);
  (*margins.dims01)(1, 2) = NaN;  // suppressed in the published table
  (*margins.dims12)(0, 4) = NaN;
  const IpfResult result = ipf_fit(random_cube(3, 4, 5, 4), margins);

  ASSERT_TRUE(result.converged);
  EXPECT_LE(margin_error(result.fitted, 2, *margins.dims01), 1e-8);
  EXPECT_LE(margin_error(result.fitted, 1, *margins.dims02), 1e-8);
  EXPECT_LE(margin_error(result.fitted, 0, *margins.dims12), 1e-8);
}

TEST(IpfFit, InconsistentTotalsAreRescaledAndConverge) {
  const Cube truth = random_cube(3, 4, 5, 5);
  IpfMargins margins = all_margins(truth);
  const double first_total = margins.dims01->sum();
  *margins.dims12 *= 3801.0 / 3805.0;  // published tables that disagree on the total
  const IpfResult result = ipf_fit(random_cube(3, 4, 5, 6), margins);

  ASSERT_TRUE(result.converged);
  EXPECT_NEAR(*result.grand_total, first_total, 1e-9 * first_total);
  EXPECT_NEAR(total(result.fitted), first_total, 1e-8 * first_total);
  EXPECT_LE(margin_error(result.fitted, 2, *margins.dims01), 1e-8);
  const Eigen::ArrayXXd rescaled = *margins.dims12 * (first_total / margins.dims12->sum());
  EXPECT_LE(margin_error(result.fitted, 0, rescaled), 1e-8);
}

TEST(IpfFit, TargetTotalOptionSetsTheGrandTotal) {
  const Cube truth = random_cube(2, 3, 4, 7);
  IpfOptions options;
  options.target_total = 1000;
  const IpfResult result = ipf_fit(Cube(2, 3, 4, 1.0), all_margins(truth), options);

  ASSERT_TRUE(result.converged);
  EXPECT_NEAR(total(result.fitted), 1000, 1e-6);
}

TEST(IpfFit, CellwiseInconsistentMarginsStayBoundedWithoutConverging) {
  // dims01 and dims12 disagree on the i1 totals cell by cell, not only in total: no cube meets
  // both, so IPF must stop at max_iterations, finite and at the grand total.
  const Cube truth = random_cube(3, 4, 5, 8);
  IpfMargins margins = all_margins(truth);
  (*margins.dims12)(0, 0) += 5;
  (*margins.dims12)(1, 0) -= 0.5;
  IpfOptions options;
  options.max_iterations = 50;
  const IpfResult result = ipf_fit(random_cube(3, 4, 5, 9), margins, options);

  EXPECT_FALSE(result.converged);
  EXPECT_EQ(result.iterations, 50);
  EXPECT_GT(result.max_relative_error, 1e-4);
  for (const double v : result.fitted.values) EXPECT_TRUE(std::isfinite(v) && v >= 0);
  EXPECT_NEAR(total(result.fitted), *result.grand_total, 1e-9 * *result.grand_total);
}

TEST(IpfFit, ZeroSeedCellsStayZero) {
  const Cube truth = random_cube(3, 3, 3, 10);
  Cube seed = random_cube(3, 3, 3, 11);
  seed.at(0, 1, 2) = 0;
  seed.at(2, 2, 0) = 0;
  const IpfResult result = ipf_fit(seed, all_margins(truth));

  EXPECT_EQ(result.fitted.at(0, 1, 2), 0);
  EXPECT_EQ(result.fitted.at(2, 2, 0), 0);
}

TEST(IpfFit, AllZeroSliceWithPositiveMarginIsSpreadUniformly) {
  Cube seed(2, 2, 3, 1.0);
  for (Eigen::Index k = 0; k < 3; ++k) seed.at(1, 0, k) = 0;
  IpfMargins margins;
  margins.dims01 = Eigen::ArrayXXd{{3, 3}, {6, 3}};
  const IpfResult result = ipf_fit(seed, margins);

  ASSERT_TRUE(result.converged);
  for (Eigen::Index k = 0; k < 3; ++k) EXPECT_DOUBLE_EQ(result.fitted.at(1, 0, k), 2);
}

TEST(IpfFit, AllZeroSliceStillMeetsEveryMargin) {
  const Cube truth = random_cube(3, 4, 2, 12);
  Cube seed = random_cube(3, 4, 2, 13);
  for (Eigen::Index k = 0; k < 2; ++k) seed.at(2, 3, k) = 0;
  const IpfMargins margins = all_margins(truth);
  const IpfResult result = ipf_fit(seed, margins);

  ASSERT_TRUE(result.converged);
  EXPECT_LE(margin_error(result.fitted, 2, *margins.dims01), 1e-8);
  EXPECT_GT(result.fitted.at(2, 3, 0), 0);
}

TEST(IpfFit, RejectsNegativeSeedValue) {
  Cube seed(2, 2, 2, 1.0);
  seed.at(1, 0, 1) = -1;
  IpfMargins margins;
  margins.dims01 = Eigen::ArrayXXd::Ones(2, 2);
  EXPECT_THROW(ipf_fit(seed, margins), std::invalid_argument);
}

TEST(IpfFit, RejectsNegativeOrInfiniteMarginCell) {
  IpfMargins margins;
  margins.dims02 = Eigen::ArrayXXd{{1, -2}, {3, 4}};
  EXPECT_THROW(ipf_fit(Cube(2, 2, 2, 1.0), margins), std::invalid_argument);
  margins.dims02 = Eigen::ArrayXXd{{1, std::numeric_limits<double>::infinity()}, {3, 4}};
  EXPECT_THROW(ipf_fit(Cube(2, 2, 2, 1.0), margins), std::invalid_argument);
}

TEST(IpfFit, RejectsMarginOfWrongShape) {
  IpfMargins margins;
  margins.dims12 = Eigen::ArrayXXd::Ones(3, 2);  // should be n1 x n2 = 2 x 4
  EXPECT_THROW(ipf_fit(Cube(3, 2, 4, 1.0), margins), std::invalid_argument);
  margins.dims12 = Eigen::ArrayXXd::Ones(2, 4);
  EXPECT_NO_THROW(ipf_fit(Cube(3, 2, 4, 1.0), margins));
}

TEST(IpfFit, RejectsBadSeedShapeNoMarginsAndBadOptions) {
  Cube seed(2, 2, 2, 1.0);
  IpfMargins margins;
  EXPECT_THROW(ipf_fit(seed, margins), std::invalid_argument);  // no margins
  margins.dims01 = Eigen::ArrayXXd::Ones(2, 2);
  seed.values.pop_back();
  EXPECT_THROW(ipf_fit(seed, margins), std::invalid_argument);
  IpfOptions options;
  options.tolerance = 0;
  EXPECT_THROW(ipf_fit(Cube(2, 2, 2, 1.0), margins, options), std::invalid_argument);
}

TEST(RoundPreservingSum, HandCheckedLargestRemainders) {
  // Floors sum to 1 of round(3.0) = 3: the two largest remainders (0.8, then the first 0.4 of
  // three ties) get the extra units.
  EXPECT_EQ(round_preserving_sum({0.4, 0.4, 0.4, 1.8}), (std::vector<std::int64_t>{1, 0, 0, 2}));
  EXPECT_EQ(round_preserving_sum({}), std::vector<std::int64_t>{});
}

TEST(RoundPreservingSum, PreservesTotalAndMovesEachValueLessThanOne) {
  std::mt19937 engine(14);
  for (int trial = 0; trial < 100; ++trial) {
    std::vector<double> x(1 + engine() % 50);
    for (double& v : x) v = 100.0 * static_cast<double>(engine()) / 4294967296.0;
    const std::vector<std::int64_t> rounded = round_preserving_sum(x);

    ASSERT_EQ(rounded.size(), x.size());
    const double sum = std::accumulate(x.begin(), x.end(), 0.0);
    EXPECT_EQ(std::accumulate(rounded.begin(), rounded.end(), std::int64_t{0}), std::llround(sum));
    for (std::size_t i = 0; i < x.size(); ++i)
      EXPECT_LT(std::abs(static_cast<double>(rounded[i]) - x[i]), 1.0);
  }
}

TEST(RoundPreservingSum, CubeKeepsShapeAndTotal) {
  const Cube truth = random_cube(3, 4, 5, 15);
  const IpfResult result = ipf_fit(Cube(3, 4, 5, 1.0), all_margins(truth));
  const CountCube counts = round_cube_preserving_sum(result.fitted);

  EXPECT_EQ(counts.n0, 3);
  EXPECT_EQ(counts.n1, 4);
  EXPECT_EQ(counts.n2, 5);
  EXPECT_EQ(std::accumulate(counts.values.begin(), counts.values.end(), std::int64_t{0}),
            std::llround(total(truth)));
  for (std::size_t n = 0; n < counts.values.size(); ++n)
    EXPECT_LT(std::abs(static_cast<double>(counts.values[n]) - result.fitted.values[n]), 1.0);
}

TEST(RoundPreservingSum, RejectsNonFiniteValue) {
  EXPECT_THROW(round_preserving_sum({1.0, NaN}), std::invalid_argument);
}

}  // namespace
}  // namespace sendcast::models
