#pragma once
// Financial-year labels ("2025-26"), apart from the cost model so that the scenario loader
// (and its fuzzer) can read them without linking the costing.
#include <optional>
#include <string>
#include <string_view>

namespace sendcast::models {

//! 2025 -> "2025-26"; 1999 -> "1999-00".
std::string financial_year_label(int financial_year);
//! "2025-26" -> 2025; nullopt unless the second part is the next year's last two digits.
std::optional<int> parse_financial_year(std::string_view label);

}  // namespace sendcast::models
