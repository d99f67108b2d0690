#pragma once
// One error type for everything a user can get wrong (files, scenarios, options), and the
// check_* helpers that raise it at the boundary. `main` catches it once and prints
// "sendcast: error: <where>: <what>"; library code never exits.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sendcast {

//! Where a problem was found: a file and, when known, a 1-based line.
struct Location {
  std::string file;
  long line = 0;  //!< 0 when the problem is about the whole file
  std::string to_string() const;
};

//! A problem with the user's input: bad file, bad option, bad scenario value.
class InputError : public std::runtime_error {
 public:
  InputError(Location where, std::string what);
  InputError(Location where, std::string_view field, std::string what);
  const Location& where() const { return where_; }

 private:
  Location where_;
};

//! Raises InputError for `field` at `where` unless `ok`.
void check(bool ok, const Location& where, std::string_view field, const std::string& what);
void check_non_negative(const Location& where, std::string_view field, double value);
void check_positive(const Location& where, std::string_view field, double value);
void check_probability(const Location& where, std::string_view field, double value);
void check_range(const Location& where, std::string_view field, long value, long lo, long hi);

//! Quotes a cell the way error messages show it: "12a", with long values cut.
std::string in_quotes(std::string_view text);

}  // namespace sendcast
