#pragma once
// Readers for the finance inputs: the unit-cost table and the published HNB allocations.
//
// Unit-cost table (data/finance/unit_costs_illustrative.csv), one row per cost line:
//   line         a placement code (io/codes.h PLACEMENT_CODES) or a fixed line
//                (hospital_education, sen_support_services, outreach, therapies)
//   need_area    C&I, C&L, SEMH or SP; "all" (or empty) for every need area. Fixed lines: "all"
//   place_gbp    place funding per child per year        (placements; empty = 0)
//   top_up_gbp   top-up per child per year               (placements; empty = 0)
//   fee_gbp      annual fee paid whole by the LA          (placements; empty = 0)
//   fixed_gbp    GBP per year                             (fixed lines only; empty = 0)
//   growth       yearly volume growth of a fixed line     (fixed lines only; empty = 0)
//   inflation    yearly price rise (0.02 = 2%)            (required)
//   prices       financial year the costs are priced in, "2025-26" (required)
//   source       free text: where the number comes from (optional)
// Every placement x need area and every fixed line must be given exactly once. Errors name the
// file, line and column: "<file>:<line>: column '<name>': <what>".
#include <filesystem>
#include <string>
#include <vector>

#include "models/cost_model.h"

namespace sendcast::io {

//! Reads a unit-cost table; `display_name` is what error messages call the file.
models::CostTable read_cost_table(const std::filesystem::path& file, std::string display_name = "");
//! The same from CSV text in memory (`source` names it in errors).
models::CostTable parse_cost_table(std::string text, std::string source);

//! One LA's rows of the HNB allocations file (financial_year, la_code, la_name,
//! hnb_before_deductions_gbp, ...), matched on la_code or la_name; empty when the file has
//! no rows for the LA (the shipped file covers the Black Country only).
std::vector<models::HnbAllocation> read_hnb_allocations(const std::filesystem::path& file,
                                                        const std::string& la);

}  // namespace sendcast::io
