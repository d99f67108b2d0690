#include "io/la_history.h"

#include <algorithm>
#include <cctype>

namespace sendcast::io {

namespace {

constexpr std::array<std::string_view, 10> CEASED_REASONS = {
    "needs_met",         "he",       "employ",  "transfer", "no_engage",
    "moved_outside_eng", "deceased", "max_age", "not_rec",  "other"};

std::string need_column(int need) {
  std::string code(NEED_CODES[need]);
  for (char& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "number_" + code;
}

Count add(Count a, Count b) {
  if (!a) return b;
  if (!b) return a;
  return *a + *b;
}

//! Placement groups from the published placement columns of one caseload/newplans row.
//! "Elsewhere" is the remainder of the total once the seven named groups are taken out, so
//! that the groups add up to the published total (it absorbs educated elsewhere, NEET, early
//! years, unknown, awaiting provision and suppressed cells); it is never negative.
PlacementCounts placement_groups(const CsvTable& t, std::size_t row, std::size_t total_col,
                                 std::map<std::string, Count>* by_column) {
  PlacementCounts groups{};
  for (const auto& pc : PLACEMENT_COLUMNS) {
    const auto col = t.find_column(pc.column);
    if (!col) continue;  // a release without this column (e.g. no free-school split)
    const Count v = t.count(row, *col);
    if (by_column) (*by_column)[std::string(pc.column)] = v;
    groups[static_cast<int>(pc.group)] = add(groups[static_cast<int>(pc.group)], v);
  }
  const Count total = t.count(row, total_col);
  std::int64_t named = 0;
  for (int g = 0; g < N_PLACEMENTS; ++g)
    if (g != static_cast<int>(Placement::Elsewhere) && groups[g]) named += *groups[g];
  if (total)
    groups[static_cast<int>(Placement::Elsewhere)] = std::max<std::int64_t>(0, *total - named);
  return groups;
}

NeedCounts need_counts(const CsvTable& t, std::size_t row) {
  NeedCounts out{};
  for (int n = 0; n < N_NEEDS; ++n) out[n] = t.count(row, t.column(need_column(n)));
  return out;
}

void read_caseload(const Sen2Table& table, const std::string& code, LaHistory& h) {
  const CsvTable& t = table.csv();
  const std::size_t tp = t.column("time_period"), topic = t.column("breakdown_topic"),
                    breakdown = t.column("breakdown"), total = t.column("ehcplans");
  for (std::size_t r : table.rows_for(code)) {
    const auto year = census_year(t.cell(r, tp));
    if (!year)
      throw t.column_error(
          r, tp, "expected an academic year like 202425, found " + in_quotes(t.cell(r, tp)));
    const std::string_view tpc = t.cell(r, topic);
    if (tpc == "All EHC plans") {
      h.caseload[*year] = t.count(r, total);
      h.caseload_by_placement[*year] = placement_groups(t, r, total, &h.caseload_by_column[*year]);
    } else if (tpc == "Child or young persons age") {
      if (is_unknown_age_label(t.cell(r, breakdown)))
        continue;  // not recorded: no age to file it under
      const auto ages = parse_age_label(t.cell(r, breakdown));
      if (!ages)
        throw t.column_error(
            r, breakdown,
            "expected an age label (ages 0 to 25), found " + in_quotes(t.cell(r, breakdown)));
      // Read as published: January 2024 and January 2025 are on one age basis. England's rows
      // both run from "under 3" to "age 25", with like counts at each age (age 4: 21,470 and
      // 22,517; age 24: 2,100 and 2,221), so moving one year's ages would put ceasing,
      // transitions and the stock balance a year out of step with the next.
      AgeRow row{*ages, t.count(r, total), placement_groups(t, r, total, nullptr), {}};
      h.caseload_by_age[*year].push_back(row);
    }
  }
  // Age bands for the single-age years, so the band series runs on past 2022.
  for (const auto& [year, rows] : h.caseload_by_age) {
    std::array<Count, N_AGE_BANDS> bands{};
    for (const auto& row : rows) {
      if (age_band(row.ages.min) != age_band(row.ages.max)) continue;  // cannot split a range
      bands[age_band(row.ages.min)] = add(bands[age_band(row.ages.min)], row.total);
    }
    h.caseload_by_band[year] = bands;
  }
}

void read_need_table(const Sen2Table& table, const std::string& code, std::string_view total_name,
                     std::map<int, NeedCounts>& by_need, std::map<int, std::vector<AgeRow>>& by_age,
                     std::map<int, std::array<NeedCounts, N_PLACEMENTS>>& by_placement,
                     std::map<int, Count>* unknown, bool census) {
  const CsvTable& t = table.csv();
  const std::size_t tp = t.column("time_period"), topic = t.column("breakdown_topic"),
                    breakdown = t.column("breakdown"), total = t.column(total_name);
  const auto unknown_col = t.find_column("number_need_unknown");
  for (std::size_t r : table.rows_for(code)) {
    const auto year = census ? census_year(t.cell(r, tp)) : calendar_year(t.cell(r, tp));
    if (!year) throw t.column_error(r, tp, "expected a year, found " + in_quotes(t.cell(r, tp)));
    const std::string_view tpc = t.cell(r, topic);
    if (tpc == "All EHC plans") {
      by_need[*year] = need_counts(t, r);
      if (unknown && unknown_col) (*unknown)[*year] = t.count(r, *unknown_col);
    } else if (tpc == "Child or young persons age") {
      if (is_unknown_age_label(t.cell(r, breakdown)))
        continue;  // not recorded: no age to file it under
      const auto ages = parse_age_label(t.cell(r, breakdown));
      if (!ages)
        throw t.column_error(
            r, breakdown,
            "expected an age label (ages 0 to 25), found " + in_quotes(t.cell(r, breakdown)));
      by_age[*year].push_back(AgeRow{*ages, t.count(r, total), {}, need_counts(t, r)});
    } else if (tpc == "Type of placement") {
      const auto group = placement_from_label(t.cell(r, breakdown));
      if (!group) continue;  // totals and labels outside the groups
      auto& cells = by_placement[*year][static_cast<int>(*group)];
      const NeedCounts row = need_counts(t, r);
      for (int n = 0; n < N_NEEDS; ++n) cells[n] = add(cells[n], row[n]);
    }
  }
}

void read_new_plans(const Sen2Table& table, const std::string& code, LaHistory& h) {
  const CsvTable& t = table.csv();
  const std::size_t tp = t.column("time_period"), topic = t.column("breakdown_topic"),
                    breakdown = t.column("breakdown"), total = t.column("new_ehc_plans");
  for (std::size_t r : table.rows_for(code)) {
    const auto year = calendar_year(t.cell(r, tp));
    if (!year)
      throw t.column_error(r, tp, "expected a calendar year, found " + in_quotes(t.cell(r, tp)));
    const std::string_view tpc = t.cell(r, topic);
    if (tpc == "New EHC plans") {
      h.new_plans[*year] = t.count(r, total);
      h.new_plans_by_placement[*year] = placement_groups(t, r, total, nullptr);
    } else if (tpc == "Age when plan started") {
      if (is_unknown_age_label(t.cell(r, breakdown)))
        continue;  // not recorded: no age to file it under
      const auto ages = parse_age_label(t.cell(r, breakdown));
      if (!ages)
        throw t.column_error(
            r, breakdown,
            "expected an age label (ages 0 to 25), found " + in_quotes(t.cell(r, breakdown)));
      h.new_plans_by_age[*year].push_back(
          AgeRow{*ages, t.count(r, total), placement_groups(t, r, total, nullptr), {}});
    }
  }
}

void read_ceased(const Sen2Table& table, const std::string& code, LaHistory& h) {
  const CsvTable& t = table.csv();
  const std::size_t tp = t.column("time_period"), topic = t.column("breakdown_topic"),
                    breakdown = t.column("breakdown"), total = t.column("total_ceased");
  for (std::size_t r : table.rows_for(code)) {
    const auto year = calendar_year(t.cell(r, tp));
    if (!year)
      throw t.column_error(r, tp, "expected a calendar year, found " + in_quotes(t.cell(r, tp)));
    const std::string_view tpc = t.cell(r, topic);
    CeasedFlow& flow = h.ceased[*year];
    if (tpc == "All ceased EHC plans") {
      flow.total = t.count(r, total);
      for (auto reason : CEASED_REASONS)
        flow.by_reason[std::string(reason)] = t.count(r, t.column(reason));
    } else if (tpc == "Age plan ceased") {
      if (is_unknown_age_label(t.cell(r, breakdown)))
        continue;  // not recorded: no age to file it under
      const auto ages = parse_age_label(t.cell(r, breakdown));
      if (!ages)
        throw t.column_error(
            r, breakdown,
            "expected an age label (ages 0 to 25), found " + in_quotes(t.cell(r, breakdown)));
      flow.by_age.push_back(AgeRow{*ages, t.count(r, total), {}, {}});
    } else if (tpc == "Type of placement") {
      const auto group = placement_from_label(t.cell(r, breakdown));
      if (!group) continue;
      auto& slot = flow.by_placement[static_cast<int>(*group)];
      slot = add(slot, t.count(r, total));
    }
  }
}

void read_requests(const Sen2Table& table, const std::string& code, LaHistory& h) {
  const CsvTable& t = table.csv();
  const std::size_t tp = t.column("time_period"), topic = t.column("breakdown_topic"),
                    received = t.column("requests_received_in_year"),
                    assess = t.column("requests_decided_to_assess"),
                    not_assess = t.column("requests_decided_not_to_assess");
  for (std::size_t r : table.rows_for(code)) {
    if (t.cell(r, topic) != "All requests for EHC needs assessments") continue;
    const auto year = calendar_year(t.cell(r, tp));
    if (!year)
      throw t.column_error(r, tp, "expected a calendar year, found " + in_quotes(t.cell(r, tp)));
    h.requests[*year] = {t.count(r, received), t.count(r, assess), t.count(r, not_assess)};
  }
}

//! The 2022 release: caseload and new plans by age band back to 2010/2009, and the
//! management-information table (requests, ceased plans) for 2014-2021. Years the 2025 release
//! also has are taken from the 2025 release (they agree: tests/io/la_history_test.cpp).
void read_release_2022(const Sen2Tables& tables, const std::string& code, LaHistory& h) {
  auto band_of = [](std::string_view label) -> int {
    const auto ages = parse_age_label(label);
    if (!ages) return -1;
    for (int b = 0; b < N_AGE_BANDS; ++b)
      if (ages->min == AGE_BAND_MIN[b] && ages->max == AGE_BAND_MAX[b]) return b;
    return -1;
  };
  auto read_bands = [&](const Sen2Table& table, std::string_view total_name, bool census,
                        std::map<int, Count>& totals,
                        std::map<int, std::array<Count, N_AGE_BANDS>>& bands) {
    const CsvTable& t = table.csv();
    const std::size_t tp = t.column("time_period"), age = t.column("characteristic_age"),
                      total = t.column(total_name);
    for (std::size_t r : table.rows_for(code)) {
      const auto year = census ? census_year(t.cell(r, tp)) : calendar_year(t.cell(r, tp));
      if (!year) throw t.column_error(r, tp, "expected a year, found " + in_quotes(t.cell(r, tp)));
      const std::string_view label = t.cell(r, age);
      if (label == "Total") {
        if (!totals.count(*year)) totals[*year] = t.count(r, total);
        continue;
      }
      const int b = band_of(label);
      if (b < 0) throw t.column_error(r, age, "expected an age band, found " + in_quotes(label));
      if (!bands.count(*year) || !bands[*year][b]) bands[*year][b] = t.count(r, total);
    }
  };
  read_bands(tables.age_caseload_2022, "Total_all", true, h.caseload, h.caseload_by_band);
  read_bands(tables.age_new_plans_2022, "Total_new_all", false, h.new_plans, h.new_plans_by_band);

  const CsvTable& mi = tables.mi_2022.csv();
  const std::size_t tp = mi.column("time_period"), inreq = mi.column("InreqEHC"),
                    refused = mi.column("AssRefusedEHC"),
                    assessed = mi.column("NewallEHC_AssnoneEHC_sum");
  const std::array<std::size_t, 4> discontinued = {mi.column("DisleaEHC"), mi.column("DismetEHC"),
                                                   mi.column("DisothEHC"), mi.column("DisleftEHC")};
  for (std::size_t r : tables.mi_2022.rows_for(code)) {
    const auto year = calendar_year(mi.cell(r, tp));
    if (!year)
      throw mi.column_error(r, tp, "expected a calendar year, found " + in_quotes(mi.cell(r, tp)));
    // Assessments completed stand in for "decided to assess" before the 2025 release.
    if (!h.requests.count(*year))
      h.requests[*year] = {mi.count(r, inreq), mi.count(r, assessed), mi.count(r, refused)};
    if (!h.ceased.count(*year)) {
      Count total;
      for (std::size_t c : discontinued) total = add(total, mi.count(r, c));
      h.ceased[*year].total = total;
    }
  }
}

}  // namespace

Count sum_known(const PlacementCounts& counts) {
  Count total;
  for (const auto& c : counts) total = add(total, c);
  return total;
}

int LaHistory::latest_census_year() const {
  for (auto it = caseload.rbegin(); it != caseload.rend(); ++it)
    if (it->second) return it->first;
  return 0;
}

std::optional<double> LaHistory::population_0_25(int year) const {
  auto it = population.find(year);
  if (it == population.end()) return std::nullopt;
  double total = 0;
  for (double v : it->second) total += v;
  return total;
}

LaHistory build_la_history(const Sen2Tables& tables, const Area& area,
                           const PopulationProjection* population) {
  LaHistory h;
  h.area = area;
  read_caseload(tables.caseload, area.code, h);
  read_need_table(tables.needs_all_plans, area.code, "ehc_plans", h.caseload_by_need,
                  h.caseload_need_by_age, h.caseload_need_by_placement, &h.caseload_need_unknown,
                  true);
  read_new_plans(tables.new_plans, area.code, h);
  read_need_table(tables.need_new_plans, area.code, "ehc_plans", h.new_plans_by_need,
                  h.new_plans_need_by_age, h.new_plans_need_by_placement, nullptr, false);
  read_ceased(tables.ceased_plans, area.code, h);
  read_requests(tables.requests, area.code, h);
  read_release_2022(tables, area.code, h);
  if (population != nullptr) {
    if (const AreaPopulation* p = population->find(area.code)) {
      h.population = p->by_age;
      h.population_source = p->source;
    }
  }
  return h;
}

}  // namespace sendcast::io
