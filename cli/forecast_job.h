#pragma once
// A forecast from a scenario: load data, calibrate, simulate, summarise. Shared by `run` and
// (later) `compare`, `backtest` and `report`, so that they all use the same engine.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "io/data_context.h"
#include "io/finance_csv.h"
#include "io/forecast_summary.h"
#include "io/la_history.h"
#include "io/provenance.h"
#include "io/sufficiency_summary.h"
#include "models/model_parameters.h"
#include "scenarios/scenario.h"
#include "sim/cluster.h"
#include "sim/cost_observer.h"
#include "sim/runner.h"
#include "sim/sufficiency.h"

namespace sendcast::cli {

//! Place sufficiency, when the scenario names a capacity register.
struct SufficiencyJob {
  std::shared_ptr<const sim::SufficiencyModel> model;
  sim::SufficiencyResults results;
  std::vector<io::SufficiencyRow> summary;
  std::string register_file;  //!< as shown to users
  bool illustrative = false;  //!< the shipped illustrative register (file name says so)
  std::string note;           //!< what the capacities are and how to replace them
};

//! High Needs Block spend and the DSG deficit (models/cost_model.h), costed inside each run.
struct FinanceJob {
  models::FinanceAssumptions assumptions;
  std::shared_ptr<const sim::CostModel> model;
  sim::CostResults results;
  std::vector<double> income;   //!< GBP per simulated financial year
  double opening_balance = 0;   //!< GBP, cumulative deficit at the start of the first year
  int last_published_year = 0;  //!< financial year of the latest published HNB allocation
  io::FinanceSummary summary;
  std::string cost_table_file;   //!< as shown to users
  std::string allocations_file;  //!< as shown to users
  bool illustrative = false;
};

//! Wall seconds of a job's phases, in order (`run --timings`): each lap() ends the phase that
//! began at the previous lap, or when the clock was made.
class PhaseTimes {
 public:
  void lap(std::string phase);
  const std::vector<std::pair<std::string, double>>& phases() const { return phases_; }
  //! One line a phase, then their total.
  void print(std::ostream& out) const;

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, double>> phases_;
};

struct ForecastJob {
  scenarios::Scenario scenario;
  io::LaHistory history;
  models::ModelParameters parameters;
  sim::RunResults results;
  std::vector<io::SummaryRow> summary;
  io::Provenance provenance;
  std::optional<SufficiencyJob> sufficiency;
  std::optional<FinanceJob> finance;
  std::shared_ptr<const io::DataContext> data;  //!< the data the forecast was made from
  double seconds = 0;              //!< wall time of the simulation (with the matching, if any)
  PhaseTimes timings;              //!< run_forecast's phases; callers may lap on
  std::filesystem::path data_dir;  //!< resolved data directory
  std::vector<std::string> population_sources;  //!< SNPP files read, for provenance
};

struct ForecastOptions {
  int threads = 0;
  bool progress = false;  //!< progress on stderr
  std::string data_dir;
  std::string command_line;
  //! Under mpirun: runs are split across ranks (run r on rank r % size) and summed to rank 0,
  //! which alone summarises; other ranks return after the simulation. Null: one process.
  const sim::Cluster* cluster = nullptr;
  //! `--full`: every run's state cube is written here as the runs finish (one process only).
  std::filesystem::path full_state_file;
  //! run_forecast calls this (rank 0 only) on a second thread while it summarises, once the
  //! per-run results, provenance and assumptions are final: writing the per-run arrays
  //! (results.h5) overlaps the summaries. It must not read the summaries, and it is the only
  //! code using HDF5 meanwhile. An exception it throws is rethrown by run_forecast.
  std::function<void(const ForecastJob&)> while_summarising;
};

//! A whole forecast: prepare_forecast, simulate_forecast with summaries, provenance. Under a
//! cluster, only rank 0's job holds results and summaries; the other ranks' jobs hold the
//! parameters alone.
ForecastJob run_forecast(const scenarios::Scenario& scenario, const ForecastOptions& options);

//! Loads the data and calibrates: what a forecast needs before it simulates. Demand levers,
//! capacity and finance are read later (simulate_forecast), so that one calibration serves
//! several variants of the scenario (`sendcast goalseek`).
ForecastJob prepare_forecast(const scenarios::Scenario& scenario, const ForecastOptions& options);

//! Sets up sufficiency and finance from job.scenario (which may have changed since
//! prepare_forecast, except in what calibration reads: LA, start year, years, trend,
//! population and township split), runs the Monte Carlo and, when `summarise` is set, the
//! summaries. The same seed and runs give the same demand draws whatever the levers on
//! capacity and costs (common random numbers).
void simulate_forecast(ForecastJob& job, const ForecastOptions& options, bool summarise = true);

}  // namespace sendcast::cli
