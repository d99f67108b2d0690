#include "models/benchmark.h"

#include <cstdio>

namespace sendcast::models {

const std::vector<BenchmarkMetric>& benchmark_metrics() {
  static const std::vector<BenchmarkMetric> list = [] {
    std::vector<BenchmarkMetric> m = {
        {"plans", "EHC plans at January", "number of EHC plans"},
        {"plans_per_1000_0_25", "plans per 1,000 residents aged 0-25 (ONS)",
         "plans per resident aged 0-25"},
        {"growth_1y_pct", "growth on the year before, %", "growth in plans over the last year"},
        {"growth_since_2019_pct", "growth since January 2019, %", "growth in plans since 2019"},
        {"new_per_100_plans", "new plans in the year before per 100 plans", "rate of new plans"},
        {"new_per_1000_0_25", "new plans per 1,000 residents aged 0-25", "new plans per resident"},
        {"ceased_per_100_plans", "plans ceased in the year before per 100 plans",
         "rate of plans ceasing"},
        {"assess_per_100_requests", "requests the LA decided to assess, per 100 requests",
         "share of requests assessed"},
        {"new_per_100_requests", "new plans per 100 requests", "conversion of requests to plans"},
    };
    for (int q = 0; q < N_PLACEMENTS; ++q)
      m.push_back({"share:" + std::string(PLACEMENT_CODES[q]),
                   "% of plans: " + std::string(PLACEMENT_LABELS[q]),
                   "share of plans in " + std::string(PLACEMENT_LABELS[q])});
    for (int n = 0; n < N_NEEDS; ++n)
      m.push_back({"need:" + std::string(NEED_CODES[n]),
                   "% of plans with primary need " + std::string(NEED_CODES[n]),
                   "share of plans with primary need " + std::string(NEED_CODES[n])});
    return m;
  }();
  return list;
}

namespace {

std::optional<double> at(const std::map<int, io::Count>& m, int year) {
  auto it = m.find(year);
  if (it == m.end() || !it->second) return std::nullopt;
  return static_cast<double>(*it->second);
}

}  // namespace

std::map<std::string, double> metric_values(const io::LaHistory& h, int year) {
  std::map<std::string, double> v;
  const auto plans = at(h.caseload, year);
  if (!plans || *plans <= 0) return v;
  v["plans"] = *plans;
  const auto pop = h.population_0_25(year - 1);
  if (pop && *pop > 0) v["plans_per_1000_0_25"] = 1000 * *plans / *pop;
  if (const auto prev = at(h.caseload, year - 1); prev && *prev > 0)
    v["growth_1y_pct"] = 100 * (*plans / *prev - 1);
  if (const auto base = at(h.caseload, 2019); base && *base > 0 && year > 2019)
    v["growth_since_2019_pct"] = 100 * (*plans / *base - 1);
  const auto prev = at(h.caseload, year - 1);
  if (const auto joined = at(h.new_plans, year - 1)) {
    if (prev && *prev > 0) v["new_per_100_plans"] = 100 * *joined / *prev;
    if (pop && *pop > 0) v["new_per_1000_0_25"] = 1000 * *joined / *pop;
    if (auto r = h.requests.find(year - 1);
        r != h.requests.end() && r->second.received && *r->second.received > 0)
      v["new_per_100_requests"] = 100 * *joined / static_cast<double>(*r->second.received);
  }
  if (auto c = h.ceased.find(year - 1); c != h.ceased.end() && c->second.total && prev && *prev > 0)
    v["ceased_per_100_plans"] = 100 * static_cast<double>(*c->second.total) / *prev;
  if (auto r = h.requests.find(year - 1); r != h.requests.end() && r->second.received &&
                                          *r->second.received > 0 && r->second.decided_to_assess)
    v["assess_per_100_requests"] = 100 * static_cast<double>(*r->second.decided_to_assess) /
                                   static_cast<double>(*r->second.received);
  if (auto p = h.caseload_by_placement.find(year); p != h.caseload_by_placement.end())
    for (int q = 0; q < N_PLACEMENTS; ++q)
      if (p->second[q])
        v["share:" + std::string(PLACEMENT_CODES[q])] =
            100 * static_cast<double>(*p->second[q]) / *plans;
  if (auto n = h.caseload_by_need.find(year); n != h.caseload_by_need.end())
    for (int k = 0; k < N_NEEDS; ++k)
      if (n->second[k])
        v["need:" + std::string(NEED_CODES[k])] = 100 * static_cast<double>(*n->second[k]) / *plans;
  return v;
}

int rank_from_highest(double value, const std::vector<double>& values) {
  int rank = 1;
  for (double x : values)
    if (x > value) ++rank;
  return rank;
}

double percentile_of(double value, const std::vector<double>& values) {
  if (values.empty()) return 0;
  int at_or_below = 0;
  for (double x : values) at_or_below += x <= value;
  return 100.0 * at_or_below / static_cast<double>(values.size());
}

std::string rank_sentence(const std::string& la_name, int rank, int group_size,
                          const std::string& noun) {
  auto ordinal = [](int n) {
    const int mod100 = n % 100, mod10 = n % 10;
    const char* suffix = (mod100 >= 11 && mod100 <= 13) ? "th"
                         : mod10 == 1                   ? "st"
                         : mod10 == 2                   ? "nd"
                         : mod10 == 3                   ? "rd"
                                                        : "th";
    return std::to_string(n) + suffix;
  };
  if (rank == 1)
    return la_name + " has the highest " + noun + " among its " + std::to_string(group_size) +
           "-LA group.";
  if (rank == group_size)
    return la_name + " has the lowest " + noun + " among its " + std::to_string(group_size) +
           "-LA group.";
  return la_name + " has the " + ordinal(rank) + " highest " + noun + " among its " +
         std::to_string(group_size) + "-LA group.";
}

}  // namespace sendcast::models
