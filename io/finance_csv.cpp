#include "io/finance_csv.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "io/csv_writer.h"
#include "sim/quantiles.h"

namespace sendcast::io {

namespace {

using models::N_DSG_CATEGORIES;

Interval interval(const std::vector<double>& values) {
  if (values.empty()) return {};
  return {sim::quantile(values, 0.05), sim::quantile(values, 0.5), sim::quantile(values, 0.95)};
}

//! Per-run children, average cost and spend of one category (or all, category < 0) in a year.
FinanceRow finance_row(const sim::CostResults& r, int year, int category) {
  std::vector<double> children, average, spend;
  for (int run = 0; run < r.runs; ++run) {
    double n = 0, placed = 0, total = 0;
    for (int c = 0; c < N_DSG_CATEGORIES; ++c) {
      if (category >= 0 && c != category) continue;
      n += r.children[r.index(run, year, c)];
      placed += r.placement_spend[r.index(run, year, c)];
      total += r.spend(run, year, c);
    }
    children.push_back(n);
    spend.push_back(total);
    if (n > 0) average.push_back(placed / n);
  }
  FinanceRow row;
  row.financial_year = r.first_year + year;
  row.category = category < 0 ? "TOTAL" : std::string(models::DSG_CATEGORY_CODES[category]);
  row.children = interval(children);
  row.average_cost = interval(average);
  row.spend = interval(spend);
  return row;
}

//! Per-run spend, gap and cumulative deficit paths (runs x years).
struct DeficitRuns {
  std::vector<std::vector<double>> spend, gap, cumulative;
};

DeficitRuns deficit_runs(const sim::CostResults& r, const std::vector<double>& income,
                         double opening) {
  DeficitRuns d;
  for (int run = 0; run < r.runs; ++run) {
    std::vector<double> spend(r.years), gap(r.years);
    for (int y = 0; y < r.years; ++y) {
      spend[y] = r.total_spend(run, y);
      gap[y] = spend[y] - income[y];
    }
    d.cumulative.push_back(models::cumulative_deficit(opening, spend, income));
    d.spend.push_back(std::move(spend));
    d.gap.push_back(std::move(gap));
  }
  return d;
}

std::vector<double> year_values(const std::vector<std::vector<double>>& runs, int year) {
  std::vector<double> out;
  for (const auto& run : runs) out.push_back(run[year]);
  return out;
}

double share_above(const std::vector<double>& values, double threshold) {
  const auto n =
      std::count_if(values.begin(), values.end(), [&](double v) { return v > threshold; });
  return static_cast<double>(n) / static_cast<double>(values.size());
}

void add_deficit(FinanceSummary& s, const sim::CostResults& r, const std::vector<double>& income) {
  const DeficitRuns d = deficit_runs(r, income, s.opening_balance);
  std::vector<int> peaks;
  for (const auto& path : d.cumulative) peaks.push_back(models::peak_index(path));
  for (int y = 0; y < r.years; ++y) {
    DeficitRow row;
    row.financial_year = r.first_year + y;
    row.income = income[y];
    row.spend = interval(year_values(d.spend, y));
    row.gap = interval(year_values(d.gap, y));
    const std::vector<double> cumulative = year_values(d.cumulative, y);
    row.cumulative = interval(cumulative);
    row.probability_above_threshold = share_above(cumulative, s.threshold);
    row.share_peaking = static_cast<double>(std::count(peaks.begin(), peaks.end(), y)) / r.runs;
    s.deficit.push_back(row);
  }
  if (peaks.empty() || r.years == 0) return;
  std::nth_element(peaks.begin(), peaks.begin() + (peaks.size() - 1) / 2, peaks.end());
  s.median_peak_year = r.first_year + peaks[(peaks.size() - 1) / 2];
}

void add_transport(FinanceSummary& s, const sim::CostResults& r) {
  for (int y = 0; y < r.years; ++y) {
    std::vector<double> children, spend;
    for (int run = 0; run < r.runs; ++run) {
      const std::size_t i = static_cast<std::size_t>(run) * r.years + y;
      children.push_back(r.transport_children.empty() ? 0 : r.transport_children[i]);
      spend.push_back(r.transport_spend.empty() ? 0 : r.transport_spend[i]);
    }
    s.transport.push_back({r.first_year + y, interval(children), interval(spend)});
  }
}

//! Whole pounds: money is reported to the pound, never in exponent notation.
std::string gbp(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::vector<std::string> interval_fields(const Interval& i, std::string (*format)(double)) {
  return {format(i.p50), format(i.p05), format(i.p95)};
}

void append(std::vector<std::string>& row, const std::vector<std::string>& more) {
  row.insert(row.end(), more.begin(), more.end());
}

}  // namespace

FinanceSummary summarise_finance(const sim::CostResults& results, const std::vector<double>& income,
                                 double opening_balance, double threshold, bool illustrative) {
  if (results.runs <= 0) throw std::invalid_argument("summarise_finance: no runs");
  if (income.size() != static_cast<std::size_t>(results.years))
    throw std::invalid_argument("summarise_finance: one income per financial year expected");
  FinanceSummary s;
  s.opening_balance = opening_balance;
  s.threshold = threshold;
  s.illustrative = illustrative;
  for (int y = 0; y < results.years; ++y)
    for (int c = 0; c <= N_DSG_CATEGORIES; ++c)
      s.rows.push_back(finance_row(results, y, c < N_DSG_CATEGORIES ? c : -1));
  add_deficit(s, results, income);
  add_transport(s, results);
  return s;
}

std::vector<std::vector<double>> cumulative_deficit_per_run(const sim::CostResults& results,
                                                            const std::vector<double>& income,
                                                            double opening_balance) {
  return deficit_runs(results, income, opening_balance).cumulative;
}

void write_transport_csv(const std::filesystem::path& file, const FinanceSummary& summary) {
  const std::vector<std::string> header = {"financial_year", "children_p50", "children_p05",
                                           "children_p95",   "spend_p50",    "spend_p05",
                                           "spend_p95",      "costs"};
  std::vector<std::vector<std::string>> rows;
  for (const TransportRow& r : summary.transport) {
    std::vector<std::string> row = {models::financial_year_label(r.financial_year)};
    append(row, interval_fields(r.children, format_number));
    append(row, interval_fields(r.spend, gbp));
    row.push_back("illustrative unless set in [finance.transport]");
    rows.push_back(std::move(row));
  }
  write_rows_csv(file, header, rows);
}

std::string format_gbp_millions(double gbp) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "\u00a3%.3fm", gbp / 1e6);
  return buf;
}

