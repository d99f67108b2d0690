#include "io/capacity_register.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "io/csv.h"
#include "io/data_dir.h"

namespace sendcast::io {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

template <class Words>
std::string join(const Words& words, std::string_view separator = ", ") {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

std::optional<long> parse_integer(std::string_view text) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

//! The columns of a register, found by name once.
struct Columns {
  std::size_t id, name, type, township, age_min, age_max, needs, places, opens, closes,
      place_funding, top_up;
  explicit Columns(const CsvTable& t)
      : id(t.column("id")),
        name(t.column("name")),
        type(t.column("type")),
        township(t.column("township")),
        age_min(t.column("age_min")),
        age_max(t.column("age_max")),
        needs(t.column("needs")),
        places(t.column("places")),
        opens(t.column("opens")),
        closes(t.column("closes")),
        place_funding(t.column("place_funding")),
        top_up(t.column("top_up")) {}
};

//! Reads the cells of one row, each error naming the row's line and the column.
class RowReader {
 public:
  RowReader(const CsvTable& table, std::size_t row) : t_(table), row_(row) {}

  std::string text(std::size_t col) const { return std::string(trim(t_.cell(row_, col))); }
  std::string required_text(std::size_t col) const {
    std::string value = text(col);
    if (value.empty()) throw t_.column_error(row_, col, "empty: a value is required");
    return value;
  }
  long integer(std::size_t col, const std::string& expected) const {
    const std::string value = required_text(col);
    const auto parsed = parse_integer(value);
    if (!parsed)
      throw t_.column_error(row_, col, "expected " + expected + ", found " + in_quotes(value));
    return *parsed;
  }
  int age(std::size_t col) const {
    const long value = integer(col, "an age from 0 to 25");
    if (value < 0 || value > MAX_AGE)
      throw t_.column_error(
          row_, col,
          "age " + std::to_string(value) + " is outside 0 to " + std::to_string(MAX_AGE));
    return static_cast<int>(value);
  }
  int year_or_blank(std::size_t col) const {
    if (text(col).empty()) return 0;
    const long value = integer(col, "a census year or blank");
    if (value < FIRST_CENSUS_YEAR || value > LAST_CENSUS_YEAR)
      throw t_.column_error(row_, col,
                            "expected a census year from " + std::to_string(FIRST_CENSUS_YEAR) +
                                " to " + std::to_string(LAST_CENSUS_YEAR) + ", found " +
                                std::to_string(value));
    return static_cast<int>(value);
  }
  double money_or_blank(std::size_t col) const {
    const auto value = t_.number(row_, col);  // blank -> nullopt
    if (value && *value < 0)
      throw t_.column_error(
          row_, col, "expected a non-negative amount, found " + in_quotes(t_.cell(row_, col)));
    return value.value_or(0.0);
  }
  [[noreturn]] void fail(std::size_t col, const std::string& what) const {
    throw t_.column_error(row_, col, what);
  }

 private:
  const CsvTable& t_;
  std::size_t row_;
};

ProvisionType read_type(const RowReader& r, std::size_t col) {
  const std::string code = r.required_text(col);
  const auto type = parse_provision_type(code);
  if (!type)
    r.fail(col, "unknown provision type " + in_quotes(code) + "; expected one of " +
                    join(PROVISION_TYPE_CODES));
  return *type;
}

Designation read_designation(const RowReader& r, std::size_t col) {
  const std::string text = r.required_text(col);
  Designation designation{};
  std::string_view rest = text;
  while (true) {
    const std::size_t end = rest.find(';');
    const std::string_view word = trim(rest.substr(0, end));
    if (word.empty()) r.fail(col, "empty need in " + in_quotes(text) + " (separate needs by ';')");
    if (!add_designation(word, designation))
      r.fail(col, "unknown need " + in_quotes(word) + "; expected " + designation_words());
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return designation;
}

Provision read_row(const CsvTable& t, const Columns& c, std::size_t row,
                   const std::vector<std::string>& townships) {
  const RowReader r(t, row);
  Provision p;
  p.id = r.required_text(c.id);
  p.name = r.required_text(c.name);
  p.type = read_type(r, c.type);
  p.township = r.text(c.township);
  if (p.township.empty() && townships.size() == 1) p.township = townships.front();
  if (auto problem = township_problem(p.township, townships)) r.fail(c.township, *problem);
  p.age_min = r.age(c.age_min);
  p.age_max = r.age(c.age_max);
  if (p.age_min > p.age_max)
    r.fail(c.age_max, "age_max " + std::to_string(p.age_max) + " is below age_min " +
                          std::to_string(p.age_min));
  p.needs = r.required_text(c.needs);
  p.designation = read_designation(r, c.needs);
  const long places = r.integer(c.places, "a number of places");
  if (places < 0) r.fail(c.places, "negative places: " + std::to_string(places));
  p.places = static_cast<int>(std::min<long>(places, 1'000'000));
  p.opens = r.year_or_blank(c.opens);
  p.closes = r.year_or_blank(c.closes);
  if (p.opens != 0 && p.closes != 0 && p.closes <= p.opens)
    r.fail(c.closes,
           "closes " + std::to_string(p.closes) + " is not after opens " + std::to_string(p.opens));
  p.place_funding = r.money_or_blank(c.place_funding);
  p.top_up = r.money_or_blank(c.top_up);
  p.where = t.where(row);
  return p;
}

}  // namespace

std::optional<ProvisionType> parse_provision_type(std::string_view code) {
  for (int i = 0; i < N_PROVISION_TYPES; ++i)
    if (PROVISION_TYPE_CODES[i] == code) return static_cast<ProvisionType>(i);
  return std::nullopt;
}

Placement served_placement(ProvisionType type) {
  switch (type) {
    case ProvisionType::Special:
      return Placement::StateSpecial;
    case ProvisionType::ResourcedProvision:
    case ProvisionType::SenUnit:
      return Placement::ResourcedProvision;
    case ProvisionType::Ap:
      return Placement::AlternativeProvision;
    case ProvisionType::SpecialistPost16:
      return Placement::SpecialistPostSixteen;
  }
  return Placement::StateSpecial;
}

bool add_designation(std::string_view word, Designation& designation) {
  const std::string code = upper(trim(word));
  auto raise = [&](int need, Fit fit) { designation[need] = std::max(designation[need], fit); };
  if (code == "ANY") {
    for (int n = 0; n < N_NEEDS; ++n) raise(n, Fit::Any);
    return true;
  }
  if (const auto need = parse_need(code)) {
    raise(static_cast<int>(*need), Fit::Exact);
    return true;
  }
  for (int a = 0; a < N_NEED_AREAS; ++a) {
    if (NEED_AREA_CODES[a] != code) continue;
    for (int n = 0; n < N_NEEDS; ++n)
      if (static_cast<int>(need_area(static_cast<Need>(n))) == a) raise(n, Fit::Area);
    return true;
  }
  return false;
}

std::string designation_words() {
  return "a SEN2 code (" + join(NEED_CODES) + "), a broad area (" + join(NEED_AREA_CODES) +
         ") or any";
}

std::optional<std::string> township_problem(const std::string& township,
                                            const std::vector<std::string>& townships) {
  if (std::find(townships.begin(), townships.end(), township) != townships.end())
    return std::nullopt;
  return "unknown township " + in_quotes(township) + "; expected one of: " + join(townships, "; ");
}

CapacityRegister parse_capacity_register(std::string text, const std::string& source,
                                         const std::vector<std::string>& townships) {
  const CsvTable t = CsvTable::parse(std::move(text), source);
  const Columns columns(t);
  CapacityRegister out;
  out.source = source;
  std::set<std::string> ids;
  for (std::size_t row = 0; row < t.rows(); ++row) {
    Provision p = read_row(t, columns, row, townships);
    if (!ids.insert(p.id).second)
      throw t.column_error(row, columns.id, "duplicate id " + in_quotes(p.id));
    out.provisions.push_back(std::move(p));
  }
  if (out.provisions.empty())
    throw InputError({source}, "no provisions: expected at least one row after the header");
  return out;
}

CapacityRegister read_capacity_register(const std::filesystem::path& file,
                                        const std::vector<std::string>& townships) {
  return parse_capacity_register(read_file_text(file), display_path(file), townships);
}

}  // namespace sendcast::io
