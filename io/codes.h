#pragma once
// The fixed vocabularies of SEN2: primary needs, placement columns and the placement groups
// LAs plan with, age labels, and census-year conventions.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace sendcast {

constexpr int MAX_AGE = 25;          //!< EHCPs run from age 0 to 25
constexpr int N_AGES = MAX_AGE + 1;  //!< single years 0..25

//! The 12 SEN2 primary need codes, in the published column order.
enum class Need : int { ASD, HI, MLD, MSI, OTH, PD, PMLD, SEMH, SLCN, SLD, SPLD, VI };
constexpr int N_NEEDS = 12;
constexpr std::array<std::string_view, N_NEEDS> NEED_CODES = {
    "ASD", "HI", "MLD", "MSI", "OTH", "PD", "PMLD", "SEMH", "SLCN", "SLD", "SPLD", "VI"};
//! Broad areas of need (SEND code of practice): C&I, C&L, SEMH, SP (sensory/physical).
enum class NeedArea : int { CI, CL, SEMH, SP };
constexpr int N_NEED_AREAS = 4;
constexpr std::array<std::string_view, N_NEED_AREAS> NEED_AREA_CODES = {"C&I", "C&L", "SEMH", "SP"};
NeedArea need_area(Need need);
std::optional<Need> parse_need(std::string_view code);  //!< "ASD", "asd", ...

//! Placement groups as in DOMAIN.md, with post-16 FE and specialist post-16 kept apart.
enum class Placement : int {
  Mainstream,             //!< mainstream schools, excluding resourced provision and SEN units
  ResourcedProvision,     //!< resourced provision and SEN units ("bases")
  StateSpecial,           //!< LA maintained, academy and free special schools
  IndependentSpecial,     //!< independent and non-maintained special schools (INMSS)
  AlternativeProvision,   //!< AP and pupil referral units
  PostSixteenFe,          //!< general FE and tertiary colleges, other UKRLP providers
  SpecialistPostSixteen,  //!< specialist post-16 institutions (SPI)
  Elsewhere,              //!< home education, NEET, other arrangements, early years, unknown
};
constexpr int N_PLACEMENTS = 8;
constexpr std::array<std::string_view, N_PLACEMENTS> PLACEMENT_CODES = {
    "mainstream", "resourced_provision", "state_special",     "independent_special",
    "ap_pru",     "post16_fe",           "specialist_post16", "elsewhere"};
constexpr std::array<std::string_view, N_PLACEMENTS> PLACEMENT_LABELS = {
    "Mainstream",         "Resourced provision / SEN unit",
    "State special",      "Independent / NM special",
    "AP / PRU",           "Post-16 FE",
    "Specialist post-16", "Elsewhere / NEET / EHE / unknown"};
//! DSG management plan category of a placement group.
std::string_view dsg_category(Placement p);
std::optional<Placement> parse_placement(std::string_view code);

//! The SEN2 caseload/newplans placement columns that make up each group (excluding
//! "elsewhere", which is the remainder of the total: see la_history.cpp).
struct PlacementColumn {
  std::string_view column;
  Placement group;
};
extern const std::array<PlacementColumn, 18> PLACEMENT_COLUMNS;
//! Maps a published "Type of placement" label ("Mainstream - academy (SEN unit)") to its group;
//! nullopt for totals ("Mainstream - total") and unknown labels.
std::optional<Placement> placement_from_label(std::string_view label);

//! The five SEN2 age bands of the 2010-2022 series.
constexpr int N_AGE_BANDS = 5;
constexpr std::array<std::string_view, N_AGE_BANDS> AGE_BAND_CODES = {"0-4", "5-10", "11-15",
                                                                      "16-19", "20-25"};
constexpr std::array<int, N_AGE_BANDS> AGE_BAND_MIN = {0, 5, 11, 16, 20};
constexpr std::array<int, N_AGE_BANDS> AGE_BAND_MAX = {4, 10, 15, 19, 25};
int age_band(int age);

//! An age range parsed from a published label: "age 7" -> [7,7], "under 3" -> [0,2],
//! "age 2 and under" -> [0,2], "age 20 and over" -> [20,25], "Aged 5" -> [5,5],
//! "Age 5 to 10" -> [5,10], "Under 5" -> [0,4]. nullopt for labels that are not ages and
//! for ages outside 0..MAX_AGE ("age 30", "age -3").
struct AgeRange {
  int min = 0;
  int max = 0;
};
std::optional<AgeRange> parse_age_label(std::string_view label);
//! "unknown", "Age unknown": published rows whose age was not recorded.
bool is_unknown_age_label(std::string_view label);

//! Census year of a caseload time_period: "202425" -> 2025 (January 2025); "2022" -> 2022.
std::optional<int> census_year(std::string_view time_period);
//! Calendar year of a flow time_period: "2024" -> 2024.
std::optional<int> calendar_year(std::string_view time_period);

}  // namespace sendcast
