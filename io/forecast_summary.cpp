#include "io/forecast_summary.h"

#include <iterator>
#include <set>

#include "io/parallel_rows.h"

namespace sendcast::io {

namespace {

int index_of(auto codes, const std::string& code) {
  for (std::size_t i = 0; i < codes.size(); ++i)
    if (codes[i] == code) return static_cast<int>(i);
  return -1;
}

}  // namespace

std::vector<std::string> reported_breakdowns(const models::ModelParameters& p) {
  std::vector<std::string> out = {"total", "age_band", "flow"};
  if (p.ages_known) out.push_back("age");
  if (p.placements_known) out.push_back("placement");
  if (p.needs_known) out.push_back("need");
  if (p.townships.size() > 1) out.push_back("township");
  if (p.needs_known && p.placements_known) out.push_back("specialist");
  return out;
}

std::optional<double> actual_value(const LaHistory& h, const std::string& breakdown,
                                   const std::string& category, int year) {
  auto count = [](const Count& c) -> std::optional<double> {
    return c ? std::optional<double>(static_cast<double>(*c)) : std::nullopt;
  };
  if (breakdown == "total") {
    auto it = h.caseload.find(year);
    return it == h.caseload.end() ? std::nullopt : count(it->second);
  }
  if (breakdown == "age_band") {
    auto it = h.caseload_by_band.find(year);
    const int b = index_of(AGE_BAND_CODES, category);
    return it == h.caseload_by_band.end() || b < 0 ? std::nullopt : count(it->second[b]);
  }
  if (breakdown == "placement") {
    auto it = h.caseload_by_placement.find(year);
    const int q = index_of(PLACEMENT_CODES, category);
    return it == h.caseload_by_placement.end() || q < 0 ? std::nullopt : count(it->second[q]);
  }
  if (breakdown == "need") {
    auto it = h.caseload_by_need.find(year);
    const int n = index_of(NEED_CODES, category);
    return it == h.caseload_by_need.end() || n < 0 ? std::nullopt : count(it->second[n]);
  }
  if (breakdown == "age") {
    auto it = h.caseload_by_age.find(year);
    if (it == h.caseload_by_age.end()) return std::nullopt;
    const int a = std::stoi(category);
    for (const auto& row : it->second)
      if (row.ages.min == a && row.ages.max == a) return count(row.total);
    return std::nullopt;
  }
  return std::nullopt;
}

std::vector<SummaryRow> summarise_forecast(const sim::RunResults& results,
                                           const models::ModelParameters& p,
                                           const LaHistory& history, int threads) {
  std::vector<SummaryRow> rows;
  const auto breakdowns = reported_breakdowns(p);
  std::set<int> history_years;
  for (const auto& [year, c] : history.caseload)
    if (year < results.first_year) history_years.insert(year);
  for (const auto& name : breakdowns) {
    const auto& b = results.layout.find(name);
    for (int year : history_years)
      for (const auto& cat : b.categories)
        if (auto a = actual_value(history, name, cat, year))
          rows.push_back({year, name, cat, a, std::nullopt});
  }
  // Each year's quantiles on their own, the years in parallel; each thread reuses its run x
  // column array (a fresh one a year cost its page faults every year).
  auto forecast = rows_in_parallel_with_scratch<SummaryRow, Eigen::ArrayXXd>(
      results.years, threads, [&](int y, Eigen::ArrayXXd& per_run) {
        per_run.resize(results.runs, results.layout.columns());
        for (int r = 0; r < results.runs; ++r) {
          const std::int32_t* row = results.row(r, y);
          for (int c = 0; c < results.layout.columns(); ++c) per_run(r, c) = row[c];
        }
        const auto summaries = sim::summarise(per_run);
        const int year = results.first_year + y;
        std::vector<SummaryRow> out;
        for (const auto& name : breakdowns) {
          const auto& b = results.layout.find(name);
          for (std::size_t i = 0; i < b.categories.size(); ++i)
            out.push_back({year, name, b.categories[i],
                           actual_value(history, name, b.categories[i], year),
                           summaries[b.offset + i]});
        }
        return out;
      });
  rows.insert(rows.end(), std::make_move_iterator(forecast.begin()),
              std::make_move_iterator(forecast.end()));
  return rows;
}

}  // namespace sendcast::io
