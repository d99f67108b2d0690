#pragma once
// report.html: one self-contained page (inline SVG and CSS, no script, nothing fetched) that a
// commissioner, finance lead or councillor reads on a laptop or prints. The headline, fan charts
// of the caseload, optional sections for sufficiency, finance, benchmarking, backtests and a
// scenario comparison, and the assumptions and provenance behind every number.
//
// ReportInput is also what workbook.xlsx is written from (io/workbook_xlsx.h). Its optional
// sections hold summaries that their producers computed per run before taking quantiles; a
// null section is reported as one line naming the command or issue that provides it.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/forecast_summary.h"
#include "io/la_history.h"
#include "io/provenance.h"
#include "models/accuracy.h"
#include "models/model_parameters.h"
#include "sim/cost_observer.h"
#include "sim/quantiles.h"
#include "sim/runner.h"

namespace sendcast::io {

//! Specialist places of one provision type for one need area (or phase) in one year.
struct PlaceRow {
  int year = 0;                  //!< January census year
  std::string provision;         //!< placement group code: resourced_provision, state_special, ...
  std::string group;             //!< need area (C&I, C&L, SEMH, SP) or phase (primary, ...)
  std::optional<double> places;  //!< places in the capacity register, where known
  sim::Summary demand;           //!< children needing a place of this type
  //! Extra places so that demand is met in 50%, 80% and 90% of runs (quantiles of the
  //! per-run shortfall, max(0, demand - places)).
  double needed50 = 0, needed80 = 0, needed90 = 0;
  double p_overflow = 0;  //!< share of runs in which some demand found no place
};

struct SufficiencySection {
  std::vector<PlaceRow> by_need_area;  //!< provision x need area x year
  std::vector<PlaceRow> by_phase;      //!< provision x phase x year: the SCAP view
  //! Fan charts, one per (breakdown, category) in order: breakdown "overflow" (children with
  //! no suitable place; category a placement group code or "all") or "independent_placements"
  //! (all independent / non-maintained special placements, category "all").
  std::vector<SummaryRow> overflow;
  std::vector<std::string> notes;  //!< plain sentences (e.g. "capacities are illustrative")
};

struct SufficiencyRow;  // io/sufficiency_summary.h
//! The report's view of io::summarise_sufficiency's rows: places needed by group x need area,
//! the SCAP rows, and the overflow and independent placement fans.
SufficiencySection sufficiency_section(const std::vector<SufficiencyRow>& rows,
                                       std::vector<std::string> notes);
//! The plain sentences under the finance charts: what the costs are and where the deficit
//! starts.
std::vector<std::string> finance_notes(bool illustrative_costs, double opening_balance,
                                       int first_year);

//! Money in GBP by financial year (`year` = the April it starts: 2025 is 2025-26). Breakdowns:
//! "hnb_spend" / "all" (high needs spend), "hnb_allocation" / "all", "dsg_deficit" / "all"
//! (cumulative deficit at 31 March), "dsg_spend" and "dsg_children" / DSG category (MmSoA,
//! RPSEN, MdSSA, NMISS, HspAP, P16FE, OTHER).
//! "dsg_gap" / "all" is the in-year gap (spend - allocation). Rows are in the DSG management
//! plan's order: children by category then TOTAL, spend likewise, then allocation, spend, gap
//! and cumulative deficit.
struct FinanceSection {
  std::vector<SummaryRow> rows;
  std::vector<std::string> notes;
  double threshold = 0;  //!< GBP; 0: the chance of any deficit
  //! Share of runs whose cumulative deficit at the end of financial year `first` exceeds the
  //! threshold.
  std::vector<std::pair<int, double>> p_above_threshold;
};

//! The report's finance section from per-run costs (sim/cost_observer.h): spend and the
//! cumulative deficit are rolled up inside each run, then summarised. `income` holds GBP per
//! financial year of `results`; `opening_balance` the deficit brought forward into the first.
FinanceSection finance_section(const sim::CostResults& results, const std::vector<double>& income,
                               double opening_balance, double threshold,
                               std::vector<std::string> notes);

//! One area's value of one measure, as `sendcast benchmark` writes them (benchmark.csv).
struct BenchmarkRow {
  std::string la_code;
  std::string la_name;
  //! "self" (the LA, highlighted), "statistical_neighbour", "regional_peer", "region" or
  //! "england".
  std::string role;
  std::string measure;  //!< e.g. "plans per 1,000 residents aged 0-25 (ONS)"
  int year = 0;
  double value = 0;
};

struct BenchmarkSection {
  std::vector<BenchmarkRow> rows;
  std::vector<std::string> charted;  //!< measures drawn as bar charts; empty = every measure
  std::vector<std::string> notes;    //!< one plain sentence per measure
};

struct BacktestRow {
  std::string method;  //!< sendcast, naive, linear, loglinear, cagr4
  std::string measure;
  int horizon = 0;
  models::AccuracySummary accuracy;
};

//! One past forecast of the LA's total, made from an earlier census with only the data
//! published by then, beside what was published later.
struct PastForecast {
  int origin = 0, target = 0;      //!< January census years
  double actual = 0;               //!< published at the target
  sim::Summary forecast;           //!< sendcast
  std::optional<double> baseline;  //!< the baseline's median, where it could be made
  std::string baseline_method;     //!< e.g. "cagr4"
};

struct BacktestSection {
  std::vector<BacktestRow> rows;
  std::string scope;  //!< e.g. "151 LAs, origins 2018-2022"
  std::string la_name;
  std::vector<PastForecast> past;  //!< the report's own LA; may be empty
};

//! Scores every (method, measure, horizon) group of a backtest.
BacktestSection backtest_section(const models::AccuracyTable& table, std::string scope);

//! Scenario B against scenario A: per-run differences B - A, then quantiles (runs paired by
//! index, so with one seed the difference is the scenario's, not Monte Carlo noise).
struct ScenarioComparison {
  std::string label_a, label_b;
  std::vector<SummaryRow> a, b;  //!< forecast rows of each
  std::vector<SummaryRow> difference;
  std::vector<std::string> notes;
};

//! Per-run B - A for every category of `breakdowns` present in both with the same
//! categories, over the years both cover. Throws InputError unless the runs and origin match.
std::vector<SummaryRow> summarise_difference(const sim::RunResults& a, const sim::RunResults& b,
                                             const std::vector<std::string>& breakdowns);

struct ReportInput {
  std::vector<SummaryRow> summary;  //!< as io::summarise_forecast gives them
  LaHistory history;
  models::ModelParameters parameters;
  Provenance provenance;
  const sim::RunResults* results = nullptr;  //!< per-run roll-ups, for probabilities
  const SufficiencySection* sufficiency = nullptr;
  const FinanceSection* finance = nullptr;
  const BenchmarkSection* benchmark = nullptr;
  const BacktestSection* backtest = nullptr;
  const ScenarioComparison* comparison = nullptr;
};

//! The headline numbers, shared by the report and the workbook's Summary sheet.
struct HeadlineYear {
  int year = 0;
  int horizon = 0;  //!< years after the origin
  sim::Summary total;
  double growth = 0;       //!< median growth on the origin, as a share
  double p_growth25 = -1;  //!< share of runs at least 25% above the origin; -1 without runs
};
struct Pressure {
  std::string breakdown, category, label;
  double base = 0;    //!< at the origin
  sim::Summary then;  //!< at the pressure year
};
struct Headline {
  int origin = 0;
  double base = 0;                  //!< total at the origin
  bool published = false;           //!< base is the published figure
  std::vector<HeadlineYear> years;  //!< origin + 3, 5, 10 (those within the horizon)
  int pressure_year = 0;            //!< origin + 5 or the horizon
  std::vector<Pressure> pressures;  //!< largest median increases by placement, need, age band
};
Headline compute_headline(const ReportInput& input);

//! A category as readers know it: "state_special" -> "State special", "ASD" -> "Autistic
//! spectrum disorder (ASD)", "0-4" -> "Age 0-4".
std::string category_label(const std::string& breakdown, const std::string& category);

//! The report as one HTML string.
std::string report_html(const ReportInput& input);
//! Writes report_html(input) to `file`; throws InputError if it cannot.
void write_report_html(const std::filesystem::path& file, const ReportInput& input);

}  // namespace sendcast::io
