#pragma once
// Iterative proportional fitting (IPF, "raking": Deming and Stephan 1940) of a 3-D array of
// nonnegative weights to up to three of its two-way margins, and largest-remainder rounding
// that turns the fitted array into integer counts with the same total.
//
// Typical use: a need x age x placement cube of EHCP caseload, seeded from national shares and
// raked to an authority's published need x age, need x placement and age x placement tables.
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <Eigen/Core>

namespace sendcast::models {

//! A dense 3-D array stored row-major in (i0, i1, i2): i2 varies fastest.
template <typename T>
struct BasicCube {
  Eigen::Index n0 = 0;
  Eigen::Index n1 = 0;
  Eigen::Index n2 = 0;
  std::vector<T> values;  //!< n0 * n1 * n2 entries

  BasicCube() = default;
  explicit BasicCube(Eigen::Index size0, Eigen::Index size1, Eigen::Index size2, T fill = T{})
      : n0(size0),
        n1(size1),
        n2(size2),
        values(static_cast<std::size_t>(size0 * size1 * size2), fill) {}

  //! Position of (i, j, k) in `values`; bounds are checked by assert only (as Eigen does).
  std::size_t index(Eigen::Index i, Eigen::Index j, Eigen::Index k) const {
    assert(i >= 0 && i < n0 && j >= 0 && j < n1 && k >= 0 && k < n2);
    return static_cast<std::size_t>((i * n1 + j) * n2 + k);
  }
  T& at(Eigen::Index i, Eigen::Index j, Eigen::Index k) { return values[index(i, j, k)]; }
  const T& at(Eigen::Index i, Eigen::Index j, Eigen::Index k) const {
    return values[index(i, j, k)];
  }
};

using Cube = BasicCube<double>;             //!< fitted weights (persons, fractional)
using CountCube = BasicCube<std::int64_t>;  //!< integer counts (persons)

//! Two-way margins of a Cube, each the cube summed over its third axis; any may be absent.
//! A NaN cell is unknown (a suppressed cell in a published table) and is not constrained.
struct IpfMargins {
  std::optional<Eigen::ArrayXXd> dims01;  //!< n0 x n1, summed over i2 (persons)
  std::optional<Eigen::ArrayXXd> dims02;  //!< n0 x n2, summed over i1 (persons)
  std::optional<Eigen::ArrayXXd> dims12;  //!< n1 x n2, summed over i0 (persons)
};

struct IpfOptions {
  int max_iterations = 500;  //!< full cycles through the margins
  double tolerance = 1e-8;   //!< converged when every known margin cell is this close, relative
  //! Grand total every margin is rescaled to before fitting (persons). When absent, the total
  //! of the first margin without NaN cells, in the order dims01, dims02, dims12.
  std::optional<double> target_total;
};

struct IpfResult {
  Cube fitted;
  int iterations = 0;  //!< full cycles run
  bool converged = false;
  //! Largest |fitted - target| / target over known margin cells after the last cycle (absolute,
  //! in persons, where the target is 0), measured against the rescaled margins.
  double max_relative_error = 0;
  //! The common grand total the margins were rescaled to; absent when every margin has NaN cells
  //! and no target_total was given, so no rescaling was done.
  std::optional<double> grand_total;
};

//! Rakes `seed` to the known cells of `margins` by cycling dims01, dims02, dims12.
//!
//! Published margins often disagree on their shared totals (need x age summing to 3805 but age x
//! placement to 3801), and IPF cannot meet margins with different totals. So every margin is
//! first rescaled to one grand total (options.target_total, else the first complete margin's).
//! A margin with NaN cells has an unknown total and keeps its known cells as given, unless they
//! already exceed the grand total, in which case they are scaled down to it.
//!
//! Zero seed cells stay zero (IPF only multiplies), except for one case: a known margin cell > 0
//! whose slice of the cube is all zero is spread uniformly across that slice, since a structural
//! zero there would otherwise make the margin impossible to meet.
//!
//! Throws std::invalid_argument for a negative or non-finite seed value, a negative or infinite
//! margin cell, margins of the wrong shape, no margins at all, or bad options.
IpfResult ipf_fit(const Cube& seed, const IpfMargins& margins, const IpfOptions& options = {});

//! Largest-remainder (Hamilton) rounding: floors every value, then adds 1 to the values with the
//! largest fractional parts (ties to the lower index) until the integers sum to round(sum(x)).
//! Every result is floor(x) or floor(x) + 1, so none moves by 1 or more. Throws
//! std::invalid_argument for a non-finite value.
std::vector<std::int64_t> round_preserving_sum(const std::vector<double>& x);

//! round_preserving_sum over the flattened cube: the integer cube sums to round(sum(cube)).
//! A separate name, not an overload, so that round_preserving_sum({...}) stays unambiguous.
CountCube round_cube_preserving_sum(const Cube& cube);

}  // namespace sendcast::models
