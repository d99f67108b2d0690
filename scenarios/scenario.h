#pragma once
// The typed scenario: everything a user can change about a forecast, read from a TOML file
// (with `include` of a base scenario) and validated at the boundary, so that every mistake is
// an InputError naming file, line and dotted key. scenarios/README.md is the user's copy of
// the table below; keep the two in step with the option tables in scenario.cpp.
//
//   key                          type          default       meaning
//   name                         string        (required)    shown in every output
//   description                  string        ""            free text
//   la                           string        "Dudley"      LA name, ONS code or DfE number
//   start_year                   int           0             origin January census; 0 = latest
//   years                        int 1..30     10            census years projected
//   runs                         int 1..1e7    10000         Monte Carlo runs
//   seed                         int >= 0      20250123      master seed
//   include                      string        (none)        base scenario, relative path
//   population.files             [string]      []            SNPP files; [] = ons/snpp*.csv
//   population.use               bool          true          false = joiners as counts
//   townships.split_file         string        ""            "" = one area
//   townships.centres_file       string        ""            township,latitude,longitude;
//                                                            "" = no travel cost
//   trend.model                  string        "damped"      damped | continue | flat |
//                                                            converge_to_england
//   trend.damping                float (0,1]   0.75          phi: growth multiplier per year
//   trend.long_run_growth        float +-0.5   0.0           log growth per year damped toward
//   trend.fit_years              int 3..15     6             years of history fitted
//   trend.converge_years         int 1..30     5             years to reach England's growth
//   [[joiners.multiplier]]       table array   []            multiply new-plan rates
//   [[leavers.multiplier]]       table array   []            multiply ceasing rates
//     .factor                    float >= 0    (required)
//     .from_year                 int           start_year+1  first census year it applies
//     .to_year                   int >= from   9999          last census year it applies
//     .needs                     [string]      all           SEN2 codes or C&I|C&L|SEMH|SP
//     .ages                      [int, int]    [0, 25]       inclusive age range
//     .placements (leavers)      [string]      all           PLACEMENT_CODES
//   [[joiners.placement_shift]]  table array   []            move new plans between groups
//     .from, .to                 string        (required)    PLACEMENT_CODES, from != to
//     .share                     float [0,1]   (required)    share of `from` moved to `to`
//     .from_year, .to_year, .ages                            as for multipliers
//   capacity.register            string        ""            capacity register CSV;
//                                                            "" = no sufficiency matching
//   capacity.overflow            string        "independent" independent | awaiting
//   [[capacity.change]]          table array   []            change a provision from a year
//     .id                        string        (required)    register or capacity.add id
//     .year                      int           (required)    first census year it applies
//     .places                    int           (one of)      change in places (+24, -6)
//     .close                     bool          (one of)      true: closed from `year`
//   [[capacity.add]]             table array   []            a new provision
//     .id, .name, .type, .township, .age_min, .age_max, .needs, .places   (required)
//     .opens, .closes, .place_funding, .top_up                           (optional)
//                                                            as the register's columns;
//                                                            needs is an array of strings
//   capacity.policy.divert_to_resourced_provision
//                                float [0,1]   0             share of new state-special
//                                                            demand offered bases first
//   finance.cost_table           string        data/finance/unit_costs_illustrative.csv
//   finance.allocations          string        data/finance/hnb_allocations_blackcountry_...csv
//   finance.income_growth        float +-0.5   0.05          HNB growth after the last published
//   finance.opening_year         "YYYY-YY"     "2021-22"     year the opening deficit enters
//   finance.opening_deficit_gbp  float >= 0    13609000      cumulative deficit brought forward
//   finance.deficit_threshold_gbp float >= 0   0             reported: P(deficit > threshold)
//   [[finance.known_gap]]        table array   2021-22: 8048000   replaces the default list
//     .year                      "YYYY-YY"     (required)    financial year
//     .gap_gbp                   float         (required)    spend - income (negative: surplus)
//   [[finance.unit_cost]]        table array   []            replaces cost-table values
//     .placement                 string        (required)    PLACEMENT_CODES
//     .need_area                 string        "all"         C&I | C&L | SEMH | SP | all
//     .place_gbp, .top_up_gbp, .fee_gbp  float >= 0 (one at least)  GBP per child per year
//     .inflation                 float +-0.5   (table's)     yearly price rise
//   finance.transport.per_child_gbp  float >= 0  7000        illustrative, GBP per child a year
//   finance.transport.per_km_gbp     float >= 0  400         illustrative, per km one way
//   finance.transport.independent_km float >= 0  20          illustrative, km to independent
//   finance.transport.inflation      float +-0.5 0.03        illustrative
//   finance.transport.prices         "YYYY-YY"   "2025-26"   price base of the three above
//
// Numbers: a float key accepts an integer (`factor = 1`); an integer key rejects a float.
// Includes: tables merge key by key, arrays of tables are appended after the base's, any
// other value (including a plain array such as population.files) replaces the base's.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "io/capacity_register.h"
#include "io/codes.h"
#include "io/error.h"
#include "models/cost_model.h"

