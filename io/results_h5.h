#pragma once
// results.h5: provenance attributes on the root; /rollups/<breakdown>/counts as int32
// [run][year][category] with /rollups/<breakdown>/categories; /years; /parameters (the fitted
// parameters); /history (published actuals). The only file that includes HDF5 headers.
#include <filesystem>

#include "io/la_history.h"
#include "io/provenance.h"
#include "models/model_parameters.h"
#include "sim/cost_observer.h"
#include "sim/runner.h"
#include "sim/sufficiency.h"

namespace sendcast::io {

//! Per-run arrays are stored in chunks of 256 runs with HDF5's shuffle and deflate filters,
//! the chunks encoded on `threads` OpenMP threads (0: all cores) and written raw.
void write_results_h5(const std::filesystem::path& file, const sim::RunResults& results,
                      const models::ModelParameters& params, const LaHistory& history,
                      const Provenance& provenance, int threads = 0);

//! Reads back the per-run counts of one breakdown: runs x years x categories (for tests and
//! `sendcast report`/`compare`).
struct StoredBreakdown {
  int runs = 0, years = 0, categories = 0;
  std::vector<std::string> labels;
  std::vector<int> census_years;
  std::vector<std::int32_t> counts;
};
StoredBreakdown read_breakdown_h5(const std::filesystem::path& file, const std::string& breakdown);

//! Adds /sufficiency to a results.h5 that write_results_h5 wrote: int32 per-run arrays
//! /sufficiency/cells/{demand,placed,overflow} [run][year][cell] with
//! /sufficiency/cells/categories ("group|phase|need_area|township", for the groups the
//! register serves); /sufficiency/away/placed_outside_township [run][year][group x township]
//! with /sufficiency/away/categories ("group|township"); per provision
//! /sufficiency/provisions/{occupied,vacancies} [run][year][provision] and places
//! [year][provision], with ids, names, types, townships, ages and needs; /sufficiency/diverted
//! [run][year]. Attributes say whether the capacities are illustrative and how to replace them.
void append_sufficiency_h5(const std::filesystem::path& file,
                           const sim::SufficiencyResults& results,
                           const sim::SufficiencySetup& setup, bool illustrative,
                           const std::string& capacity_note, int threads = 0);

struct StoredSufficiency {
  int runs = 0, years = 0, cells = 0, away_cells = 0, provisions = 0;
  std::vector<int> census_years;
  std::vector<std::string> categories;  //!< per cell: "group|phase|need_area|township"
  std::vector<std::int32_t> demand, placed, overflow;  //!< runs x years x cells
  std::vector<std::string> away_categories;            //!< per away cell: "group|township"
  std::vector<std::int32_t> placed_outside_township;   //!< runs x years x away cells
  std::vector<std::string> provision_ids;
  std::vector<std::int32_t> places;               //!< years x provisions
  std::vector<std::int32_t> occupied, vacancies;  //!< runs x years x provisions
  std::vector<std::int32_t> diverted;             //!< runs x years
  std::string overflow_mode;                      //!< "independent" or "awaiting"
  std::string capacities;                         //!< "illustrative" or "supplied"
};
bool has_sufficiency_h5(const std::filesystem::path& file);
//! /sufficiency of a results.h5; without `cells`, demand, placed and overflow are left empty
//! (the largest arrays: read_sufficiency_cells_h5 reads one of them when it is wanted).
StoredSufficiency read_sufficiency_h5(const std::filesystem::path& file, bool cells = true);
//! /sufficiency/cells/<measure> (demand, placed or overflow), runs x years x cells.
std::vector<std::int32_t> read_sufficiency_cells_h5(const std::filesystem::path& file,
                                                    const std::string& measure);

//! Adds /finance to a results.h5 that write_results_h5 wrote, per run, so that `report` can
//! recompute spend and the deficit run by run and `compare` can difference two scenarios run by
//! run. float64 arrays: /finance/{children,placement_spend} [run][financial year][DSG category]
//! (child-years, GBP), /finance/fixed_spend [financial year][DSG category] (the same in every
//! run), /finance/spend [run][financial year][DSG category] (placements plus fixed lines),
//! /finance/cumulative_deficit, /finance/transport_spend and /finance/transport_children
//! [run][financial year], /finance/income and /finance/financial_years [financial year] (2025 =
//! 2025-26), /finance/categories (DSG_CATEGORY_CODES). Attributes: first_year,
//! opening_balance and threshold (GBP), unit_costs (illustrative | supplied).
struct StoredFinance {
  sim::CostResults results;
  std::vector<double> income;  //!< GBP per financial year
  double opening_balance = 0;  //!< GBP, cumulative deficit at the start of the first year
  double threshold = 0;        //!< GBP
  bool illustrative = false;
  // Filled on reading, from the same file (what `compare` differences):
  int runs = 0, years = 0;
  std::vector<int> financial_years;
  std::vector<std::string> categories;
  std::vector<double> spend, children;                //!< runs x years x categories
  std::vector<double> cumulative_deficit, transport;  //!< runs x years
  std::string unit_costs;                             //!< "illustrative" or "supplied"
};
void append_finance_h5(const std::filesystem::path& file, const StoredFinance& finance);
bool has_finance_h5(const std::filesystem::path& file);
StoredFinance read_finance_h5(const std::filesystem::path& file);

//! A root attribute as text (e.g. "seed", "scenario_hash"); empty if absent.
std::string read_attribute_h5(const std::filesystem::path& file, const std::string& name);

}  // namespace sendcast::io
