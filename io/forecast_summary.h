#pragma once
// The tidy summary of a forecast: one row per year x breakdown x category, with the published
// actual where there is one and the mean, sd and quantiles over runs. Every number is a
// quantile of per-run roll-ups (never a sum of quantiles).
#include <optional>
#include <string>
#include <vector>

#include "io/la_history.h"
#include "models/model_parameters.h"
#include "sim/quantiles.h"
#include "sim/runner.h"

namespace sendcast::io {

struct SummaryRow {
  int year = 0;  //!< January census year
  std::string breakdown;
  std::string category;
  std::optional<double> actual;
  std::optional<sim::Summary> forecast;  //!< empty on history rows before the origin
};

//! Breakdowns worth reporting given what the data allowed (need breakdowns need need data).
std::vector<std::string> reported_breakdowns(const models::ModelParameters& params);

//! History rows (published actuals, 2010 on) then forecast rows for every reported breakdown.
//! The years are summarised in parallel on `threads` OpenMP threads (0: all cores); the rows
//! are the same for any number.
std::vector<SummaryRow> summarise_forecast(const sim::RunResults& results,
                                           const models::ModelParameters& params,
                                           const LaHistory& history, int threads = 0);

//! The published actual for a breakdown category in a census year, if any.
std::optional<double> actual_value(const LaHistory& history, const std::string& breakdown,
                                   const std::string& category, int year);

}  // namespace sendcast::io
