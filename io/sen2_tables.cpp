#include "io/sen2_tables.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <exception>
#include <map>

#include "io/data_dir.h"

namespace sendcast::io {

namespace {

constexpr const char* ENGLAND_CODE = "E92000001";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Sen2Table::Sen2Table(CsvTable table) : csv_(std::move(table)) {
  const std::size_t level = csv_.column("geographic_level");
  const std::size_t la = csv_.column("new_la_code");
  const std::size_t region = csv_.column("region_code");
  const std::size_t country = csv_.column("country_code");
  for (std::size_t r = 0; r < csv_.rows(); ++r) {
    const std::string_view lv = csv_.cell(r, level);
    std::string_view code;
    if (lv == "Local authority")
      code = csv_.cell(r, la);
    else if (lv == "Regional")
      code = csv_.cell(r, region);
    else if (lv == "National")
      code = csv_.cell(r, country);
    else
      continue;  // other levels (none published today) are not areas we model
    by_area_[std::string(code)].push_back(r);
  }
}

const std::vector<std::size_t>& Sen2Table::rows_for(const std::string& area_code) const {
  static const std::vector<std::size_t> none;
  auto it = by_area_.find(area_code);
  return it == by_area_.end() ? none : it->second;
}

std::string Sen2Table::area_code(std::size_t row) const {
  const std::string_view lv = csv_.cell(row, csv_.column("geographic_level"));
  if (lv == "Local authority") return std::string(csv_.cell(row, csv_.column("new_la_code")));
  if (lv == "Regional") return std::string(csv_.cell(row, csv_.column("region_code")));
  return ENGLAND_CODE;
}

namespace {

std::vector<Area> collect_areas(const CsvTable& t) {
  const std::size_t level = t.column("geographic_level");
  const std::size_t la = t.column("new_la_code");
  const std::size_t old = t.column("old_la_code");
  const std::size_t name = t.column("la_name");
  const std::size_t region = t.column("region_code");
  const std::size_t region_name = t.column("region_name");
  const std::size_t country = t.column("country_code");
  const std::size_t country_name = t.column("country_name");
  std::map<std::string, Area> found;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string lv(t.cell(r, level));
    Area a;
    a.level = lv;
    if (lv == "Local authority") {
      a = {std::string(t.cell(r, la)), std::string(t.cell(r, old)), std::string(t.cell(r, name)),
           std::string(t.cell(r, region_name)), lv};
    } else if (lv == "Regional") {
      a = {std::string(t.cell(r, region)), "", std::string(t.cell(r, region_name)),
           std::string(t.cell(r, region_name)), lv};
    } else if (lv == "National") {
      a = {std::string(t.cell(r, country)), "", std::string(t.cell(r, country_name)), "", lv};
    } else {
      continue;
    }
    found.emplace(a.code, a);
  }
  std::vector<Area> out;
  for (auto& [code, area] : found) out.push_back(area);
  // England first, then regions, then LAs, each by name.
  auto rank = [](const Area& a) {
    return a.level == "National" ? 0 : a.level == "Regional" ? 1 : 2;
  };
  std::sort(out.begin(), out.end(), [&](const Area& x, const Area& y) {
    return rank(x) != rank(y) ? rank(x) < rank(y) : x.name < y.name;
  });
  return out;
}

}  // namespace

Sen2Tables load_sen2_tables(const std::filesystem::path& data_dir) {
  static const std::array<std::string, 9> files = {"sen2/release-2025/caseload.csv",
                                                   "sen2/release-2025/sen_needs_all_plans.csv",
                                                   "sen2/release-2025/newplans.csv",
                                                   "sen2/release-2025/sen_need_newplans.csv",
                                                   "sen2/release-2025/ceased_plans.csv",
                                                   "sen2/release-2025/requests.csv",
                                                   "sen2/release-2022/sen2_age_caseload.csv",
                                                   "sen2/release-2022/sen2_age_new_plans.csv",
                                                   "sen2/release-2022/sen2_mi.csv"};
  std::array<std::optional<Sen2Table>, 9> tables;
  std::array<std::exception_ptr, 9> errors;
  // Parsing is independent per file; errors are rethrown in file order so the message a
  // user sees does not depend on thread timing.
#pragma omp parallel for schedule(dynamic)
  for (int i = 0; i < 9; ++i) {
    try {
      const auto path = data_file(data_dir, files[i]);
      tables[i].emplace(CsvTable::read(path, display_path(path)));
    } catch (...) {
      errors[i] = std::current_exception();
    }
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  Sen2Tables t{std::move(*tables[0]), std::move(*tables[1]),
               std::move(*tables[2]), std::move(*tables[3]),
               std::move(*tables[4]), std::move(*tables[5]),
               std::move(*tables[6]), std::move(*tables[7]),
               std::move(*tables[8]), {}};
  t.areas = collect_areas(t.caseload.csv());
  return t;
}

const Area& find_area(const std::vector<Area>& areas, const std::string& query) {
  const std::string q = lower(query);
  if (q == "england") {
    for (const auto& a : areas)
      if (a.level == "National") return a;
  }
  for (const auto& a : areas)
    if (lower(a.code) == q || (!a.old_code.empty() && a.old_code == q) || lower(a.name) == q)
      return a;
  std::string close;
  for (const auto& a : areas)
    if (lower(a.name).find(q) != std::string::npos) close += (close.empty() ? "" : ", ") + a.name;
  std::string hint = close.empty() ? "; see `sendcast data list-las`" : "; did you mean: " + close;
  throw InputError({"--la"},
                   "no local authority, region or England matches " + in_quotes(query) + hint);
}

}  // namespace sendcast::io
