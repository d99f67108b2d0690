// The cost arithmetic checked by hand: unit costs, inflation, financial-year alignment, HNB
// income and the deficit; and the unit-cost table reader's errors.
#include "models/cost_model.h"

#include <gtest/gtest.h>

#include <string>

#include "io/cost_table.h"
#include "io/error.h"
#include "sim/cost_observer.h"

namespace sendcast::models {
namespace {

const std::string HEADER =
    "line,need_area,place_gbp,top_up_gbp,fee_gbp,fixed_gbp,growth,inflation,prices,source\n";

//! A complete table: state special C&L costs £10,000 place + £12,000 top-up, everything else
//! £1,000 top-up; fixed lines zero; no inflation unless asked.
std::string table_text(const std::string& inflation = "0") {
  std::string t = HEADER;
  for (auto p : PLACEMENT_CODES) {
    if (p == "state_special") {
      for (auto a : {"C&I", "SEMH", "SP"})
        t += "state_special," + std::string(a) + ",,1000,,,," + inflation + ",2025-26,test\n";
      t += "state_special,C&L,10000,12000,,,," + inflation + ",2025-26,test\n";
    } else {
      t += std::string(p) + ",all,,1000,,,," + inflation + ",2025-26,test\n";
    }
  }
  for (auto l : FIXED_LINE_CODES) t += std::string(l) + ",all,,,,0,0,0,2025-26,test\n";
  return t;
}

sim::PlacementNeedCounts special_cl(std::int64_t n) {
  sim::PlacementNeedCounts c{};
  c[static_cast<int>(Placement::StateSpecial)][static_cast<int>(NeedArea::CL)] = n;
  return c;
}

const int MDSSA = 2;  // index of MdSSA in DSG_CATEGORY_CODES

TEST(CostModel, ThreeChildrenInStateSpecialCostPlacePlusTopUp) {
  const sim::CostModel model(io::parse_cost_table(table_text(), "t.csv"), 2025, 1);
  sim::CostResults r = model.make_results(1);
  model.add_census_year(0, 0, special_cl(3), r);
  model.add_census_year(0, 1, special_cl(3), r);
  EXPECT_DOUBLE_EQ(r.children[r.index(0, 0, MDSSA)], 3.0);
  EXPECT_DOUBLE_EQ(r.placement_spend[r.index(0, 0, MDSSA)], 3 * (10000.0 + 12000.0));
  EXPECT_DOUBLE_EQ(r.total_spend(0, 0), 66000.0);
}

TEST(CostModel, FinancialYearIsFiveTwelfthsOfOneCensusYearAndSevenOfTheNext) {
  const sim::CostModel model(io::parse_cost_table(table_text(), "t.csv"), 2025, 2);
  sim::CostResults r = model.make_results(1);
  model.add_census_year(0, 0, special_cl(3), r);   // January 2025
  model.add_census_year(0, 1, special_cl(6), r);   // January 2026
  model.add_census_year(0, 2, special_cl(12), r);  // January 2027
  // 2025-26: April-August 2025 of the January-2025 year, September 2025-March 2026 of the next.
  EXPECT_DOUBLE_EQ(r.children[r.index(0, 0, MDSSA)], 3 * 5.0 / 12 + 6 * 7.0 / 12);  // 4.75
  EXPECT_DOUBLE_EQ(r.placement_spend[r.index(0, 0, MDSSA)], 4.75 * 22000.0);
  EXPECT_DOUBLE_EQ(r.children[r.index(0, 1, MDSSA)], 6 * 5.0 / 12 + 12 * 7.0 / 12);  // 9.5
  EXPECT_DOUBLE_EQ(financial_year_spend(12.0, 24.0), 19.0);
  EXPECT_EQ(r.first_year, 2025);
}

TEST(CostModel, InflationCompoundsFromThePriceBase) {
  const CostTable t = io::parse_cost_table(table_text("0.02"), "t.csv");
  EXPECT_DOUBLE_EQ(unit_cost(t, Placement::StateSpecial, NeedArea::CL, 2025), 22000.0);
  EXPECT_NEAR(unit_cost(t, Placement::StateSpecial, NeedArea::CL, 2027), 22000.0 * 1.0404, 1e-9);
  EXPECT_NEAR(unit_cost(t, Placement::StateSpecial, NeedArea::CL, 2024), 22000.0 / 1.02, 1e-9);
  CostTable f = t;
  f.fixed[0] = {1e6, 0.03, 0.02, 2025};
  EXPECT_NEAR(fixed_cost(f, FixedLine::HospitalEducation, 2026), 1e6 * 1.03 * 1.02, 1e-6);
}

TEST(CostModel, FinancialYearLabels) {
  EXPECT_EQ(financial_year_label(2025), "2025-26");
  EXPECT_EQ(financial_year_label(1999), "1999-00");
  EXPECT_EQ(parse_financial_year("2021-22"), 2021);
  EXPECT_EQ(parse_financial_year("1999-00"), 1999);
  EXPECT_FALSE(parse_financial_year("2021-23"));
  EXPECT_FALSE(parse_financial_year("2021"));
}

TEST(CostModel, IncomeIsPublishedThenGrown) {
  const std::vector<HnbAllocation> dudley = io::read_hnb_allocations(
      SENDCAST_SOURCE_DIR "/data/finance/hnb_allocations_blackcountry_2020-21_to_2023-24.csv",
      "Dudley");
  ASSERT_EQ(dudley.size(), 4u);
  EXPECT_DOUBLE_EQ(hnb_income(dudley, 0.05, 2020), 37576061.0);
  EXPECT_DOUBLE_EQ(hnb_income(dudley, 0.05, 2023), 54385235.0);
  EXPECT_NEAR(hnb_income(dudley, 0.05, 2025), 54385235.0 * 1.05 * 1.05, 1e-6);
  EXPECT_THROW(hnb_income(dudley, 0.05, 2019), InputError);
  EXPECT_THROW(hnb_income({}, 0.05, 2025), InputError);
  EXPECT_EQ(
      io::read_hnb_allocations(SENDCAST_SOURCE_DIR
                               "/data/finance/hnb_allocations_blackcountry_2020-21_to_2023-24.csv",
                               "332")
          .size(),
      4u);
}

TEST(CostModel, DeficitCarriesTheOpeningBalanceAndPeaks) {
  FinanceAssumptions a;  // Dudley: £13.609m into 2021-22, 2021-22 gap £8.048m carried
  EXPECT_NEAR(opening_balance(a, 2021), 13.609e6, 1e-3);
  EXPECT_NEAR(opening_balance(a, 2023), 13.609e6 + 2 * 8.048e6, 1e-3);
  a.known_gaps = {{2021, 8e6}, {2022, 5e6}};
  EXPECT_NEAR(opening_balance(a, 2024), 13.609e6 + 8e6 + 5e6 + 5e6, 1e-3);
  const std::vector<double> cumulative = cumulative_deficit(10.0, {5.0, 5.0, 5.0}, {3.0, 6.0, 7.0});
  EXPECT_EQ(cumulative, (std::vector<double>{12.0, 11.0, 9.0}));
  EXPECT_EQ(peak_index(cumulative), 0);
  EXPECT_EQ(peak_index({1.0, 3.0, 3.0, 2.0}), 1);
}

TEST(CostModel, OpeningYearAfterTheForecastIsAnError) {
  FinanceAssumptions a;
  a.opening_year = 2027;
  EXPECT_THROW(opening_balance(a, 2025), InputError);
  a.opening_year = 2020;
  a.known_gaps.clear();
  EXPECT_THROW(opening_balance(a, 2025), InputError);
}

TEST(CostTable, ShippedIllustrativeTableIsComplete) {
  const CostTable t =
      io::read_cost_table(SENDCAST_SOURCE_DIR "/data/finance/unit_costs_illustrative.csv");
  double fees = 0;
  for (int a = 0; a < N_NEED_AREAS; ++a) {
    fees += t.unit[static_cast<int>(Placement::IndependentSpecial)][a].fee_gbp;
    EXPECT_DOUBLE_EQ(t.unit[static_cast<int>(Placement::StateSpecial)][a].place_gbp, 10000.0);
    EXPECT_DOUBLE_EQ(t.unit[static_cast<int>(Placement::ResourcedProvision)][a].place_gbp, 6000.0);
  }
  EXPECT_NEAR(fees / N_NEED_AREAS, 55000.0, 1.0);
  EXPECT_EQ(t.unit[0][0].prices, 2025);
  EXPECT_DOUBLE_EQ(t.unit[0][0].inflation, 0.02);
}

//! The message of the InputError that parsing `text` raises ("" if none).
std::string error_of(const std::string& text) {
  try {
    io::parse_cost_table(text, "costs.csv");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

//! table_text() with the first occurrence of `from` replaced by `to`.
std::string edited(const std::string& from, const std::string& to) {
  std::string t = table_text();
  t.replace(t.find(from), from.size(), to);
  return t;
}

TEST(CostTable, BadTablesNameFileLineAndColumn) {
  EXPECT_EQ(error_of(edited("top_up_gbp,", "topup_gbp,")),
            "costs.csv:1: missing required column 'top_up_gbp'");
  // line 2 is the first data row: mainstream
  EXPECT_EQ(error_of(edited("mainstream,all,,1000", "mainstream,all,,-5")),
            "costs.csv:2: column 'top_up_gbp': negative cost \"-5\"");
  EXPECT_EQ(error_of(edited("mainstream,all", "mainstrem,all")).substr(0, 62),
            "costs.csv:2: column 'line': unknown placement or line \"mainstr");
  EXPECT_EQ(error_of(edited("mainstream,all", "mainstream,ASD")),
            "costs.csv:2: column 'need_area': unknown need area \"ASD\"; expected C&I, C&L, SEMH, "
            "SP or all");
  EXPECT_EQ(error_of(edited("mainstream,all,,1000,,,,0,2025-26", "mainstream,all,,1000,,,,0,2025")),
            "costs.csv:2: column 'prices': expected a financial year like \"2025-26\", found "
            "\"2025\"");
  EXPECT_EQ(error_of(edited("ap_pru", "mainstream")),
            "costs.csv:9: column 'need_area': duplicate cost for mainstream x C&I");
  const std::string no_ap = edited("ap_pru,all,,1000,,,,0,2025-26,test\n", "");
  EXPECT_EQ(error_of(no_ap), "costs.csv: no unit cost for ap_pru x C&I");
  EXPECT_EQ(error_of(edited("outreach,all,,,,0", "outreach,all,,,,-1")),
            error_of(edited("outreach,all,,,,0", "outreach,all,,,,-1")));
  EXPECT_NE(error_of(edited("outreach,all,,,,0", "outreach,all,,,,-1")).find("fixed_gbp"),
            std::string::npos);
}

}  // namespace
}  // namespace sendcast::models
