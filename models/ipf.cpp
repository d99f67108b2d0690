#include "models/ipf.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

namespace sendcast::models {
namespace {

//! One margin to meet: the cube summed over `summed_axis` should equal `target`.
struct Constraint {
  const char* name;
  int summed_axis;
  Eigen::ArrayXXd target;  //!< persons; NaN = unknown
};

void require(bool ok, const std::string& where, const std::string& what) {
  if (!ok) throw std::invalid_argument(where + ": " + what);
}

Eigen::Index extent(const Cube& cube, int axis) {
  return axis == 0 ? cube.n0 : axis == 1 ? cube.n1 : cube.n2;
}

//! Position of cell (i, j, k) in the margin that sums over `summed_axis`.
std::pair<Eigen::Index, Eigen::Index> margin_cell(int summed_axis, Eigen::Index i, Eigen::Index j,
                                                  Eigen::Index k) {
  if (summed_axis == 2) return {i, j};
  if (summed_axis == 1) return {i, k};
  return {j, k};
}

//! Calls visit(value, a, b) for every cell, with (a, b) its cell in the `summed_axis` margin.
template <typename CubeRef, typename Visit>
void for_each_cell(CubeRef& cube, int summed_axis, Visit visit) {
  std::size_t flat = 0;
  for (Eigen::Index i = 0; i < cube.n0; ++i)
    for (Eigen::Index j = 0; j < cube.n1; ++j)
      for (Eigen::Index k = 0; k < cube.n2; ++k) {
        const auto [a, b] = margin_cell(summed_axis, i, j, k);
        visit(cube.values[flat++], a, b);
      }
}

Eigen::ArrayXXd collapse(const Cube& cube, int summed_axis) {
  const int row_axis = summed_axis == 0 ? 1 : 0;
  const int col_axis = summed_axis == 2 ? 1 : 2;
  Eigen::ArrayXXd sums = Eigen::ArrayXXd::Zero(extent(cube, row_axis), extent(cube, col_axis));
  for_each_cell(cube, summed_axis,
                [&](double value, Eigen::Index a, Eigen::Index b) { sums(a, b) += value; });
  return sums;
}

void check_seed(const Cube& seed) {
  require(seed.n0 > 0 && seed.n1 > 0 && seed.n2 > 0, "ipf_fit: seed",
          "every dimension must be at least 1");
  require(seed.values.size() == static_cast<std::size_t>(seed.n0 * seed.n1 * seed.n2),
          "ipf_fit: seed",
          "has " + std::to_string(seed.values.size()) + " values for dimensions " +
              std::to_string(seed.n0) + " x " + std::to_string(seed.n1) + " x " +
              std::to_string(seed.n2));
  for (const double value : seed.values)
    require(std::isfinite(value) && value >= 0, "ipf_fit: seed",
            "expected non-negative finite values, found " + std::to_string(value));
}

void check_margin(const Eigen::ArrayXXd& margin, const std::string& where, Eigen::Index rows,
                  Eigen::Index cols) {
  require(margin.rows() == rows && margin.cols() == cols, where,
          "expected " + std::to_string(rows) + " x " + std::to_string(cols) + ", found " +
              std::to_string(margin.rows()) + " x " + std::to_string(margin.cols()));
  for (const double value : margin.reshaped())
    require(std::isnan(value) || (std::isfinite(value) && value >= 0), where,
            "expected non-negative values (NaN for unknown cells), found " + std::to_string(value));
}

//! The present margins, checked against the seed's dimensions, in fitting order.
std::vector<Constraint> gather_constraints(const Cube& seed, const IpfMargins& margins) {
  const std::pair<const char*, const std::optional<Eigen::ArrayXXd>*> named[] = {
      {"dims01", &margins.dims01}, {"dims02", &margins.dims02}, {"dims12", &margins.dims12}};
  std::vector<Constraint> constraints;
  for (int summed_axis = 2; summed_axis >= 0; --summed_axis) {
    const auto& [name, margin] = named[2 - summed_axis];
    if (!margin->has_value()) continue;
    const Eigen::ArrayXXd& target = **margin;
    const Eigen::Index rows = extent(seed, summed_axis == 0 ? 1 : 0);
    const Eigen::Index cols = extent(seed, summed_axis == 2 ? 1 : 2);
    check_margin(target, std::string("ipf_fit: ") + name, rows, cols);
    constraints.push_back({name, summed_axis, target});
  }
  require(!constraints.empty(), "ipf_fit", "no margins given");
  return constraints;
}

void check_options(const IpfOptions& options) {
  require(options.max_iterations >= 0, "ipf_fit: max_iterations", "must not be negative");
  require(std::isfinite(options.tolerance) && options.tolerance > 0, "ipf_fit: tolerance",
          "must be a positive number");
  if (options.target_total)
    require(std::isfinite(*options.target_total) && *options.target_total >= 0,
            "ipf_fit: target_total", "must be a non-negative number");
}

bool is_complete(const Eigen::ArrayXXd& margin) {
  return !margin.isNaN().any();
}

double known_total(const Eigen::ArrayXXd& margin) {
  return margin.isNaN().select(0.0, margin).sum();
}

//! options.target_total, else the total of the first margin with no unknown cells.
std::optional<double> reference_total(const std::vector<Constraint>& constraints,
                                      const IpfOptions& options) {
  if (options.target_total) return options.target_total;
  for (const Constraint& constraint : constraints)
    if (is_complete(constraint.target)) return known_total(constraint.target);
  return std::nullopt;
}

//! Rescales complete margins to `grand_total`; caps partial margins' known cells at it.
void rescale_to_total(std::vector<Constraint>& constraints, double grand_total) {
  for (Constraint& constraint : constraints) {
    const double total = known_total(constraint.target);
    const bool complete = is_complete(constraint.target);
    if (!complete && total <= grand_total) continue;
    require(total > 0 || grand_total == 0, std::string("ipf_fit: ") + constraint.name,
            "sums to 0, so cannot be rescaled to the grand total " + std::to_string(grand_total));
    if (total > 0) constraint.target *= grand_total / total;
  }
}

//! One raking step: scales each slice of the cube so it sums to its known margin cell.
void fit_constraint(Cube& cube, const Constraint& constraint) {
  const Eigen::ArrayXXd current = collapse(cube, constraint.summed_axis);
  const double slice_share = 1.0 / static_cast<double>(extent(cube, constraint.summed_axis));
  for_each_cell(cube, constraint.summed_axis, [&](double& value, Eigen::Index a, Eigen::Index b) {
    const double target = constraint.target(a, b);
    if (std::isnan(target)) return;
    const double sum = current(a, b);
    if (sum > 0) {
      value *= target / sum;
    } else {
      value = target * slice_share;  // all-zero slice: spread uniformly (see ipf.h)
    }
  });
}

double max_relative_error(const Cube& cube, const std::vector<Constraint>& constraints) {
  double worst = 0;
  for (const Constraint& constraint : constraints) {
    const Eigen::ArrayXXd& target = constraint.target;
    const Eigen::ArrayXXd current = collapse(cube, constraint.summed_axis);
    const Eigen::ArrayXXd scale = (target > 0).select(target, 1.0);
    const Eigen::ArrayXXd error = target.isNaN().select(0.0, (current - target).abs() / scale);
    worst = std::max(worst, error.maxCoeff());
  }
  return worst;
}

}  // namespace

IpfResult ipf_fit(const Cube& seed, const IpfMargins& margins, const IpfOptions& options) {
  check_seed(seed);
  check_options(options);
  std::vector<Constraint> constraints = gather_constraints(seed, margins);

  IpfResult result;
  result.grand_total = reference_total(constraints, options);
  if (result.grand_total) rescale_to_total(constraints, *result.grand_total);

  result.fitted = seed;
  result.max_relative_error = max_relative_error(result.fitted, constraints);
  result.converged = result.max_relative_error <= options.tolerance;
  while (!result.converged && result.iterations < options.max_iterations) {
    for (const Constraint& constraint : constraints) fit_constraint(result.fitted, constraint);
    ++result.iterations;
    result.max_relative_error = max_relative_error(result.fitted, constraints);
    result.converged = result.max_relative_error <= options.tolerance;
  }
  return result;
}

std::vector<std::int64_t> round_preserving_sum(const std::vector<double>& x) {
  double sum = 0;
  for (const double value : x) {
    require(std::isfinite(value), "round_preserving_sum",
            "expected finite values, found " + std::to_string(value));
    sum += value;
  }
  std::vector<std::int64_t> rounded(x.size());
  std::int64_t floor_total = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    rounded[i] = static_cast<std::int64_t>(std::floor(x[i]));
    floor_total += rounded[i];
  }
  // Largest remainders first; stable_sort keeps ties in index order, so the result is
  // deterministic. The clamp guards against the floating-point sum straying past an integer.
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return x[a] - std::floor(x[a]) > x[b] - std::floor(x[b]);
  });
  const std::int64_t shortfall = std::clamp<std::int64_t>(std::llround(sum) - floor_total, 0,
                                                          static_cast<std::int64_t>(x.size()));
  for (std::int64_t n = 0; n < shortfall; ++n) ++rounded[order[static_cast<std::size_t>(n)]];
  return rounded;
}

CountCube round_cube_preserving_sum(const Cube& cube) {
  CountCube counts(cube.n0, cube.n1, cube.n2);
  counts.values = round_preserving_sum(cube.values);
  return counts;
}

}  // namespace sendcast::models
