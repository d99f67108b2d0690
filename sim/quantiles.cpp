#include "sim/quantiles.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

namespace sendcast::sim {
namespace {

using Values = std::vector<double>;

constexpr std::size_t BUCKETS = 2048;      //!< equal-width value buckets per bucketing pass
constexpr std::size_t DIRECT_BELOW = 512;  //!< fewer values than this: nth_element directly
constexpr int MAX_BUCKET_DEPTH = 4;        //!< bucketing passes before nth_element takes over

void require(bool ok, const std::string& where, const std::string& what) {
  if (!ok) throw std::invalid_argument(where + ": " + what);
}

struct Extremes {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  void add(double value) {
    min = std::min(min, value);
    max = std::max(max, value);
  }
};

//! Where type 7 reads probability p among n sorted values: 0-based neighbours and the weight of
//! the upper one. Computed as R does (1-based index = 1 + (n - 1) p), to agree bit for bit.
struct Position {
  std::size_t lo = 0;
  std::size_t hi = 0;
  double weight = 0;  //!< index - floor(index), in [0, 1)
};

Position type7_position(std::size_t n, double p) {
  const double index = 1 + static_cast<double>(n - 1) * p;
  const double lo = std::floor(index);
  return {static_cast<std::size_t>(lo) - 1, static_cast<std::size_t>(std::ceil(index)) - 1,
          index - lo};
}

//! R's (1 - h) x_lo + h x_hi, skipped when h = 0 or x_lo = x_hi so ties return exactly.
double interpolate(double low, double high, double weight) {
  if (weight == 0 || low == high) return low;
  return (1 - weight) * low + weight * high;
}

//! Partially orders [first, last) so that each of `ranks` (sorted, unique offsets from `begin`)
//! holds the value a full sort would put there: nth_element at the middle rank, then
//! recursively on each side.
void select_positions(Values::iterator begin, Values::iterator first, Values::iterator last,
                      std::span<const std::size_t> ranks) {
  if (ranks.empty()) return;
  const std::size_t middle = ranks.size() / 2;
  const Values::iterator nth = begin + static_cast<std::ptrdiff_t>(ranks[middle]);
  std::nth_element(first, nth, last);
  select_positions(begin, first, nth, ranks.first(middle));
  select_positions(begin, nth + 1, last, ranks.subspan(middle + 1));
}

void select_directly(std::span<const double> values, std::span<const std::size_t> ranks,
                     std::span<double> out) {
  Values copy(values.begin(), values.end());
  select_positions(copy.begin(), copy.begin(), copy.end(), ranks);
  for (std::size_t i = 0; i < ranks.size(); ++i) out[i] = copy[ranks[i]];
}

//! Equal-width bucket of a value in [range.min, range.max]. Subtraction, multiplication by a
//! positive constant and truncation are each monotone in floating point, so v < w implies
//! bucket(v) <= bucket(w): bucket order is value order.
class Bucketing {
 public:
  explicit Bucketing(const Extremes& range)
      : min_(range.min), scale_(static_cast<double>(BUCKETS) / (range.max - range.min)) {}
  //! False when the range is too wide or too narrow for a finite positive scale.
  bool usable() const { return std::isfinite(scale_) && scale_ > 0; }
  std::size_t operator()(double value) const {
    return std::min(static_cast<std::size_t>((value - min_) * scale_), BUCKETS - 1);
  }

