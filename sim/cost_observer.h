#pragma once
// Costs each run's simulated children year by year (models/cost_model.h) and keeps the result
// per run, by run index, so that the thread count cannot change it. Only the demand state (and,
// with a capacity register, the same run's sufficiency results) is read: a cost scenario never
// changes how many children there are (common random numbers).
//
// With a capacity register (use_sufficiency), the matched groups are costed as the register
// says, not per child: every open place of a provision is paid its place funding whether filled
// or vacant, every pupil on roll its top-up (the provision's own place_funding and top_up
// columns; where the register leaves them empty, the cost table's rates, the top-up averaged
// over the need areas of the group's placed children); children the matching could not place
// are costed as independent special placements (overflow "independent") or as "elsewhere"
// (overflow "awaiting": no place is paid for while they wait). Transport (models::
// TransportCosts) follows the same children: the placed ones over the distance between their
// township and their provision's, the independent ones over an assumed distance.
#include <cstdint>
#include <memory>
#include <vector>

#include "models/cost_model.h"
#include "sim/runner.h"
#include "sim/sufficiency.h"

namespace sendcast::sim {

//! Per-run high-needs spend by financial year x DSG category.
struct CostResults {
  int runs = 0;
  int first_year = 0;  //!< financial year of index 0 (2025 = 2025-26): the origin's
  int years = 0;       //!< financial years covered in full: the horizon
  //! runs x years x N_DSG_CATEGORIES: child-years (children weighted 5/12 and 7/12 by the
  //! academic years that overlap the financial year).
  std::vector<double> children;
  //! runs x years x N_DSG_CATEGORIES: GBP spent on placements (nominal prices).
  std::vector<double> placement_spend;
  //! years x N_DSG_CATEGORIES: GBP on fixed lines, the same in every run.
  std::vector<double> fixed_spend;
  //! runs x years: home-to-school transport (a council cost, outside the HNB and the deficit):
  //! child-years carried, and GBP (nominal prices).
  std::vector<double> transport_children, transport_spend;

  std::size_t index(int run, int year, int category) const {
    return (static_cast<std::size_t>(run) * years + year) * models::N_DSG_CATEGORIES + category;
  }
  //! Calls f on every array indexed by run first (what an MPI split sums to rank 0; fixed_spend
  //! is per year, the same on every rank): a new per-run array must be listed here.
  template <class F>
  void for_each_per_run_array(F&& f) {
    f(children), f(placement_spend), f(transport_children), f(transport_spend);
  }
  //! Placement plus fixed-line spend of one category, GBP.
  double spend(int run, int year, int category) const;
  //! All categories, GBP.
  double total_spend(int run, int year) const;
};

//! Children of one census year summed over townships, by placement group x need area.
using PlacementNeedCounts = std::array<std::array<std::int64_t, N_NEED_AREAS>, N_PLACEMENTS>;
//! Sums a state (townships x models::N_STATE_CELLS) into placement x need area.
PlacementNeedCounts count_placement_need(const std::vector<std::int32_t>& state);

//! One census year of one run as the cost model prices it.
struct CensusYear {
  PlacementNeedCounts children{};  //!< costed per child at the table's unit cost
  //! Register provisions by the placement group they serve: GBP at the cost table's base prices
  //! of that group (place funding of every open place plus top-up of every pupil), and pupils.
  std::array<double, N_PLACEMENTS> provision_gbp{};
  std::array<double, N_PLACEMENTS> provision_children{};
  double transport_children = 0;  //!< children carried
  double transport_km = 0;        //!< km one way, summed over them
};

//! The cost model of one forecast: a unit-cost table applied from January `origin` for
//! `horizon` years.
class CostModel {
 public:
  CostModel(models::CostTable table, int origin, int horizon,
            models::TransportCosts transport = {});
  //! Costs the matched groups from the sufficiency results of the same run, which
  //! `sufficiency`'s observers must write before this model's observers read them (list the
  //! sufficiency factory first in combine_observers). Both must outlive the run.
  void use_sufficiency(const SufficiencyModel& model, const SufficiencyResults& results);

  const models::CostTable& table() const { return table_; }
  int first_year() const { return origin_; }
  int years() const { return horizon_; }

  //! Results for `runs` runs, zeroed, with the fixed lines filled in.
  CostResults make_results(int runs) const;
  const models::TransportCosts& transport() const { return transport_; }
  //! Census year origin + step of run `run`: the state's children, and with sufficiency the
  //! provisions' funding and the overflow.
  CensusYear census_year(int run, int step, const std::vector<std::int32_t>& state) const;
  //! Adds census year origin + step of run `run` to its financial years: 7/12 to the one
  //! before (step >= 1) and 5/12 to the one starting that April (step < horizon).
  void add_census_year(int run, int step, const CensusYear& year, CostResults& results) const;
  //! The same for children costed per child only (no register), transport from the counts.
  void add_census_year(int run, int step, const PlacementNeedCounts& counts,
                       CostResults& results) const;
  //! Observers for run_monte_carlo that write into `results` (from make_results).
  ObserverFactory observers(CostResults& results) const;

 private:
  void add_to_year(int run, int year, double share, const CensusYear& census,
                   CostResults& results) const;
  void add_sufficiency(int run, int step, CensusYear& census) const;
  void add_transport(CensusYear& census) const;

  models::CostTable table_;
  int origin_;
  int horizon_;
  models::TransportCosts transport_;
  const SufficiencyModel* sufficiency_ = nullptr;
  const SufficiencyResults* sufficiency_results_ = nullptr;
};

//! A RunObserver that costs each year of the runs it sees.
class CostObserver : public RunObserver {
 public:
  CostObserver(const CostModel& model, CostResults& results) : model_(model), results_(results) {}
  void observe(std::uint32_t run, int step, const std::vector<std::int32_t>& state) override;

 private:
  const CostModel& model_;
  CostResults& results_;
};

//! Forwards every observe() to several observers in order (run_monte_carlo takes one factory).
class CompositeObserver : public RunObserver {
 public:
  explicit CompositeObserver(std::vector<std::unique_ptr<RunObserver>> observers)
      : observers_(std::move(observers)) {}
  void observe(std::uint32_t run, int step, const std::vector<std::int32_t>& state) override;

 private:
  std::vector<std::unique_ptr<RunObserver>> observers_;
};

//! One factory making a CompositeObserver of each non-empty factory's observer; empty if all
//! are empty.
ObserverFactory combine_observers(std::vector<ObserverFactory> factories);

}  // namespace sendcast::sim
