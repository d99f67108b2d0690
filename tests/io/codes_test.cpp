#include "io/codes.h"

#include <gtest/gtest.h>

namespace sendcast {
namespace {

TEST(Codes, AgeLabels) {
  auto check = [](const char* label, int lo, int hi) {
    const auto r = parse_age_label(label);
    ASSERT_TRUE(r) << label;
    EXPECT_EQ(r->min, lo) << label;
    EXPECT_EQ(r->max, hi) << label;
  };
  check("age 7", 7, 7);
  check("under 3", 0, 2);
  check("age 2 and under", 0, 2);
  check("age 20 and over", 20, 25);
  check("Aged 5", 5, 5);
  check("Age 5 to 10", 5, 10);
  check("Under 5", 0, 4);
  EXPECT_FALSE(parse_age_label("Female"));
  EXPECT_FALSE(parse_age_label("Total"));
}

TEST(Codes, CensusYearConvention) {
  EXPECT_EQ(census_year("202425"), 2025);  // academic year 2024/25 = January 2025
  EXPECT_EQ(census_year("201819"), 2019);
  EXPECT_EQ(census_year("2022"), 2022);
  EXPECT_FALSE(census_year("202426"));
  EXPECT_EQ(calendar_year("2024"), 2024);
}

TEST(Codes, PlacementLabels) {
  EXPECT_EQ(placement_from_label("Mainstream - academy (SEN unit)"), Placement::ResourcedProvision);
  EXPECT_EQ(placement_from_label("Mainstream - LA maintained"), Placement::Mainstream);
  EXPECT_EQ(placement_from_label("Special - independent"), Placement::IndependentSpecial);
  EXPECT_EQ(placement_from_label("Special - Academy/free schools"), Placement::StateSpecial);
  EXPECT_EQ(placement_from_label("FE - specialist post-16 institutions"),
            Placement::SpecialistPostSixteen);
  EXPECT_EQ(placement_from_label("FE - general FE and tertiary colleges"),
            Placement::PostSixteenFe);
  EXPECT_EQ(placement_from_label("AP/PRU - LA maintained"), Placement::AlternativeProvision);
  EXPECT_EQ(placement_from_label("Educated elsewhere - NEET"), Placement::Elsewhere);
  EXPECT_FALSE(placement_from_label("Mainstream - total"));
}

TEST(Codes, NeedsAndAreas) {
  EXPECT_EQ(parse_need("slcn"), Need::SLCN);
  EXPECT_FALSE(parse_need("XYZ"));
  EXPECT_EQ(need_area(Need::ASD), NeedArea::CI);
  EXPECT_EQ(need_area(Need::PMLD), NeedArea::CL);
  EXPECT_EQ(need_area(Need::VI), NeedArea::SP);
  EXPECT_EQ(dsg_category(Placement::IndependentSpecial), "NMISS");
  EXPECT_EQ(age_band(4), 0);
  EXPECT_EQ(age_band(11), 2);
  EXPECT_EQ(age_band(25), 4);
}

}  // namespace
}  // namespace sendcast
