#pragma once
// Place sufficiency: each run's specialist demand matched, year by year, to the places in a
// capacity register, without changing the demand (a RunObserver only reads the state). The
// demand is every child whose placement group is resourced provision / SEN unit, state
// special, AP / PRU or specialist post-16 (groups with no provision in the register are not
// matched), by township x age x need. Each year:
//   1. incumbents keep their place while their age stays in the provision's range; children
//      who left the group's demand cell are taken off (proportionally, see reconcile());
//   2. a provision that shrank or closed releases its newest pupils;
//   3. new and transferring demand fills vacancies by a minimum-cost flow (sim/matching.h):
//      cost = travel between township centres + weaker designation fit; provisions whose age
//      range or designation does not fit are never used;
//   4. what cannot be placed overflows: to independent / non-maintained special schools, where
//      it stays until the child leaves the demand cell, or to "awaiting placement", matched
//      again the next year.
// Children are counted, not named, so incumbents are tracked as counts per provision x
// township x age x need x group; every rounding is deterministic, so results depend only on
// the demand state (common random numbers across capacity scenarios).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/capacity_register.h"
#include "io/codes.h"
#include "sim/rollups.h"
#include "sim/runner.h"

namespace sendcast::sim {

//! The placement groups matched to places, in the order of every sufficiency array.
constexpr int N_MATCHED = 4;
constexpr std::array<Placement, N_MATCHED> MATCHED_PLACEMENTS = {
    Placement::ResourcedProvision, Placement::StateSpecial, Placement::AlternativeProvision,
    Placement::SpecialistPostSixteen};
//! Index of `placement` in MATCHED_PLACEMENTS, -1 if it is not matched.
int matched_index(Placement placement);
std::string_view matched_code(int group);  //!< PLACEMENT_CODES of the group

enum class OverflowMode : int { Independent, Awaiting };
constexpr std::array<std::string_view, 2> OVERFLOW_MODE_NAMES = {"independent", "awaiting"};

// Costs of the matching, in units of 100 m of straight-line travel between township centres.
constexpr double COST_PER_KM = 10.0;
//! By io::Fit: a broad-area designation costs as much as 3 km more travel, "any" 6 km.
constexpr std::array<std::int64_t, 4> FIT_COST = {0, 60, 30, 0};
//! A child diverted to resourced provision goes to a special school only if no base has room.
constexpr std::int64_t DIVERTED_TO_SPECIAL_COST = 1000;

//! One provision as the matching sees it: its register entry with the scenario applied.
struct ProvisionPlan {
  std::string id;
  std::string name;
  io::ProvisionType type = io::ProvisionType::Special;
  int township = 0;  //!< index into SufficiencySetup::townships
  int age_min = 0;
  int age_max = MAX_AGE;
  io::Designation designation{};
  std::vector<std::int32_t> places;  //!< by year index; 0 = closed or not yet open
  double place_funding = 0;          //!< GBP per place per year; 0 = the cost table's
  double top_up = 0;                 //!< GBP per pupil per year; 0 = the cost table's
  int group() const { return matched_index(io::served_placement(type)); }
};

struct SufficiencySetup {
  int first_year = 0;  //!< census year of year index 0 (the origin)
  int years = 0;       //!< origin plus horizon
  std::vector<std::string> townships;
  std::vector<double> distance_km;  //!< townships x townships
  std::vector<ProvisionPlan> provisions;
  OverflowMode overflow = OverflowMode::Independent;
  double divert_to_resourced_provision = 0;  //!< share of new state-special demand, [0, 1]
};

//! Cells of the per-run arrays: group x phase x need area x township (of the child), for the
//! groups the register serves (groups() lists them, as MATCHED_PLACEMENTS indices); and the
//! coarser "away" cells, group x township, for children placed outside their township.
class SufficiencyLayout {
 public:
  SufficiencyLayout() : SufficiencyLayout({0, 1, 2, 3}, 1) {}
  SufficiencyLayout(std::vector<int> groups, int townships);
  const std::vector<int>& groups() const { return groups_; }
  int townships() const { return townships_; }
  int cells() const { return static_cast<int>(groups_.size()) * PER_GROUP * townships_; }
  int away_cells() const { return static_cast<int>(groups_.size()) * townships_; }
  //! -1 for a group the layout does not hold.
  int cell(int group, int phase, int area, int township) const {
    const int slot = slot_[group];
    return slot < 0 ? -1 : ((slot * N_PHASES + phase) * N_NEED_AREAS + area) * townships_ + township;
  }
  int away_cell(int group, int township) const {
    const int slot = slot_[group];
    return slot < 0 ? -1 : slot * townships_ + township;
  }
  int group_of(int cell) const { return groups_[cell / (PER_GROUP * townships_)]; }
  int phase_of(int cell) const { return cell / (N_NEED_AREAS * townships_) % N_PHASES; }
  int area_of(int cell) const { return cell / townships_ % N_NEED_AREAS; }
  int township_of(int cell) const { return cell % townships_; }
  int away_group_of(int away) const { return groups_[away / townships_]; }
  int away_township_of(int away) const { return away % townships_; }

