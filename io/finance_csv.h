#pragma once
// The finance outputs, summarised over runs last (every total and deficit is rolled up inside
// each run first):
//   finance.csv  the DSG management plan layout: one row per DSG category (and TOTAL) x
//                financial year: children (child-years), average cost per child placed
//                (placement spend / children, fixed lines excluded), spend (placements and
//                fixed lines): median and 90% interval (p05, p95) of each.
//   deficit.csv  one row per financial year: HNB income, spend, in-year gap (spend - income)
//                and cumulative deficit (median, p05, p95), the probability the cumulative
//                deficit exceeds the threshold, the share of runs whose deficit peaks that
//                year, and which year is the median peak year.
//   transport.csv one row per financial year: home-to-school transport for specialist
//                placements (a council cost, outside the HNB and the deficit): children carried
//                and spend, median and 90% interval; its costs are illustrative unless the
//                scenario sets [finance.transport].
#include <filesystem>
#include <string>
#include <vector>

#include "models/cost_model.h"
#include "sim/cost_observer.h"

namespace sendcast::io {

//! Median and 90% interval over runs.
struct Interval {
  double p05 = 0;
  double p50 = 0;
  double p95 = 0;
};

struct FinanceRow {
  int financial_year = 0;
  std::string category;  //!< a DSG category code or "TOTAL"
  Interval children;
  Interval average_cost;  //!< over runs with children in the category; 0 if none had any
  Interval spend;
};

struct DeficitRow {
  int financial_year = 0;
  double income = 0;  //!< GBP, the same in every run
  Interval spend, gap, cumulative;
  double probability_above_threshold = 0;
  double share_peaking = 0;  //!< of runs whose cumulative deficit is largest this year
};

struct TransportRow {
  int financial_year = 0;
  Interval children, spend;
};

struct FinanceSummary {
  std::vector<FinanceRow> rows;
  std::vector<DeficitRow> deficit;
  std::vector<TransportRow> transport;
  double opening_balance = 0;  //!< GBP, cumulative deficit at the start of the first year
  double threshold = 0;        //!< GBP
  int median_peak_year = 0;    //!< lower median over runs of each run's peak financial year
  bool illustrative = false;   //!< unit costs from the shipped illustrative table
};

//! Quantiles of per-run spend and deficits. `income` has one value per financial year of
//! `results`. Throws std::invalid_argument for no runs.
FinanceSummary summarise_finance(const sim::CostResults& results, const std::vector<double>& income,
                                 double opening_balance, double threshold, bool illustrative);

//! Each run's cumulative deficit at the end of each financial year: runs x years.
std::vector<std::vector<double>> cumulative_deficit_per_run(const sim::CostResults& results,
                                                            const std::vector<double>& income,
                                                            double opening_balance);

//! Money for sentences: 13609000 -> "£13.609m" (three decimals, as DSG papers quote it).
std::string format_gbp_millions(double gbp);

void write_finance_csv(const std::filesystem::path& file, const FinanceSummary& summary);
void write_deficit_csv(const std::filesystem::path& file, const FinanceSummary& summary);
void write_transport_csv(const std::filesystem::path& file, const FinanceSummary& summary);

}  // namespace sendcast::io
