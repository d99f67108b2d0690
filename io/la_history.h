#pragma once
// Everything published about one area (LA, region or England), by year, from the 2022 and
// 2025 SEN2 releases reconciled, plus its population where a projection is supplied.
// Missing cells are std::nullopt, never zero. Years: caseload maps are keyed by January census
// year (2025 = January 2025); flow maps by calendar year (2024 = Jan-Dec 2024, the flow between
// the January 2024 and January 2025 censuses).
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/codes.h"
#include "io/sen2_tables.h"
#include "io/snpp.h"

namespace sendcast::io {

using Count = std::optional<std::int64_t>;
using PlacementCounts = std::array<Count, N_PLACEMENTS>;
using NeedCounts = std::array<Count, N_NEEDS>;

//! One published age row: the ages it covers ("under 3" = 0-2), its total, its split.
struct AgeRow {
  AgeRange ages;
  Count total;
  PlacementCounts placement{};  //!< where the table has placement columns
  NeedCounts need{};            //!< where the table has need columns
};

//! Ceased plans in a calendar year: reasons as published (needs_met, he, employ, transfer,
//! no_engage, moved_outside_eng, deceased, max_age, not_rec, other) and their total.
struct CeasedFlow {
  Count total;
  std::map<std::string, Count> by_reason;
  std::vector<AgeRow> by_age;      //!< "Age plan ceased" (2023 on); total only
  PlacementCounts by_placement{};  //!< "Type of placement" (2023 on)
};

struct RequestFlow {
  Count received;
  Count decided_to_assess;
  Count decided_not_to_assess;
};

struct LaHistory {
  Area area;

  // --- caseload at January (census year) ---
  std::map<int, Count> caseload;  //!< 2010-2025 (statements + EHC plans before 2019)
  std::map<int, std::array<Count, N_AGE_BANDS>> caseload_by_band;  //!< 2010-2022, 2024-2025
  std::map<int, std::vector<AgeRow>> caseload_by_age;  //!< single ages 2024-2025 (x placement)
  std::map<int, std::map<std::string, Count>> caseload_by_column;  //!< published placement columns
  std::map<int, PlacementCounts> caseload_by_placement;            //!< groups, 2019-2025
  std::map<int, NeedCounts> caseload_by_need;                      //!< 2025
  std::map<int, Count> caseload_need_unknown;                      //!< 2025
  std::map<int, std::vector<AgeRow>> caseload_need_by_age;         //!< 2025: need x age
  std::map<int, std::array<NeedCounts, N_PLACEMENTS>> caseload_need_by_placement;  //!< 2025

  // --- flows in the calendar year ---
  std::map<int, Count> new_plans;                                   //!< 2009-2024
  std::map<int, std::array<Count, N_AGE_BANDS>> new_plans_by_band;  //!< 2009-2021
  std::map<int, std::vector<AgeRow>>
      new_plans_by_age;  //!< age plan started (x placement), 2022-2024
  std::map<int, PlacementCounts> new_plans_by_placement;                            //!< 2019-2024
  std::map<int, NeedCounts> new_plans_by_need;                                      //!< 2024
  std::map<int, std::vector<AgeRow>> new_plans_need_by_age;                         //!< 2024
  std::map<int, std::array<NeedCounts, N_PLACEMENTS>> new_plans_need_by_placement;  //!< 2024
  std::map<int, CeasedFlow> ceased;     //!< 2022-2024 (totals from 2014 via sen2_mi)
  std::map<int, RequestFlow> requests;  //!< 2014-2024

  // --- population (ONS SNPP), mid-year -> persons by single year of age 0..25 ---
  std::map<int, std::array<double, N_AGES>> population;
  std::string population_source;  //!< empty when no projection covers this area

  //! Latest census year with a caseload total.
  int latest_census_year() const;
  //! Population aged 0-25 at mid-year `year`, if known.
  std::optional<double> population_0_25(int year) const;
};

//! Builds the history of `area` from the tables (and the projection, if it covers the area).
LaHistory build_la_history(const Sen2Tables& tables, const Area& area,
                           const PopulationProjection* population = nullptr);

//! Sum of known values, nullopt when every value is missing.
Count sum_known(const PlacementCounts& counts);

}  // namespace sendcast::io
