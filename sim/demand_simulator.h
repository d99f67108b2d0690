#pragma once
// One Monte Carlo run of the demand model: a possible future of one LA's EHCP caseload by
// township x age x need x placement. Each run draws its own parameters from the calibrated
// distributions, then simulates with process noise. Every draw is keyed by (seed, run, year,
// stream, substream), so a run's numbers never depend on which thread or rank runs it, and
// changing one lever leaves the draws of every other cell untouched (common random numbers).
//
// The annual step, from January y to January y+1, in this order:
//   1. leavers      plans cease: hazard by age x placement (x lever)
//   2. ageing       survivors age one year and move placement over the age's transition
//                   row; plans at age 25 end (aged out). 1 and 2 are one categorical draw per
//                   child from one 32-bit word of its cell's stream: an exact multinomial
//   3. joiners      new plans in calendar year y: Poisson per age around the trend, each joiner
//                   given a need x placement and a township from one word by an alias table
//   4. net other    transfers in or extra leaving by age band, as calibrated from published
//                   stocks. Leaving (rate q): each child who would be in the band in January,
//                   survivor or joiner, leaves with probability q, drawn with 1 and 2 from
//                   the child's word and for joiners as Poisson(m q) beside Poisson(m (1 - q)).
//                   Transfers in: Poisson(rho x the band's first-year children) arrivals, each
//                   in a cell chosen in proportion to its children (Poisson per cell, in law)
//   5. need changes none by default (SEN2 publishes no flows for them); a model of them would
//                   move children between cells after step 4, before the roll-up
//
// The draws visit only occupied cells: each step walks a list of the cells with children (a
// few thousand of the townships x 2,496 cells), doing 1, 2 and 4's leaving in one pass, so a
// run's draws cost what its children cost, not what the state's size costs. The roll-up is
// the exception: summing every cell in memory order, whole blocks at a time, is cheaper than
// adding each occupied cell to its six breakdowns, and its per-age sums let 4's transfers in
// skip the blocks none of them joins.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/model_parameters.h"
#include "sim/demand_levers.h"
#include "sim/rng.h"
#include "sim/rollups.h"

namespace sendcast::sim {

//! Sees one run's state every year, after the year's roll-up: how later layers (place
//! sufficiency, costs) follow the same simulated children without changing them. One
//! observer serves one run at a time; the demand state it sees is read-only, so a capacity
//! or cost scenario can never change how many children there are (common random numbers).
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  //! Called for step 0 (the origin) and each step 1..horizon. `state` holds townships x
  //! models::N_STATE_CELLS counts, indexed township * N_STATE_CELLS + models::cell_index(...).
  virtual void observe(std::uint32_t run, int step, const std::vector<std::int32_t>& state) = 0;
};

//! The parameters one run drew.
struct RunParameters {
  std::array<double, N_AGES> hazard{};
  std::array<models::PlacementMatrix, N_AGES> transition{};  //!< probabilities per row
  std::vector<std::array<double, N_AGE_BANDS>> net_flow;     //!< by step 0..horizon
  std::array<double, N_AGES> joiner_age_profile{};
  std::vector<double> log_joiner_rate;  //!< by step 0..horizon (step s = calendar origin-1+s)
};

namespace detail {
struct TransitionRow;  //!< one ageing row, ready to sample (demand_simulator.cpp)
}  // namespace detail

//! Scratch memory for DemandSimulator::simulate, reused from run to run so that a run
//! allocates nothing: one per thread (a workspace serves one run at a time).
class SimulationWorkspace {
 public:
  SimulationWorkspace();
  ~SimulationWorkspace();
  SimulationWorkspace(SimulationWorkspace&&) noexcept;
  SimulationWorkspace& operator=(SimulationWorkspace&&) noexcept;

 private:
  friend class DemandSimulator;
  struct Buffers;
  std::unique_ptr<Buffers> buffers_;
};

class DemandSimulator {
 public:
  DemandSimulator(const models::ModelParameters& params, DemandLevers levers, int horizon,
                  std::uint64_t seed);

  const RollupLayout& layout() const { return layout_; }
  int horizon() const { return horizon_; }
  int years() const { return horizon_ + 1; }  //!< rows per run: the origin and each step
  int townships() const { return static_cast<int>(params_.townships.size()); }
  const models::ModelParameters& parameters() const { return params_; }