 private:
  double min_;
  double scale_;  //!< buckets per unit of value
};

//! A bucket holding some of the wanted ranks, and where its values are gathered.
struct Part {
  std::size_t bucket = 0;
  std::size_t first_value_rank = 0;  //!< rank of the bucket's smallest value among all values
  std::size_t size = 0;              //!< values in the bucket
  std::size_t first_rank = 0;        //!< index of its first wanted rank in `ranks`
  std::size_t rank_count = 0;
  std::size_t offset = 0;  //!< where its values start in the gathered buffer
  Extremes range;          //!< of its values, filled while gathering
};

//! The buckets holding `ranks` (sorted), in bucket order, from the bucket counts.
std::vector<Part> wanted_parts(const std::vector<std::size_t>& counts,
                               std::span<const std::size_t> ranks) {
  std::vector<Part> parts;
  std::size_t bucket = 0;
  std::size_t first_value_rank = 0;
  std::size_t gathered = 0;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    while (first_value_rank + counts[bucket] <= ranks[i]) first_value_rank += counts[bucket++];
    if (parts.empty() || parts.back().bucket != bucket) {
      parts.push_back({bucket, first_value_rank, counts[bucket], i, 0, gathered, Extremes{}});
      gathered += counts[bucket];
    }
    ++parts.back().rank_count;
  }
  return parts;
}

//! Copies the values of the wanted buckets, bucket by bucket, in one pass.
Values gather(std::span<const double> values, const Bucketing& bucket_of,
              std::vector<Part>& parts) {
  constexpr std::size_t UNWANTED = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> slot(BUCKETS, UNWANTED);  // bucket -> index in parts
  std::vector<std::size_t> cursor(parts.size());
  for (std::size_t p = 0; p < parts.size(); ++p) {
    slot[parts[p].bucket] = p;
    cursor[p] = parts[p].offset;
  }
  Values gathered(parts.back().offset + parts.back().size);
  for (const double value : values) {
    const std::size_t p = slot[bucket_of(value)];
    if (p == UNWANTED) continue;
    gathered[cursor[p]++] = value;
    parts[p].range.add(value);
  }
  return gathered;
}

//! Sets out[i] to the value of rank ranks[i] (sorted, unique, 0-based) among `values`, whose
//! extremes are `range`. A bucket select (as in Alabi et al. 2012, "Fast k-selection algorithms
//! for graphics processing units"): one pass counts values into equal-width buckets, a second
//! gathers only the few buckets holding a wanted rank, and the same runs on each of those;
//! std::nth_element finishes small buckets. The result is the exact order statistic, whatever
//! the order of `values`: ties and outliers can only make a bucket bigger, not the answer wrong.
void order_statistics(std::span<const double> values, const Extremes& range,
                      std::span<const std::size_t> ranks, std::span<double> out, int depth) {
  if (range.min == range.max) {
    std::fill(out.begin(), out.end(), range.min);
    return;
  }
  const Bucketing bucket_of(range);
  if (values.size() < DIRECT_BELOW || depth == MAX_BUCKET_DEPTH || !bucket_of.usable()) {
    select_directly(values, ranks, out);
    return;
  }
  std::vector<std::size_t> counts(BUCKETS, 0);
  for (const double value : values) ++counts[bucket_of(value)];
  std::vector<Part> parts = wanted_parts(counts, ranks);
  const Values gathered = gather(values, bucket_of, parts);
  std::vector<std::size_t> local_ranks;
  for (const Part& part : parts) {
    local_ranks.clear();
    for (std::size_t i = part.first_rank; i < part.first_rank + part.rank_count; ++i)
      local_ranks.push_back(ranks[i] - part.first_value_rank);
    order_statistics(std::span(gathered).subspan(part.offset, part.size), part.range, local_ranks,
                     out.subspan(part.first_rank, part.rank_count), depth + 1);
  }
}

//! The common case of counts: integer values spanning at most BUCKETS values and no more than
//! there are values. One pass counts each value at its offset from min; each rank is then read
//! off the running count as min + offset (no gather, no nth_element). Every value is checked to
//! be exactly min + its offset, so these are order_statistics()'s values bit for bit. False,
//! with `out` unset, when one is not (a fraction, or -0, which min + 0 would turn into +0).
bool integer_order_statistics(std::span<const double> values, const Extremes& range,
                              std::span<const std::size_t> ranks, std::span<double> out) {
  const double width = range.max - range.min;
  if (!(width < static_cast<double>(BUCKETS)) || width > static_cast<double>(values.size()))
    return false;
  // Four interleaved counts per value, so that a run of equal values (zeros, mostly) does not
  // wait on its own previous increment; the check is folded in and tested once at the end.
  constexpr std::size_t WAYS = 4;
  static_assert(WAYS == 4, "count() below adds four");
  const auto n_values = static_cast<std::size_t>(width) + 1;
  std::vector<std::size_t> counts(n_values * WAYS, 0);
  bool exact = true;
  for (std::size_t j = 0; j < values.size(); ++j) {
    const double value = values[j];
    const auto i = static_cast<std::int64_t>(value - range.min);  // 0 to width: value >= min
    exact &= (range.min + static_cast<double>(i) == value) & !((value == 0) & std::signbit(value));
    ++counts[static_cast<std::size_t>(i) * WAYS + j % WAYS];
  }
  if (!exact) return false;
  std::size_t offset = 0;
  std::size_t below = 0;  // values before `offset`
  const auto count = [&](std::size_t v) {
    return counts[v * WAYS] + counts[v * WAYS + 1] + counts[v * WAYS + 2] + counts[v * WAYS + 3];
  };
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    while (below + count(offset) <= ranks[i]) below += count(offset++);
    out[i] = range.min + static_cast<double>(offset);
  }
  return true;
}

//! Type 7 quantiles at `probs` of `values`, whose extremes are `range`.
template <std::size_t K>
std::array<double, K> select_quantiles(std::span<const double> values, const Extremes& range,
                                       const std::array<double, K>& probs) {
  std::array<Position, K> where;
  std::array<std::size_t, 2 * K> ranks;
  for (std::size_t k = 0; k < K; ++k) {
    where[k] = type7_position(values.size(), probs[k]);
    ranks[2 * k] = where[k].lo;
    ranks[2 * k + 1] = where[k].hi;
  }
  std::sort(ranks.begin(), ranks.end());
  const std::span<const std::size_t> unique_ranks(ranks.begin(),
                                                  std::unique(ranks.begin(), ranks.end()));
  std::array<double, 2 * K> selected;
  if (!integer_order_statistics(values, range, unique_ranks, selected))
    order_statistics(values, range, unique_ranks, selected, 0);
  const auto value_at = [&](std::size_t rank) {
    return selected[static_cast<std::size_t>(
        std::lower_bound(unique_ranks.begin(), unique_ranks.end(), rank) - unique_ranks.begin())];
  };
  std::array<double, K> quantiles;
  for (std::size_t k = 0; k < K; ++k)
    quantiles[k] = interpolate(value_at(where[k].lo), value_at(where[k].hi), where[k].weight);
  return quantiles;
}

