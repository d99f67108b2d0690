// The report's finance section: per-run spend, allocation, in-year gap and cumulative DSG
// deficit, summarised over runs last (a deficit path is a per-run quantity: the median deficit is
// not the running sum of median gaps).
#include <Eigen/Dense>

#include "io/error.h"
#include "io/finance_csv.h"
#include "io/report_html.h"

namespace sendcast::io {

namespace {

using models::N_DSG_CATEGORIES;

//! A value that is the same in every run (the allocation) as a degenerate summary.
sim::Summary certain(double v) {
  sim::Summary s;
  s.mean = s.p05 = s.p10 = s.p25 = s.p50 = s.p75 = s.p90 = s.p95 = v;
  return s;
}

//! Per-run children (or spend) of each DSG category and their total: runs x (categories + 1).
Eigen::ArrayXXd by_category(const sim::CostResults& r, int year, bool spend) {
  Eigen::ArrayXXd out = Eigen::ArrayXXd::Zero(r.runs, N_DSG_CATEGORIES + 1);
  for (int run = 0; run < r.runs; ++run)
    for (int c = 0; c < N_DSG_CATEGORIES; ++c) {
      const double v = spend ? r.spend(run, year, c) : r.children[r.index(run, year, c)];
      out(run, c) = v;
      out(run, N_DSG_CATEGORIES) += v;
    }
  return out;
}

void add_category_rows(FinanceSection& f, const sim::CostResults& r, const std::string& breakdown,
                       bool spend) {
  for (int y = 0; y < r.years; ++y) {
    const auto s = sim::summarise(by_category(r, y, spend));
    for (int c = 0; c <= N_DSG_CATEGORIES; ++c) {
      const std::string code =
          c == N_DSG_CATEGORIES ? "TOTAL" : std::string(models::DSG_CATEGORY_CODES[c]);
      f.rows.push_back({r.first_year + y, breakdown, code, std::nullopt, s[c]});
    }
  }
}

}  // namespace

FinanceSection finance_section(const sim::CostResults& r, const std::vector<double>& income,
                               double opening_balance, double threshold,
                               std::vector<std::string> notes) {
  const Location where{"finance"};
  check(r.runs > 0 && r.years > 0, where, "runs", "no runs or no financial years to report");
  check(income.size() == static_cast<std::size_t>(r.years), where, "income",
        "one allocation per financial year expected");
  FinanceSection f;
  f.notes = std::move(notes);
  f.threshold = threshold;
  add_category_rows(f, r, "dsg_children", false);
  add_category_rows(f, r, "dsg_spend", true);
  // Per run: spend, gap, cumulative deficit at 31 March of each financial year.
  Eigen::ArrayXXd spend(r.runs, r.years), gap(r.runs, r.years), deficit(r.runs, r.years);
  for (int run = 0; run < r.runs; ++run) {
    std::vector<double> s(r.years);
    for (int y = 0; y < r.years; ++y) s[y] = r.total_spend(run, y);
    const auto cumulative = models::cumulative_deficit(opening_balance, s, income);
    for (int y = 0; y < r.years; ++y)
      spend(run, y) = s[y], gap(run, y) = s[y] - income[y], deficit(run, y) = cumulative[y];
  }
  const auto spend_s = sim::summarise(spend), gap_s = sim::summarise(gap),
             deficit_s = sim::summarise(deficit);
  for (int y = 0; y < r.years; ++y)
    f.rows.push_back({r.first_year + y, "hnb_allocation", "all", std::nullopt, certain(income[y])});
  for (auto [name, s] : {std::pair{"hnb_spend", &spend_s}, std::pair{"dsg_gap", &gap_s},
                         std::pair{"dsg_deficit", &deficit_s}})
    for (int y = 0; y < r.years; ++y)
      f.rows.push_back({r.first_year + y, name, "all", std::nullopt, (*s)[y]});
  for (int y = 0; y < r.years; ++y)
    f.p_above_threshold.emplace_back(r.first_year + y,
                                     sim::probability_above(deficit.col(y), threshold));
  return f;
}

std::vector<std::string> finance_notes(bool illustrative_costs, double opening_balance,
                                       int first_year) {
  std::vector<std::string> notes;
  if (illustrative_costs)
    notes.push_back(
        "The unit costs are illustrative defaults from published ranges, not the council's own "
        "rates: replace data/finance/unit_costs_illustrative.csv with your own before quoting "
        "these "
        "figures.");
  notes.push_back("The deficit starts from " + format_gbp_millions(opening_balance) +
                  " brought forward into " + models::financial_year_label(first_year) +
                  ", and the High Needs Block allocation is the published one, then uplifted "
                  "each year (see the assumptions). No mitigation is modelled: this is the DSG "
                  "management plan's unmitigated line.");
  return notes;
}

}  // namespace sendcast::io
