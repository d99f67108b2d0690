#include "models/financial_year.h"

#include <charconv>

namespace sendcast::models {

std::string financial_year_label(int financial_year) {
  const int next = (financial_year + 1) % 100;
  return std::to_string(financial_year) + "-" + (next < 10 ? "0" : "") + std::to_string(next);
}

std::optional<int> parse_financial_year(std::string_view label) {
  if (label.size() != 7 || label[4] != '-') return std::nullopt;
  int start = 0, end = 0;
  const char* s = label.data();
  if (std::from_chars(s, s + 4, start).ptr != s + 4) return std::nullopt;
  if (std::from_chars(s + 5, s + 7, end).ptr != s + 7) return std::nullopt;
  if (end != (start + 1) % 100) return std::nullopt;
  return start;
}

}  // namespace sendcast::models
