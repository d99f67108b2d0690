// Real assertions on the real published data embedded in data/.
#include "io/la_history.h"

#include <gtest/gtest.h>

#include <optional>

#include "io/data_context.h"

namespace sendcast::io {
namespace {

const DataContext& data() {
  static const DataContext ctx = load_data_context(SENDCAST_SOURCE_DIR "/data");
  return ctx;
}

LaHistory history(const std::string& query) {
  return build_la_history(data().tables, find_area(data().tables.areas, query), &data().population);
}

TEST(LaHistory, DudleyJanuaryTotals) {
  const LaHistory h = history("Dudley");
  EXPECT_EQ(h.area.code, "E08000027");
  EXPECT_EQ(h.area.old_code, "332");
  EXPECT_EQ(h.caseload.at(2019), 1926);
  EXPECT_EQ(h.caseload.at(2022), 3035);
  EXPECT_EQ(h.caseload.at(2025), 3805);
  EXPECT_EQ(h.latest_census_year(), 2025);
  EXPECT_TRUE(h.caseload.at(2010).has_value());  // the 2022 release reaches back to 2010
  EXPECT_EQ(h.caseload.begin()->first, 2010);
}

TEST(LaHistory, DudleyNeedsAndPopulation) {
  const LaHistory h = history("E08000027");
  EXPECT_EQ(h.caseload_by_need.at(2025)[static_cast<int>(Need::SLCN)], 1286);
  EXPECT_DOUBLE_EQ(h.population.at(2022)[0], 3492.0);
  EXPECT_FALSE(h.population_source.empty());
}

TEST(LaHistory, PlacementGroupsAddUpToTheTotal) {
  const LaHistory h = history("332");
  for (const auto& [year, groups] : h.caseload_by_placement) {
    ASSERT_TRUE(h.caseload.at(year)) << year;
    EXPECT_EQ(sum_known(groups), h.caseload.at(year)) << year;
  }
  // January 2019: 959 in special schools, of which 69 + 1 independent / non-maintained.
  EXPECT_EQ(h.caseload_by_placement.at(2019)[static_cast<int>(Placement::StateSpecial)], 864 + 25);
  EXPECT_EQ(h.caseload_by_placement.at(2019)[static_cast<int>(Placement::IndependentSpecial)],
            69 + 1);
}

TEST(LaHistory, FlowsByCalendarYear) {
  const LaHistory h = history("Dudley");
  EXPECT_EQ(h.new_plans.at(2019), 444);
  EXPECT_EQ(h.new_plans.at(2024), 545);  // sen_need_newplans all plans 2024
  EXPECT_EQ(h.new_plans.begin()->first, 2009);
  EXPECT_EQ(h.ceased.at(2022).total, 99);
  EXPECT_EQ(h.requests.at(2019).received, 493);
  EXPECT_TRUE(h.ceased.at(2021).total.has_value());  // from the 2022 release's MI table
  EXPECT_FALSE(h.caseload_by_age.at(2025).empty());
  EXPECT_FALSE(h.new_plans_by_age.at(2024).empty());
}

//! January 2024 and January 2025 single ages are on one basis and are read as published:
//! England's rows both run from "under 3" to "age 25" with like counts at each age. Moving
//! 2024's ages a year would put its cohorts a year out of step with 2025's.
TEST(LaHistory, SingleAgesAreReadAsPublished) {
  const auto total_at = [](const LaHistory& h, int year, int age) -> std::optional<std::int64_t> {
    for (const AgeRow& row : h.caseload_by_age.at(year))
      if (row.ages.min == age && row.ages.max == age) return row.total;
    return std::nullopt;
  };
  const LaHistory dudley = history("Dudley");
  EXPECT_EQ(total_at(dudley, 2024, 4), 178);
  EXPECT_EQ(total_at(dudley, 2024, 25), 1);
  EXPECT_EQ(total_at(dudley, 2025, 4), 183);
  const LaHistory england = history("England");
  for (int year : {2024, 2025}) {
    EXPECT_TRUE(total_at(england, year, 25).has_value()) << year;
    EXPECT_TRUE(total_at(england, year, 3).has_value()) << year;
  }
  EXPECT_EQ(total_at(england, 2024, 4), 21470);
  EXPECT_EQ(total_at(england, 2025, 4), 22517);
  EXPECT_EQ(total_at(england, 2024, 24), 2100);
  // Bands from the single ages: Dudley's January 2024 ages 16-19, 195 + 187 + 147 + 121.
  EXPECT_EQ(dudley.caseload_by_band.at(2024)[age_band(16)], 650);
}

TEST(LaHistory, MissingCellsStayMissing) {
  const LaHistory h = history("Dudley");
  // requests_decided_to_assess is published as "x" for Dudley 2019.
  EXPECT_FALSE(h.requests.at(2019).decided_to_assess.has_value());
}

//! The 2022 and 2025 releases agree on every area's January totals for 2019-2022 and on new
//! plans for 2019-2021: check every area, reading the two releases separately.
TEST(LaHistory, ReleasesAgreeForEveryArea2019To2022) {
  const auto& t = data().tables;
  int compared = 0;
  for (const auto& area : t.areas) {
    const CsvTable& old_t = t.age_caseload_2022.csv();
    const CsvTable& new_t = t.caseload.csv();
    for (std::size_t r : t.age_caseload_2022.rows_for(area.code)) {
      if (old_t.cell(r, old_t.column("characteristic_age")) != "Total") continue;
      const int year = *census_year(old_t.cell(r, old_t.column("time_period")));
      if (year < 2019) continue;
      for (std::size_t q : t.caseload.rows_for(area.code)) {
        if (new_t.cell(q, new_t.column("breakdown_topic")) != "All EHC plans") continue;
        if (*census_year(new_t.cell(q, new_t.column("time_period"))) != year) continue;
        EXPECT_EQ(old_t.count(r, old_t.column("Total_all")),
                  new_t.count(q, new_t.column("ehcplans")))
            << area.name << " " << year;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 600);  // 4 years x ~160 areas
}

TEST(LaHistory, EnglandAndRegionsAreAreas) {
  const LaHistory e = history("England");
  ASSERT_TRUE(e.caseload.at(2025));
  EXPECT_GT(*e.caseload.at(2025), 600000);
  const LaHistory wm = history("West Midlands");
  EXPECT_GT(*wm.caseload.at(2025), *history("Dudley").caseload.at(2025));
}

TEST(LaHistory, UnknownAreaGivesHelpfulError) {
  try {
    (void)find_area(data().tables.areas, "Dudly");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no local authority"), std::string::npos);
  }
  try {
    (void)find_area(data().tables.areas, "dud");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean: Dudley"), std::string::npos);
  }
}

}  // namespace
}  // namespace sendcast::io

namespace sendcast::io {
namespace {

//! Every LA, region and England in the data builds a history with a 2025 caseload (or says
//! it has none: LAs that stopped existing before 2025 are not in caseload.csv at all).
TEST(LaHistory, EveryAreaBuilds) {
  int with_2025 = 0, las = 0;
  for (const auto& area : data().tables.areas) {
    const LaHistory h = build_la_history(data().tables, area, &data().population);
    if (area.level == "Local authority") ++las;
    if (h.caseload.count(2025) && h.caseload.at(2025)) ++with_2025;
  }
  EXPECT_GE(las, 150);
  EXPECT_GE(with_2025, las);
}

}  // namespace
}  // namespace sendcast::io
