#include "models/measures.h"

namespace sendcast::models {

const std::vector<Measure>& backtest_measures() {
  static const std::vector<Measure> list = [] {
    std::vector<Measure> m = {{"total", {"total|all"}, false}};
    for (int b = 0; b < N_AGE_BANDS; ++b)
      m.push_back({"age:" + std::string(AGE_BAND_CODES[b]),
                   {"age_band|" + std::string(AGE_BAND_CODES[b])},
                   false});
    m.push_back(
        {"placement:mainstream", {"placement|mainstream", "placement|resourced_provision"}, true});
    m.push_back(
        {"placement:special", {"placement|state_special", "placement|independent_special"}, true});
    m.push_back({"placement:ap", {"placement|ap_pru"}, true});
    m.push_back({"placement:fe", {"placement|post16_fe", "placement|specialist_post16"}, true});
    return m;
  }();
  return list;
}

namespace {

std::optional<double> sum_columns(const io::LaHistory& h, int year,
                                  std::initializer_list<const char*> columns) {
  auto it = h.caseload_by_column.find(year);
  if (it == h.caseload_by_column.end()) return std::nullopt;
  double total = 0;
  bool any = false;
  for (const char* c : columns) {
    auto v = it->second.find(c);
    if (v != it->second.end() && v->second) total += static_cast<double>(*v->second), any = true;
  }
  return any ? std::optional<double>(total) : std::nullopt;
}

}  // namespace

std::optional<double> measure_actual(const io::LaHistory& h, const Measure& m, int year) {
  auto count = [](const io::Count& c) {
    return c ? std::optional<double>(static_cast<double>(*c)) : std::nullopt;
  };
  if (m.name == "total") {
    auto it = h.caseload.find(year);
    return it == h.caseload.end() ? std::nullopt : count(it->second);
  }
  if (m.name.rfind("age:", 0) == 0) {
    auto it = h.caseload_by_band.find(year);
    if (it == h.caseload_by_band.end()) return std::nullopt;
    for (int b = 0; b < N_AGE_BANDS; ++b)
      if (m.name == "age:" + std::string(AGE_BAND_CODES[b])) return count(it->second[b]);
    return std::nullopt;
  }
  // Placement measures on the published column definitions (from 2019).
  if (m.name == "placement:mainstream") {
    auto it = h.caseload_by_placement.find(year);
    if (it == h.caseload_by_placement.end() || !it->second[0]) return std::nullopt;
    return static_cast<double>(*it->second[0] + it->second[1].value_or(0));
  }
  if (m.name == "placement:special")
    return sum_columns(h, year,
                       {"special_la_maintained", "special_academy_free", "special_independent",
                        "special_non_maintained"});
  if (m.name == "placement:ap") return sum_columns(h, year, {"ap_pru_total"});
  if (m.name == "placement:fe")
    return sum_columns(
        h, year,
        {"general_fe_tertiary_colleges", "ukrlp_provider", "specialist_post_16_institutions"});
  return std::nullopt;
}

std::vector<int> measure_columns(const sim::RollupLayout& layout, const Measure& m) {
  std::vector<int> cols;
  for (const auto& spec : m.breakdown_columns) {
    const auto bar = spec.find('|');
    const auto& b = layout.find(spec.substr(0, bar));
    const std::string category = spec.substr(bar + 1);
    for (std::size_t i = 0; i < b.categories.size(); ++i)
      if (b.categories[i] == category) cols.push_back(b.offset + static_cast<int>(i));
  }
  return cols;
}

}  // namespace sendcast::models