 private:
  static constexpr int PER_GROUP = N_PHASES * N_NEED_AREAS;
  std::vector<int> groups_;
  std::array<int, N_MATCHED> slot_{};
  int townships_;
};

//! The layout of a setup's results: the groups its provisions serve, by its townships.
SufficiencyLayout sufficiency_layout(const SufficiencySetup& setup);

//! Every run's matching outcome, indexed by run so that thread count cannot matter. Children
//! placed in a cell are its demand minus its overflow; the provisions' rolls count them again,
//! independently, from the placements themselves.
struct SufficiencyResults {
  int runs = 0;
  int years = 0;
  int cells = 0;
  int away_cells = 0;
  int provisions = 0;
  // runs x years x cells: children in each cell's demand; children without a suitable place.
  std::vector<std::int32_t> demand, overflow;
  //! runs x years x away cells: children placed in a provision outside their own township.
  std::vector<std::int32_t> placed_outside_township;
  // runs x years x provisions: pupils on roll and vacancies.
  std::vector<std::int32_t> occupied, vacancies;
  std::vector<std::int32_t> diverted;  //!< runs x years: state-special demand placed in bases
  //! runs x years x N_MATCHED (by the child's demand group): km of straight-line distance
  //! between township centres, summed over the children placed (home transport's distance).
  std::vector<double> placed_km;

  std::size_t cell_offset(int run, int year) const {
    return (static_cast<std::size_t>(run) * years + year) * cells;
  }
  std::size_t away_offset(int run, int year) const {
    return (static_cast<std::size_t>(run) * years + year) * away_cells;
  }
  std::size_t provision_offset(int run, int year) const {
    return (static_cast<std::size_t>(run) * years + year) * provisions;
  }
  std::size_t km_offset(int run, int year) const {
    return (static_cast<std::size_t>(run) * years + year) * N_MATCHED;
  }
  //! Calls f on every array indexed by run first (what an MPI split sums to rank 0): a new
  //! per-run array must be listed here.
  template <class F>
  void for_each_per_run_array(F&& f) {
    f(demand), f(overflow), f(placed_outside_township), f(occupied), f(vacancies), f(diverted),
        f(placed_km);
  }
};

//! The matching's fixed data: the setup and, for every year, which provisions each (group,
//! need, age) may use. Shared read-only by every thread's observer.
class SufficiencyModel {
 public:
  struct Arc {
    int provision = 0;
    std::int64_t cost = 0;  //!< designation fit (and diversion) cost, before travel
  };
  //! Children of one group whose needs and ages may use the same provisions at the same fit.
  struct SourceClass {
    std::vector<Arc> arcs;           //!< provisions of the group's own type
    std::vector<Arc> diverted_arcs;  //!< state special only: bases, then special schools
  };

  explicit SufficiencyModel(SufficiencySetup setup);

  const SufficiencySetup& setup() const { return setup_; }
  const SufficiencyLayout& layout() const { return layout_; }
  int townships() const { return layout_.townships(); }
  //! A group is matched when the register has a provision serving it in some year.
  bool matched(int group) const { return matched_[group]; }
  //! -1 when no provision open in `year` fits the group, need and age.
  int class_of(int year, int group, int need, int age) const {
    return class_of_key(year, (age * N_NEEDS + need) * N_MATCHED + group);
  }
  //! As class_of, for a demand key (township-major: township, age, need, group).
  int class_of_key(int year, int key) const {
    constexpr int per_township = N_AGES * N_NEEDS * N_MATCHED;
    return class_of_[static_cast<std::size_t>(year) * per_township + key % per_township];
  }
  //! The layout cell of a demand key.
  int cell_of_key(int key) const { return cell_of_key_[key]; }
  //! The away cell (group x township) of a demand key.
  int away_of_key(int key) const { return away_of_key_[key]; }
  //! The matched groups, in MATCHED_PLACEMENTS order.
  const std::vector<int>& matched_groups() const { return matched_groups_; }
  //! ProvisionPlan::group() of each provision.
  int group_of(int provision) const { return provision_group_[provision]; }
  const std::vector<SourceClass>& classes(int year) const { return classes_[year]; }
  std::int64_t travel_cost(int from, int to) const { return travel_cost_[from * townships() + to]; }

  SufficiencyResults make_results(int runs) const;
  //! Observers for run_monte_carlo that write into `results` (sized by make_results).
  ObserverFactory observers(SufficiencyResults& results) const;

 private:
  void index_cells();
  void build_classes(int year);

  SufficiencySetup setup_;
  SufficiencyLayout layout_;
  std::array<bool, N_MATCHED> matched_{};
  std::vector<int> class_of_;  //!< by year x (age, need, group)
  std::vector<int> cell_of_key_, away_of_key_;
  std::vector<int> matched_groups_;
  std::vector<int> provision_group_;
  std::vector<std::vector<SourceClass>> classes_;
  std::vector<std::int64_t> travel_cost_;
};

}  // namespace sendcast::sim
