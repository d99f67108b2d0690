#pragma once
// The capacity register: one row per state-funded specialist provision (special school,
// resourced provision, SEN unit, alternative provision, specialist post-16), with its type,
// township, age range, designated needs and places. data/capacity/README.md is the user's
// description of the format; keep the two in step.
//
//   id,name,type,township,age_min,age_max,needs,places,opens,closes,place_funding,top_up
//
// needs: SEN2 codes (ASD, SLD, ...), broad areas (C&I, C&L, SEMH, SP) or "any", separated by
// ";". opens/closes: census years (blank: always open / never closes); a provision counts
// from the January census of `opens` and is gone from the January census of `closes`.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/codes.h"
#include "io/error.h"

namespace sendcast::io {

enum class ProvisionType : int { Special, ResourcedProvision, SenUnit, Ap, SpecialistPost16 };
constexpr int N_PROVISION_TYPES = 5;
constexpr std::array<std::string_view, N_PROVISION_TYPES> PROVISION_TYPE_CODES = {
    "special", "resourced_provision", "sen_unit", "ap", "specialist_post16"};
std::optional<ProvisionType> parse_provision_type(std::string_view code);
//! The SEN2 placement group whose children a provision of this type serves.
Placement served_placement(ProvisionType type);

//! How well a provision's designation fits a child's primary need, weakest first: the
//! matching prefers an exact code to a broad area, and a broad area to "any".
enum class Fit : std::uint8_t { None, Any, Area, Exact };
using Designation = std::array<Fit, N_NEEDS>;  //!< indexed by Need
//! Adds one designation word ("ASD", "c&i", "any") to `designation`, keeping the closest
//! fit per need; false if the word is none of these.
bool add_designation(std::string_view word, Designation& designation);
//! "SEN2 codes (ASD, ...), broad areas (C&I, ...) or any": for error messages.
std::string designation_words();

constexpr int FIRST_CENSUS_YEAR = 2000;
constexpr int LAST_CENSUS_YEAR = 2100;

struct Provision {
  std::string id;
  std::string name;
  ProvisionType type = ProvisionType::Special;
  std::string township;
  int age_min = 0;  //!< census age, inclusive
  int age_max = MAX_AGE;
  std::string needs;  //!< as written, for outputs
  Designation designation{};
  int places = 0;
  int opens = 0;             //!< census year first open; 0 = open throughout
  int closes = 0;            //!< census year first closed; 0 = never closes
  double place_funding = 0;  //!< GBP per place per year (0 = not given)
  double top_up = 0;         //!< GBP per pupil per year (0 = not given)
  Location where;            //!< file and line it was read from, for later errors
  bool open_in(int census_year) const {
    return (opens == 0 || census_year >= opens) && (closes == 0 || census_year < closes);
  }
};

struct CapacityRegister {
  std::string source;  //!< file it came from, for provenance
  std::vector<Provision> provisions;
};

//! Reads and validates a register; `townships` are the LA's township names. Every error is an
//! InputError naming file, line and column.
CapacityRegister read_capacity_register(const std::filesystem::path& file,
                                        const std::vector<std::string>& townships);
//! As read_capacity_register, for text in memory that `source` names in errors.
CapacityRegister parse_capacity_register(std::string text, const std::string& source,
                                         const std::vector<std::string>& townships);

//! Checks a township name against the LA's list; the message lists the valid names.
std::optional<std::string> township_problem(const std::string& township,
                                            const std::vector<std::string>& townships);

}  // namespace sendcast::io