namespace sendcast::scenarios {

//! How the joiner rate trend is carried past the last observed year (models/trend).
enum class TrendModel : int { Damped, Continue, Flat, ConvergeToEngland };
constexpr int N_TREND_MODELS = 4;
constexpr std::array<std::string_view, N_TREND_MODELS> TREND_MODEL_NAMES = {
    "damped", "continue", "flat", "converge_to_england"};
std::string_view trend_model_name(TrendModel model);

constexpr int LAST_YEAR = 9999;  //!< to_year default: "until the end of the projection"

template <std::size_t N>
constexpr std::array<bool, N> all_true() {
  std::array<bool, N> out{};
  out.fill(true);
  return out;
}

// Years: from_year 0 means "from the first projected year" and is kept as 0 (not resolved at
// load) because start_year 0 means "latest census in the data", which only the data layer
// knows. Whoever resolves start_year writes it back to Scenario::start_year; effective_from
// then gives the real year (and with start_year still 0, a default from_year bounds nothing).

//! Multiplies a joiner (new plan) or leaver (ceasing) rate for the years, needs, ages and
//! (leavers only) placements it names. Multipliers that apply to a cell multiply together.
struct RateMultiplier {
  double factor = 1.0;
  int from_year = 0;                                      //!< census year; 0 = start_year + 1
  int to_year = LAST_YEAR;                                //!< census year, inclusive
  std::array<bool, N_NEEDS> needs = all_true<N_NEEDS>();  //!< indexed by Need
  int age_min = 0;
  int age_max = MAX_AGE;
  std::array<bool, N_PLACEMENTS> placements = all_true<N_PLACEMENTS>();  //!< by Placement
  int effective_from(int start_year) const;
  //! Years, need and age; leaver_multiplier checks `placements` as well.
  bool applies(int year, int start_year, int need, int age) const;
};

//! Moves `share` of the new plans that would be placed in `from` to `to`. How several shifts
//! combine is the allocation model's business; the loader keeps them in file order.
struct PlacementShift {
  Placement from = Placement::StateSpecial;
  Placement to = Placement::ResourcedProvision;
  double share = 0.0;       //!< fraction of `from`, in [0, 1]
  int from_year = 0;        //!< as RateMultiplier::from_year
  int to_year = LAST_YEAR;  //!< census year, inclusive
  int age_min = 0;
  int age_max = MAX_AGE;
  int effective_from(int start_year) const;
  bool applies(int year, int start_year, int age) const;
};

struct PopulationSection {
  std::vector<std::filesystem::path> files;  //!< absolute; empty = every data/ons/snpp*.csv
  bool use = true;                           //!< false: joiners modelled as counts
};

struct TownshipsSection {
  std::filesystem::path split_file;    //!< absolute; empty = no split (one area)
  std::filesystem::path centres_file;  //!< absolute; empty = all townships equally near
};

//! Where children go when no suitable place is free (sim::OverflowMode).
enum class CapacityOverflow : int { Independent, Awaiting };
constexpr std::array<std::string_view, 2> CAPACITY_OVERFLOW_NAMES = {"independent", "awaiting"};

//! Changes a provision's places from a census year on: a delta, or closure.
struct CapacityChange {
  std::string id;
  int year = 0;        //!< census year from which it applies
  int places = 0;      //!< change in places (may be negative)
  bool close = false;  //!< closed from `year` on
  Location where;      //!< scenario file and line, for errors found once the register is read
};

struct CapacitySection {
  std::filesystem::path register_file;  //!< absolute; empty = no sufficiency matching
  CapacityOverflow overflow = CapacityOverflow::Independent;
  std::vector<CapacityChange> changes;         //!< [[capacity.change]], file order
  std::vector<io::Provision> additions;        //!< [[capacity.add]], `where` = scenario line
  double divert_to_resourced_provision = 0.0;  //!< [capacity.policy], in [0, 1]
};

struct TrendSection {
  TrendModel model = TrendModel::Damped;
  double damping = 0.75;         //!< phi, growth multiplier per year, in (0, 1]
  double long_run_growth = 0.0;  //!< log growth per year the damped trend tends to
  int fit_years = 6;             //!< years of history the growth is fitted on
  int converge_years = 5;        //!< converge_to_england: years to reach England's growth
};

struct Scenario {
  std::string name;
  std::string description;
  std::string la = "Dudley";  //!< name, ONS code or DfE number, resolved by the data layer
  int start_year = 0;         //!< origin January census year; 0 = latest in the data
  int years = 10;             //!< census years projected after start_year
  int runs = 10000;
  std::uint64_t seed = 20250123;
  PopulationSection population;
  TownshipsSection townships;
  TrendSection trend;
  std::vector<RateMultiplier> joiner_multipliers;
  std::vector<RateMultiplier> leaver_multipliers;
  std::vector<PlacementShift> placement_shifts;  //!< [[joiners.placement_shift]], file order
  CapacitySection capacity;
  //! [finance]: unit costs, HNB income, the opening deficit and transport (file paths
  //! absolute once a scenario file set them, else relative to the data directory).
  models::FinanceAssumptions finance;

  std::filesystem::path file;  //!< the file loaded (as given); empty for default_scenario()
  //! The resolved scenario (includes merged, `include` dropped, paths relative to `file`'s
  //! folder) printed by toml++'s formatter: keys sorted, comments and layout gone, defaults
  //! not filled in (writing a default out changes it). Written to outputs for provenance.
  std::string source_text;
  std::string hash;  //!< io::fnv1a of source_text, as io::hex64 (16 hex digits)
};

//! Reads, resolves includes, validates. Throws InputError.
Scenario load_scenario(const std::filesystem::path& file);
//! As load_scenario, for text that claims to live at `pretend_file` (includes and relative
//! paths resolve against its folder, errors name it).
Scenario parse_scenario(std::string_view toml_text, const std::filesystem::path& pretend_file);
//! Every key at its default, name "default".
Scenario default_scenario();

//! Product of the joiner multipliers that apply; need is a Need index, age 0..MAX_AGE.
double joiner_multiplier(const Scenario& scenario, int year, int need, int age);
//! Product of the leaver multipliers that apply; placement is a Placement index.
double leaver_multiplier(const Scenario& scenario, int year, int need, int age, int placement);

}  // namespace sendcast::scenarios
