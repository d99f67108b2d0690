#pragma once
// sufficiency.csv: year, measure, group, phase, need_area, township, provision, mean, sd, p05,
// p10, p25, p50, p75, p80, p90, p95, probability_positive, capacities. Tidy: one row per year x
// measure x category (io/sufficiency_summary.h). `capacities` is "illustrative" on every row
// when the register is the shipped illustrative one, else "supplied".
#include <filesystem>
#include <vector>

#include "io/sufficiency_summary.h"

namespace sendcast::io {

void write_sufficiency_csv(const std::filesystem::path& file,
                           const std::vector<SufficiencyRow>& rows, bool illustrative);

}  // namespace sendcast::io
