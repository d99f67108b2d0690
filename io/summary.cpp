#include "io/summary.h"

#include <cstdio>
#include <set>
#include <string>

namespace sendcast::io {

namespace {

std::string fmt_count(const Count& c) {
  return c ? std::to_string(*c) : "-";
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string pad(const std::string& s, std::size_t width, bool left = false) {
  if (s.size() >= width) return s;
  return left ? s + std::string(width - s.size(), ' ') : std::string(width - s.size(), ' ') + s;
}

template <typename Map>
Count lookup(const Map& m, int year) {
  auto it = m.find(year);
  return it == m.end() ? Count{} : it->second;
}

void print_caseload(std::ostream& out, const LaHistory& h) {
  out << "January caseload (EHC plans; statements too before 2019) and flows in the calendar year "
         "before\n";
  out << pad("year", 6) << pad("plans", 8) << pad("growth", 9) << pad("new", 7) << pad("ceased", 8)
      << pad("requests", 10) << pad("pop 0-25", 10) << pad("per 1,000", 11) << "\n";
  std::set<int> years;
  for (const auto& [y, c] : h.caseload) years.insert(y);
  for (int year : years) {
    const Count plans = lookup(h.caseload, year);
    const Count prev = lookup(h.caseload, year - 1);
    std::string growth = "-";
    if (plans && prev && *prev > 0) growth = fmt("%+.1f%%", 100.0 * (*plans - *prev) / *prev);
    const Count ceased = h.ceased.count(year - 1) ? h.ceased.at(year - 1).total : Count{};
    const Count requests = h.requests.count(year - 1) ? h.requests.at(year - 1).received : Count{};
    // A January census sits between two mid-year estimates; the earlier one is used.
    const auto pop = h.population_0_25(year - 1);
    std::string rate = "-";
    if (pop && plans && *pop > 0) rate = fmt("%.1f", 1000.0 * *plans / *pop);
    out << pad(std::to_string(year), 6) << pad(fmt_count(plans), 8) << pad(growth, 9)
        << pad(fmt_count(lookup(h.new_plans, year - 1)), 7) << pad(fmt_count(ceased), 8)
        << pad(fmt_count(requests), 10) << pad(pop ? fmt("%.0f", *pop) : "-", 10) << pad(rate, 11)
        << "\n";
  }
  out << "  new/ceased/requests: calendar year before the census (e.g. 2025 row = Jan-Dec 2024);\n"
      << "  pop 0-25: ONS mid-year estimate/projection for the year before ("
      << (h.population_source.empty() ? "no population file covers this area" : h.population_source)
      << ")\n\n";
}

void print_placements(std::ostream& out, const LaHistory& h) {
  if (h.caseload_by_placement.empty()) return;
  out << "Placement mix at January (plans, % of total)\n" << pad("placement", 34, true);
  for (const auto& [year, counts] : h.caseload_by_placement) out << pad(std::to_string(year), 13);
  out << "\n";
  for (int g = 0; g < N_PLACEMENTS; ++g) {
    out << pad(std::string(PLACEMENT_LABELS[g]), 34, true);
    for (const auto& [year, counts] : h.caseload_by_placement) {
      const Count total = lookup(h.caseload, year);
      std::string cell = fmt_count(counts[g]);
      if (counts[g] && total && *total > 0) cell += fmt(" (%4.1f%%)", 100.0 * *counts[g] / *total);
      out << pad(cell, 13);
    }
    out << "\n";
  }
  out << "  resourced provision and SEN units are counted apart from mainstream; 'elsewhere' is "
         "the\n"
      << "  rest of the total (home education, NEET, early years, awaiting provision, unknown)\n\n";
}

void print_needs(std::ostream& out, const LaHistory& h) {
  if (h.caseload_by_need.empty()) return;
  const auto& [year, needs] = *h.caseload_by_need.rbegin();
  const Count total = lookup(h.caseload, year);
  out << "Primary need, January " << year << "\n";
  for (int n = 0; n < N_NEEDS; ++n) {
    std::string share = "-";
    if (needs[n] && total && *total > 0) share = fmt("%.1f%%", 100.0 * *needs[n] / *total);
    out << "  " << pad(std::string(NEED_CODES[n]), 6, true) << pad(fmt_count(needs[n]), 7)
        << pad(share, 8) << "\n";
  }
  if (auto it = h.caseload_need_unknown.find(year);
      it != h.caseload_need_unknown.end() && it->second)
    out << "  " << pad("unknown", 6, true) << pad(fmt_count(it->second), 7) << "\n";
  out << "\n";
}

}  // namespace

void print_history_summary(std::ostream& out, const LaHistory& h) {
  out << h.area.name << " (" << h.area.code;
  if (!h.area.old_code.empty()) out << ", LA " << h.area.old_code;
  if (!h.area.region.empty() && h.area.region != h.area.name) out << ", " << h.area.region;
  out << ")\nSource: DfE 'Education, health and care plans' (SEN2), 2022 and 2025 releases\n\n";
  print_caseload(out, h);
  print_placements(out, h);
  print_needs(out, h);
}

}  // namespace sendcast::io
