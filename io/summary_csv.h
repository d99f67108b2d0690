#pragma once
// summary.csv: year, breakdown, category, actual, mean, sd, p05, p10, p25, p50, p75, p90, p95.
#include <filesystem>
#include <vector>

#include "io/forecast_summary.h"

namespace sendcast::io {

void write_summary_csv(const std::filesystem::path& file, const std::vector<SummaryRow>& rows);

}  // namespace sendcast::io
