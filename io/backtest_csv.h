#pragma once
// The backtest's files. forecasts.csv is a contract other tools read: its columns are exactly
// la_code,la_name,origin,target,horizon,measure,actual,mean,p05,p10,p25,p50,p75,p90,p95.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/accuracy.h"
#include "sim/quantiles.h"

namespace sendcast::io {

struct ForecastRecord {
  std::string method;
  std::string la_code, la_name;
  int origin = 0, target = 0;
  std::string measure;
  std::optional<double> actual;
  sim::Summary forecast;
};

//! forecasts.csv (with_method = false) or baselines.csv (a leading `method` column).
void write_forecasts_csv(const std::filesystem::path& file, const std::vector<ForecastRecord>& rows,
                         bool with_method);
//! metrics.csv:
//! method,measure,horizon,n,mape,median_ape,bias,coverage50,coverage80,coverage90,interval_score
void write_metrics_csv(const std::filesystem::path& file, const models::AccuracyTable& table);

}  // namespace sendcast::io
