#include "io/cost_table.h"

#include <array>
#include <cmath>
#include <optional>

#include "io/csv.h"
#include "io/data_dir.h"

namespace sendcast::io {

namespace {

//! Column indices of a cost table.
struct CostColumns {
  std::size_t line, need_area, place, top_up, fee, fixed, growth, inflation, prices;
  explicit CostColumns(const CsvTable& t)
      : line(t.column("line")),
        need_area(t.column("need_area")),
        place(t.column("place_gbp")),
        top_up(t.column("top_up_gbp")),
        fee(t.column("fee_gbp")),
        fixed(t.column("fixed_gbp")),
        growth(t.column("growth")),
        inflation(t.column("inflation")),
        prices(t.column("prices")) {}
};

//! What has been given so far, to catch duplicates and gaps.
struct Seen {
  std::array<std::array<bool, N_NEED_AREAS>, N_PLACEMENTS> unit{};
  std::array<bool, models::N_FIXED_LINES> fixed{};
};

std::string expected_lines() {
  std::string out;
  for (auto c : PLACEMENT_CODES) out.append(std::string(c) + ", ");
  for (auto c : models::FIXED_LINE_CODES) out.append(std::string(c) + ", ");
  return out.substr(0, out.size() - 2);
}

//! An amount in GBP (or a rate) that must be a non-negative number; empty reads as 0.
double non_negative(const CsvTable& t, std::size_t row, std::size_t col) {
  const std::optional<double> v = t.number(row, col);
  if (!v) return 0;
  if (*v < 0) throw t.column_error(row, col, "negative cost " + in_quotes(t.cell(row, col)));
  return *v;
}

//! A yearly rate in (-1, 1]; `required` rates may not be empty (others read as 0).
double rate(const CsvTable& t, std::size_t row, std::size_t col, bool required) {
  const std::optional<double> v = t.number(row, col);
  if (!v && required) throw t.column_error(row, col, "missing yearly rate (0.02 = 2%)");
  if (!v) return 0;
  if (*v <= -1 || *v > 1)
    throw t.column_error(row, col,
                         "yearly rate out of range (-1, 1]: " + in_quotes(t.cell(row, col)));
  return *v;
}

int prices(const CsvTable& t, std::size_t row, std::size_t col) {
  const std::optional<int> fy = models::parse_financial_year(t.cell(row, col));
  if (!fy)
    throw t.column_error(
        row, col,
        "expected a financial year like \"2025-26\", found " + in_quotes(t.cell(row, col)));
  return *fy;
}

//! Need areas a row covers: one, or all four for "all" or empty.
std::vector<int> need_areas(const CsvTable& t, std::size_t row, std::size_t col) {
  const std::string_view code = t.cell(row, col);
  if (code.empty() || code == "all") return {0, 1, 2, 3};
  for (int a = 0; a < N_NEED_AREAS; ++a)
    if (NEED_AREA_CODES[a] == code) return {a};
  throw t.column_error(
      row, col, "unknown need area " + in_quotes(code) + "; expected C&I, C&L, SEMH, SP or all");
}

void read_placement_row(const CsvTable& t, const CostColumns& c, std::size_t row, Placement p,
                        models::CostTable& table, Seen& seen) {
  models::UnitCost u;
  u.place_gbp = non_negative(t, row, c.place);
  u.top_up_gbp = non_negative(t, row, c.top_up);
  u.fee_gbp = non_negative(t, row, c.fee);
  u.inflation = rate(t, row, c.inflation, true);
  u.prices = prices(t, row, c.prices);
  if (non_negative(t, row, c.fixed) != 0)
    throw t.column_error(row, c.fixed, "a placement line has no fixed amount; use top_up_gbp");
  for (int a : need_areas(t, row, c.need_area)) {
    bool& given = seen.unit[static_cast<int>(p)][a];
    if (given)
      throw t.column_error(row, c.need_area,
                           "duplicate cost for " +
                               std::string(PLACEMENT_CODES[static_cast<int>(p)]) + " x " +
                               std::string(NEED_AREA_CODES[a]));
    given = true;
    table.unit[static_cast<int>(p)][a] = u;
  }
}

void read_fixed_row(const CsvTable& t, const CostColumns& c, std::size_t row,
                    models::FixedLine line, models::CostTable& table, Seen& seen) {
  if (need_areas(t, row, c.need_area).size() != N_NEED_AREAS)
    throw t.column_error(row, c.need_area, "a fixed line covers all need areas: write \"all\"");
  for (std::size_t col : {c.place, c.top_up, c.fee})
    if (non_negative(t, row, col) != 0)
      throw t.column_error(row, col, "a fixed line has only fixed_gbp and growth");
  bool& given = seen.fixed[static_cast<int>(line)];
  if (given)
    throw t.column_error(row, c.line, "duplicate fixed line " + in_quotes(t.cell(row, c.line)));
  given = true;
  models::FixedCost& f = table.fixed[static_cast<int>(line)];
  f.annual_gbp = non_negative(t, row, c.fixed);
  f.growth = rate(t, row, c.growth, false);
  f.inflation = rate(t, row, c.inflation, true);
  f.prices = prices(t, row, c.prices);
}

void check_complete(const CsvTable& t, const Seen& seen) {
  for (int p = 0; p < N_PLACEMENTS; ++p)
    for (int a = 0; a < N_NEED_AREAS; ++a)
      if (!seen.unit[p][a])
        throw InputError({t.source(), 0}, "no unit cost for " + std::string(PLACEMENT_CODES[p]) +
                                              " x " + std::string(NEED_AREA_CODES[a]));
  for (int l = 0; l < models::N_FIXED_LINES; ++l)
    if (!seen.fixed[l])
      throw InputError({t.source(), 0}, "no row for fixed line " +
                                            std::string(models::FIXED_LINE_CODES[l]) +
                                            " (give fixed_gbp 0 to leave it out)");
}

models::CostTable cost_table(const CsvTable& t) {
  const CostColumns c(t);
  models::CostTable table;
  table.source = t.source();
  Seen seen;
  for (std::size_t row = 0; row < t.rows(); ++row) {
    const std::string_view code = t.cell(row, c.line);
    if (const auto p = parse_placement(code)) {
      read_placement_row(t, c, row, *p, table, seen);
    } else if (const auto line = models::parse_fixed_line(code)) {
      read_fixed_row(t, c, row, *line, table, seen);
    } else {
      throw t.column_error(
          row, c.line,
          "unknown placement or line " + in_quotes(code) + "; expected one of " + expected_lines());
    }
  }
  check_complete(t, seen);
  return table;
}

}  // namespace

models::CostTable read_cost_table(const std::filesystem::path& file, std::string display_name) {
  return cost_table(CsvTable::read(file, display_name.empty() ? display_path(file) : display_name));
}

models::CostTable parse_cost_table(std::string text, std::string source) {
  return cost_table(CsvTable::parse(std::move(text), std::move(source)));
}

std::vector<models::HnbAllocation> read_hnb_allocations(const std::filesystem::path& file,
                                                        const std::string& la) {
  const CsvTable t = CsvTable::read(file, display_path(file));
  const std::size_t year = t.column("financial_year"), code = t.column("la_code"),
                    name = t.column("la_name"), gbp = t.column("hnb_before_deductions_gbp");
  std::vector<models::HnbAllocation> out;
  for (std::size_t row = 0; row < t.rows(); ++row) {
    if (t.cell(row, code) != la && t.cell(row, name) != la) continue;
    const std::optional<int> fy = models::parse_financial_year(t.cell(row, year));
    if (!fy) throw t.column_error(row, year, "expected a financial year like \"2023-24\"");
    const std::optional<double> v = t.number(row, gbp);
    if (!v || *v < 0) throw t.column_error(row, gbp, "expected an allocation in GBP");
    out.push_back({*fy, *v});
  }
  return out;
}

}  // namespace sendcast::io
