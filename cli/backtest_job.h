#pragma once
// Rolling-origin backtests: for each LA and origin, calibrate on what was published by the
// origin, forecast, and score against what was published later, beside four baselines.
#include <optional>
#include <string>
#include <vector>

#include "io/backtest_csv.h"
#include "io/data_context.h"
#include "io/report_html.h"
#include "models/accuracy.h"
#include "sim/cluster.h"
#include "sim/quantiles.h"
#include "models/trend.h"

namespace sendcast::cli {

struct BacktestConfig {
  std::vector<int> origins;  //!< 0 = each LA's latest census
  int horizon = 3;
  std::vector<std::string> las;  //!< names or codes; empty = every LA
  int runs = 1000;
  std::uint64_t seed = 20250123;
  int threads = 0;
  bool progress = false;
  bool baselines = true;  //!< false for forecast-all: no scoring against baselines
  models::TrendSpec trend;  //!< the joiner trend (default: damped, as in `run`)
};

struct Skipped {
  std::string la_code, la_name;
  int origin = 0;
  std::string reason;
};

struct BacktestResult {
  std::vector<io::ForecastRecord> forecasts;  //!< sendcast
  std::vector<io::ForecastRecord> baselines;
  std::vector<Skipped> skipped;
  models::AccuracyTable scored;  //!< by (method, measure, horizon)
  double seconds = 0;
  int la_origins = 0;  //!< LA x origin pairs forecast
};

//! Runs every LA x origin. With several MPI ranks, LAs are split by a static index split and
//! the complete result is on rank 0 only (identical to a single process).
BacktestResult run_backtest(const io::DataContext& data, const BacktestConfig& config,
                            const sim::Cluster& cluster);

//! What every report's own backtest uses: censuses before the origin, and runs for each.
constexpr int RECENT_BACKTEST_ORIGINS = 3;
constexpr int RECENT_BACKTEST_RUNS = 500;

//! The report's backtest for one LA, cheap enough to make with every forecast: forecasts of its
//! total from each of the `origins` censuses before `origin` (default model, `runs` runs),
//! scored against what was published to `origin`, beside the cagr4 baseline. nullopt when no
//! such forecast could be made (e.g. no history before the origin).
std::optional<io::BacktestSection> recent_backtest(const io::DataContext& data,
                                                   const std::string& la_code, int origin,
                                                   int origins, int runs);

}  // namespace sendcast::cli
