#include "io/error.h"

#include <cmath>

namespace sendcast {

namespace {

std::string field_message(std::string_view field, const std::string& what) {
  std::string out = "'";
  out.append(field);
  out.append("': ");
  out.append(what);
  return out;
}

}  // namespace

std::string Location::to_string() const {
  if (line > 0) return file + ":" + std::to_string(line);
  return file;
}

InputError::InputError(Location where, std::string what)
    : std::runtime_error(where.to_string() + ": " + what), where_(std::move(where)) {}

InputError::InputError(Location where, std::string_view field, std::string what)
    : InputError(std::move(where), field_message(field, what)) {}

void check(bool ok, const Location& where, std::string_view field, const std::string& what) {
  if (!ok) throw InputError(where, field, what);
}

void check_non_negative(const Location& where, std::string_view field, double value) {
  check(std::isfinite(value) && value >= 0, where, field,
        "expected a non-negative number, found " + std::to_string(value));
}

void check_positive(const Location& where, std::string_view field, double value) {
  check(std::isfinite(value) && value > 0, where, field,
        "expected a positive number, found " + std::to_string(value));
}

void check_probability(const Location& where, std::string_view field, double value) {
  check(std::isfinite(value) && value >= 0 && value <= 1, where, field,
        "expected a probability in [0, 1], found " + std::to_string(value));
}

void check_range(const Location& where, std::string_view field, long value, long lo, long hi) {
  check(value >= lo && value <= hi, where, field,
        "expected a value from " + std::to_string(lo) + " to " + std::to_string(hi) + ", found " +
            std::to_string(value));
}

std::string in_quotes(std::string_view text) {
  constexpr std::size_t MAX = 40;
  std::string out = "\"";
  out += text.size() > MAX ? std::string(text.substr(0, MAX)) + "..." : std::string(text);
  return out + "\"";
}

}  // namespace sendcast