  //! Simulates run `run` and writes years() rows of layout().columns() counts to `out`.
  //! If `final_state` is given it receives the state at the horizon (townships x cells).
  //! Thread-safe: uses no shared mutable state.
  void simulate(std::uint32_t run, std::int32_t* out,
                std::vector<std::int32_t>* final_state = nullptr,
                RunObserver* observer = nullptr) const;
  //! The same, with scratch memory the caller keeps (one workspace per thread): what the
  //! runner uses, so that runs reuse their buffers. Same numbers as the overload above.
  void simulate(std::uint32_t run, std::int32_t* out, SimulationWorkspace& workspace,
                std::vector<std::int32_t>* final_state = nullptr,
                RunObserver* observer = nullptr) const;

  //! The parameters run `run` draws (exposed for tests).
  RunParameters draw_parameters(std::uint32_t run) const;

 private:
  using State = std::vector<std::int32_t>;  //!< townships x N_STATE_CELLS
  using Buffers = SimulationWorkspace::Buffers;

  //! What the roll-up of single cells and the large-cell path need about one (age, need,
  //! placement) cell, computed once. 20 bytes a cell, 50 KB in all: more than L1 holds, so the
  //! survivors' pass takes a cell's age and placement from its index instead.
  struct CellInfo {
    std::int16_t age, placement;
    std::int16_t age_column, band_column, need_column, placement_column;
    //! Township 0's specialist column and the step to the next township's; for placements
    //! that are not specialist, the total's column (overwritten after the roll-up) and 0.
    std::int32_t specialist_column, specialist_stride;
  };

  void draw_run_parameters(std::uint32_t run, RunParameters& rp, bool with_transitions) const;
  void draw_transition_row(std::uint32_t run, int age, int from,
                           std::array<double, N_PLACEMENTS>& row) const;
  void initial_state(std::uint32_t run, Buffers& b) const;
  //! Draws transition row (age, from) for this run, the first time a run needs it, with
  //! thresholds for net flow out q.
  void prepare_transition_row(std::uint32_t run, int age, int from, double q, Buffers& b) const;
  void step_survivors(std::uint32_t run, int step, Buffers& b, std::int32_t* row) const;
  //! Leaving and ageing of a cell of more than LARGE_CELL children, by binomials.
  void settle_large_cell(std::size_t i, std::int32_t n, double p, double q, const CellInfo& cell,
                         const detail::TransitionRow& moves, Rng& rng, Buffers& b,
                         std::int64_t& leavers, std::int64_t& aged_out) const;
  void step_joiners(std::uint32_t run, int step, Buffers& b, std::int32_t* row) const;
  void step_inflow_and_roll_up(std::uint32_t run, int step, Buffers& b, std::int32_t* row) const;
  void roll_up_cell(std::size_t i, std::int32_t n, std::int32_t* row) const;
  //! Adds every cell of `state` to the row's breakdowns but the total, which it returns;
  //! age_counts (townships x N_AGES) receives the children by township and age.
  std::int64_t roll_up_state(const std::vector<std::int32_t>& state, std::int32_t* row,
                             std::int64_t* age_counts) const;
  std::uint32_t year_key(int step) const {
    return static_cast<std::uint32_t>(params_.origin + step);
  }

  models::ModelParameters params_;
  DemandLevers levers_;
  int horizon_;
  std::uint64_t seed_;
  RollupLayout layout_;
  std::array<CellInfo, models::N_STATE_CELLS> cells_{};
  //! Township 0's specialist column of each (band, need, specialist placement), and the step
  //! to the next township's (roll_up_state).
  std::array<std::int32_t, N_AGE_BANDS * N_NEEDS * SPECIALIST_PLACEMENTS.size()>
      specialist_columns_{};
  int specialist_stride_ = 0;
  std::vector<std::uint32_t> initial_cells_;  //!< cells with children at the origin
  //! Word thresholds between townships (cumulative township shares): a child of the origin
  //! split with word w goes to the township counting the thresholds <= w.
  std::vector<std::uint64_t> township_bounds_;
  //! By step: whether any leaver lever differs from 1 (otherwise each transition row's
  //! thresholds serve every cell of it).
  std::vector<bool> leaver_levered_;
  //! Where a joiner goes, by step and age (index step * N_AGES + age): need x placement x
  //! township with the levers applied, as an index into joiner_choices_ (-1: nobody joins),
  //! and the need x placement weight that scales the joiner rate. Ages whose mix the levers
  //! leave alone share one table across steps.
  std::vector<int> joiner_choice_index_;
  std::vector<double> joiner_weight_;
  std::vector<DiscreteDistribution> joiner_choices_;
  std::vector<AliasTable> joiner_tables_;  //!< the same distributions, for one word a joiner
  //! Category t x 96 + need x 8 + placement's cell, less the age's first cell.
  std::vector<std::uint32_t> joiner_offsets_;
};

}  // namespace sendcast::sim