void write_finance_csv(const std::filesystem::path& file, const FinanceSummary& summary) {
  const std::vector<std::string> header = {
      "financial_year", "category",         "children_p50",     "children_p05",
      "children_p95",   "average_cost_p50", "average_cost_p05", "average_cost_p95",
      "spend_p50",      "spend_p05",        "spend_p95",        "unit_costs"};
  std::vector<std::vector<std::string>> rows;
  for (const FinanceRow& r : summary.rows) {
    std::vector<std::string> row = {models::financial_year_label(r.financial_year), r.category};
    append(row, interval_fields(r.children, format_number));
    append(row, interval_fields(r.average_cost, gbp));
    append(row, interval_fields(r.spend, gbp));
    row.push_back(summary.illustrative ? "illustrative" : "supplied");
    rows.push_back(std::move(row));
  }
  write_rows_csv(file, header, rows);
}

void write_deficit_csv(const std::filesystem::path& file, const FinanceSummary& summary) {
  const std::vector<std::string> header = {
      "financial_year",    "hnb_income",     "spend_p50",        "spend_p05",
      "spend_p95",         "gap_p50",        "gap_p05",          "gap_p95",
      "cumulative_p50",    "cumulative_p05", "cumulative_p95",   "threshold",
      "probability_above", "share_peaking",  "median_peak_year", "unit_costs"};
  std::vector<std::vector<std::string>> rows;
  for (const DeficitRow& r : summary.deficit) {
    std::vector<std::string> row = {models::financial_year_label(r.financial_year), gbp(r.income)};
    append(row, interval_fields(r.spend, gbp));
    append(row, interval_fields(r.gap, gbp));
    append(row, interval_fields(r.cumulative, gbp));
    append(row, {gbp(summary.threshold), format_number(r.probability_above_threshold),
                 format_number(r.share_peaking),
                 r.financial_year == summary.median_peak_year ? "yes" : "no",
                 summary.illustrative ? "illustrative" : "supplied"});
    rows.push_back(std::move(row));
  }
  write_rows_csv(file, header, rows);
}

}  // namespace sendcast::io