//! Mean summed in run order, then sample sd (n - 1) from a second pass in run order; also the
//! extremes, which ride along free on the first pass.
Extremes moments_in_order(std::span<const double> values, Summary& summary) {
  double sum = 0;
  Extremes range;
  for (const double value : values) {
    sum += value;
    range.add(value);
  }
  const double n = static_cast<double>(values.size());
  summary.mean = sum / n;
  if (values.size() < 2) return range;
  double squares = 0;
  for (const double value : values) squares += (value - summary.mean) * (value - summary.mean);
  summary.sd = std::sqrt(squares / (n - 1));
  return range;
}

//! Summary of one category's run values, given in run order.
Summary summarise_values(std::span<const double> values, Eigen::Index column) {
  Summary summary;
  const Extremes range = moments_in_order(values, summary);
  // A NaN or infinity anywhere makes the sum non-finite: one check instead of one per value.
  require(std::isfinite(summary.mean), "summarise: column " + std::to_string(column),
          "has a non-finite value (or its sum overflows)");
  const std::array<double, 7> q = select_quantiles(values, range, SUMMARY_PROBS);
  summary.p05 = q[0];
  summary.p10 = q[1];
  summary.p25 = q[2];
  summary.p50 = q[3];
  summary.p75 = q[4];
  summary.p90 = q[5];
  summary.p95 = q[6];
  return summary;
}

//! The values of one column, in run order (column-major storage keeps them contiguous).
std::span<const double> column_values(const Eigen::ArrayXXd& per_run, Eigen::Index column,
                                      Values&) {
  return {per_run.data() + column * per_run.rows(), static_cast<std::size_t>(per_run.rows())};
}

std::span<const double> column_values(
    const Eigen::Array<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>& per_run, Eigen::Index column,
    Values& buffer) {
  const std::int64_t* first = per_run.data() + column * per_run.rows();
  std::transform(first, first + per_run.rows(), buffer.begin(),
                 [](std::int64_t value) { return static_cast<double>(value); });
  return buffer;
}

//! Every column, or those whose `wanted` entry is true (the rest left default).
template <typename PerRun>
std::vector<Summary> summarise_columns(const PerRun& per_run,
                                       const std::vector<bool>* wanted = nullptr) {
  require(per_run.rows() > 0, "summarise", "no runs to summarise");
  require(!wanted || wanted->size() == static_cast<std::size_t>(per_run.cols()), "summarise",
          "the wanted columns do not match the columns");
  std::vector<Summary> summaries(static_cast<std::size_t>(per_run.cols()));
  Values buffer(static_cast<std::size_t>(per_run.rows()));
  for (Eigen::Index column = 0; column < per_run.cols(); ++column)
    if (!wanted || (*wanted)[static_cast<std::size_t>(column)])
      summaries[static_cast<std::size_t>(column)] =
          summarise_values(column_values(per_run, column, buffer), column);
  return summaries;
}

}  // namespace

std::vector<Summary> summarise(const Eigen::ArrayXXd& per_run) {
  return summarise_columns(per_run);
}

std::vector<Summary> summarise(const Eigen::ArrayXXd& per_run, const std::vector<bool>& wanted) {
  return summarise_columns(per_run, &wanted);
}

Summary summarise(std::span<const double> values) {
  require(!values.empty(), "summarise", "no runs to summarise");
  return summarise_values(values, 0);
}

std::vector<Summary> summarise(
    const Eigen::Array<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>& per_run) {
  return summarise_columns(per_run);
}

double quantile(const std::vector<double>& values, double p) {
  require(!values.empty(), "quantile", "no values");
  require(p >= 0 && p <= 1, "quantile", "expected p in [0, 1], found " + std::to_string(p));
  require(std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); }),
          "quantile", "has a non-finite value");
  Extremes range;
  for (const double value : values) range.add(value);
  return select_quantiles(values, range, std::array<double, 1>{p})[0];
}

double probability_above(const Eigen::ArrayXd& values, double threshold) {
  require(values.size() > 0, "probability_above", "no values");
  require(!std::isnan(threshold), "probability_above", "threshold is NaN");
  require(!values.isNaN().any(), "probability_above", "has a NaN value");
  return static_cast<double>((values > threshold).count()) / static_cast<double>(values.size());
}

}  // namespace sendcast::sim
