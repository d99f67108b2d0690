#include "sim/demand_simulator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sendcast::sim {

namespace {

using models::cell_index;
using models::N_STATE_CELLS;

// Substream bases keep every (stream, purpose) family apart within a year.
//! The net flow's yearly deviation uses this substream of Stream::NetFlow; the transfers in of
//! age band b use the next ones, NET_FLOW_YEAR_SUBSTREAM + 1 + b.
constexpr std::uint32_t NET_FLOW_YEAR_SUBSTREAM = 1u << 24;
constexpr std::uint32_t SUB_HAZARD = 0, SUB_NET_FLOW = 2, SUB_JOINER_AGE = 3, SUB_TREND = 4;
//! Transition rows each have their own substream, SUB_TRANSITION_ROW + age x placements +
//! from, so a run draws only the rows its children use and gets the same rows whichever
//! those are.
constexpr std::uint32_t SUB_TRANSITION_ROW = 1u << 8;

//! Cells one age up: cell_index(a + 1, need, q) - cell_index(a, need, q).
constexpr std::size_t AGE_STRIDE = N_NEEDS * N_PLACEMENTS;

//! Above this many joiners at one age (or children in one cell at the origin, per township)
//! conditional binomials beat one draw per child; below it, a word each is cheaper.
constexpr std::int64_t JOINERS_BY_ALIAS = 4096;
constexpr std::int64_t SPLIT_BY_INVERSION_PER_TOWNSHIP = 8;

//! Every child's leaving and ageing is settled by one 32-bit word of its cell's stream, four
//! words (one Philox block) a round. A cell of up to this many children, most of them, needs
//! only its stream's first block; the blocks of larger cells are made in batches too.
constexpr std::int32_t SMALL_CELL = 4;

//! Cells of more than this many children (LA-level forecasts of large LAs) draw binomials
//! instead: a word per child costs more there than a few draws per cell.
constexpr std::int32_t LARGE_CELL = 24;

//! Up to this many movers out of a large cell draw their destinations one by one.
constexpr std::int64_t MOVERS_BY_INVERSION = 16;

//! No ceasing probability reaches 1: a lever can raise the hazard that far only in error.
constexpr double MAX_HAZARD = 0.999;

//! Cells whose first Philox blocks are generated together (see Rng::first_blocks).
constexpr std::size_t CHUNK = 96;

constexpr int JOINER_CATEGORIES = N_NEEDS * N_PLACEMENTS;  //!< need x placement

}  // namespace

namespace detail {

//! One child's year, leaving, ageing and net flow out together, as one word w of its cell's
//! stream cut at thresholds: w < leave, the plan ceases (probability p); w < out, the child
//! ages and leaves with the net flow out of its new age band (probability (1 - p) q); w <
//! stay, the child ages in its placement ((1 - p)(1 - q) P(stay)); otherwise it moves to
//! placement other[k], k the number of bounds <= w ((1 - p)(1 - q) P(other k)). Every child
//! an independent categorical draw over the product distribution, so a cell's counts are an
//! exact multinomial whatever its size.
//! The thresholds every child's word is compared with. Signed, and every one at most 2^33, so
//! that comparisons of a word with all of them are plain vector compares.
struct Cuts {
  std::int64_t leave = 0, out = 0, stay = 0;
};

//! Cuts, and for the movers, where each placement's words begin.
struct ChildThresholds : Cuts {
  //! Upper ends of the movers' slots but the last, then 2^33 (above every word), so the
  //! destination is a count of comparisons, without a branch.
  std::array<std::int64_t, N_PLACEMENTS - 1> bounds{};
};

//! One ageing row of one run: where children of (age, placement) go.
struct TransitionRow {
  double stay = 1;                                 //!< P(keeping the placement)
  int n_others = 0;                                //!< other placements with positive probability
  std::array<std::int32_t, N_PLACEMENTS> other{};  //!< their placements, most likely first
  std::array<double, N_PLACEMENTS> cumulative{};   //!< running sums of their probabilities
  std::array<double, N_PLACEMENTS> conditional{};  //!< P(other j | not others before j)
  double p = 0;             //!< the run's ceasing probability for the row, without levers
  double q = -1;            //!< the net flow out `without` was made for (-1: none yet)
  ChildThresholds without;  //!< thresholds at p and q (for steps without a leaver lever)

  //! The thresholds at ceasing probability p_leave and net flow out q_out.
  ChildThresholds thresholds(double p_leave, double q_out) const {
    ChildThresholds t;
    constexpr std::int64_t WORDS = std::int64_t{1} << 32;
    const double gone = p_leave + (1 - p_leave) * q_out;
    t.leave = static_cast<std::int64_t>(word_threshold(p_leave));
    t.out = std::max(static_cast<std::int64_t>(word_threshold(gone)), t.leave);
    t.stay =
        n_others == 0 ? WORDS : static_cast<std::int64_t>(word_threshold(gone + (1 - gone) * stay));
    t.stay = std::max(t.stay, t.out);
    t.bounds.fill(2 * WORDS);
    if (n_others > 0) {
      const double total = cumulative[n_others - 1];
      const double span = static_cast<double>(WORDS - t.stay);
      for (int k = 0; k + 1 < n_others; ++k)
        t.bounds[k] = t.stay + static_cast<std::int64_t>(cumulative[k] / total * span + 0.5);
    }
    return t;
  }
};
}  // namespace detail

using detail::ChildThresholds;
using detail::TransitionRow;

//! Cells that may hold children, in the order they filled: room for every cell, so that
//! listing one is a store and an add, without a branch.
struct CellList {
  std::vector<std::uint32_t> cells;
  std::size_t size = 0;
  const std::uint32_t* begin() const { return cells.data(); }
  const std::uint32_t* end() const { return cells.data() + size; }
};

struct SimulationWorkspace::Buffers {
  std::vector<std::int32_t> state, next;  //!< townships x N_STATE_CELLS
  CellList active, next_active;           //!< the cells of state and next that may hold children
  RunParameters rp;
  std::array<TransitionRow, N_AGES * N_PLACEMENTS> rows{};
  std::array<bool, N_AGES * N_PLACEMENTS> row_ready{};
  //! Each row's cuts without levers (rows[r].without's), side by side: what every cell reads,
  //! in 5 KB rather than spread over the rows' 57 KB.
  std::array<detail::Cuts, N_AGES * N_PLACEMENTS> cuts{};
  //! Gives row r the net flow out q: its thresholds without levers.
  void set_net_out(int r, double q) {
    TransitionRow& row = rows[r];
    row.q = q;
    row.without = row.thresholds(row.p, q);
    cuts[r] = row.without;
  }
  std::vector<std::int64_t> split;  //!< by township
  std::vector<std::int64_t> mix;    //!< joiners by need x placement x township
  std::vector<double> probs;        //!< the same categories' probabilities
  std::array<Rng::Block, CHUNK> first_blocks{};
  //! The blocks after the first of a chunk's cells with more than SMALL_CELL children, made
  //! together (Rng::blocks_at): cell j's are extra_blocks[extra_first[j]...].
  std::vector<Rng::Block> extra_blocks;
  std::vector<std::uint32_t> extra_substreams, extra_indices;
  std::array<std::uint32_t, CHUNK> extra_first{};

  std::vector<std::uint32_t> movers;  //!< step_survivors: a chunk's movers' cells
  struct Stayers {
    std::uint32_t cell;
    std::int32_t count;
  };
  std::array<Stayers, CHUNK> stayers{};  //!< step_survivors: a chunk's cells with stayers

  //! Makes the extra blocks of chunk[0..count) whose counts (in `counts`) exceed SMALL_CELL;
  //! returns the words the chunk's blocks hold (a bound on its children).
  std::size_t make_extra_blocks(std::uint64_t seed, std::uint32_t run, std::uint32_t year,
                                Stream stream, const std::uint32_t* chunk, std::size_t count,
                                const std::vector<std::int32_t>& counts) {
    std::size_t extra = 0;
    for (std::size_t j = 0; j < count; ++j) {
      const std::int32_t n = counts[chunk[j]];
      extra_first[j] = static_cast<std::uint32_t>(extra);
      if (n <= SMALL_CELL || n > LARGE_CELL) continue;
      const auto blocks = static_cast<std::uint32_t>((n - 1) / 4);  // words 4 .. n - 1
      if (extra + blocks > extra_substreams.size()) {
        extra_substreams.resize(2 * (extra + blocks));
        extra_indices.resize(2 * (extra + blocks));
      }
      for (std::uint32_t k = 1; k <= blocks; ++k, ++extra) {
        extra_substreams[extra] = chunk[j];
        extra_indices[extra] = k;
      }
    }
    const std::size_t words = 4 * (count + extra);
    if (extra == 0) return words;
    if (extra > extra_blocks.size()) extra_blocks.resize(extra_substreams.size());
    Rng::blocks_at(seed, run, year, stream, extra_substreams.data(), extra_indices.data(), extra,
                   extra_blocks.data());
    return words;
  }
  //! Block k of chunk cell j's stream (k > 0 only for cells make_extra_blocks saw).
  const Rng::Block& block(std::size_t j, std::int32_t k) const {
    return k == 0 ? first_blocks[j]
                  : extra_blocks[extra_first[j] + static_cast<std::uint32_t>(k - 1)];
  }
  //! Children by age band before the first year's net flow: a positive net flow adds
  //! rho x this many children a year (an additive inflow), not rho x the growing stock.
  std::array<double, N_AGE_BANDS> inflow_base{};
  //! This step's children lost to net flow out, in all and by age band. The bands are read
  //! only for inflow_base, so survivors' small cells, the hot path, count them at step 1 only.
  std::int64_t net_out = 0;
  std::array<std::int64_t, N_AGE_BANDS> net_out_by_band{};
  //! Children by township x age in `next` before transfers in (roll_up_state).
  std::vector<std::int64_t> age_counts;
  //! A band's transfers in: which of its children (in cell order) each arrival joins.
  std::vector<std::int64_t> arrivals;

  //! Adds k > 0 children to cell i of `next`, listing the cell the first time it fills.
  void add_next(std::size_t i, std::int64_t k) {
    std::int32_t& slot = next[i];
    next_active.cells[next_active.size] = static_cast<std::uint32_t>(i);
    next_active.size += slot == 0;
    slot += static_cast<std::int32_t>(k);
  }
};

SimulationWorkspace::SimulationWorkspace() : buffers_(std::make_unique<Buffers>()) {}
SimulationWorkspace::~SimulationWorkspace() = default;
SimulationWorkspace::SimulationWorkspace(SimulationWorkspace&&) noexcept = default;
SimulationWorkspace& SimulationWorkspace::operator=(SimulationWorkspace&&) noexcept = default;

DemandSimulator::DemandSimulator(const models::ModelParameters& params, DemandLevers levers,
                                 int horizon, std::uint64_t seed)
    : params_(params),
      levers_(std::move(levers)),
      horizon_(horizon),
      seed_(seed),
      layout_(params.townships) {
  if (static_cast<int>(params_.population_ratio.size()) < horizon_ + 1)
    params_.population_ratio.resize(horizon_ + 1, params_.population_ratio.empty()
                                                      ? std::array<double, N_AGES>{}
                                                      : params_.population_ratio.back());
  if (static_cast<int>(levers_.joiner.size()) < horizon_ + 1)
    levers_ = DemandLevers::none(horizon_);

  for (int a = 0; a < N_AGES; ++a)
    for (int n = 0; n < N_NEEDS; ++n)
      for (int q = 0; q < N_PLACEMENTS; ++q) {
        CellInfo& info = cells_[cell_index(a, n, q)];
        const auto narrow = [](int v) { return static_cast<std::int16_t>(v); };
        info = {narrow(a),
                narrow(q),
                narrow(layout_.age(a)),
                narrow(layout_.band(age_band(a))),
                narrow(layout_.need(n)),
                narrow(layout_.placement(q)),
                layout_.specialist(0, a, n, q),
                0};
        if (info.specialist_column >= 0) {
          info.specialist_stride = layout_.specialist(1, a, n, q) - info.specialist_column;
        } else {
          // Not a specialist placement: count it in the total, which the roll-up overwrites
          // after the loop, rather than branch on every cell.
          info.specialist_column = layout_.total();
        }
      }
  for (int band = 0; band < N_AGE_BANDS; ++band)
    for (int n = 0; n < N_NEEDS; ++n)
      for (std::size_t g = 0; g < SPECIALIST_PLACEMENTS.size(); ++g)
        specialist_columns_[(band * N_NEEDS + n) * SPECIALIST_PLACEMENTS.size() + g] =
            layout_.specialist(0, AGE_BAND_MIN[band], n,
                               static_cast<int>(SPECIALIST_PLACEMENTS[g]));
  specialist_stride_ = layout_.specialist(1, 0, 0, static_cast<int>(SPECIALIST_PLACEMENTS[0])) -
                       layout_.specialist(0, 0, 0, static_cast<int>(SPECIALIST_PLACEMENTS[0]));
  for (int c = 0; c < N_STATE_CELLS; ++c)
    if (params_.initial[c] > 0) initial_cells_.push_back(static_cast<std::uint32_t>(c));
  if (townships() > 1) {
    // Township k's words end at the cumulative share of townships 0..k (the last at 2^32).
    double sum = 0, total = 0;
    for (const double share : params_.township_shares) total += share;
    for (int t = 0; t + 1 < townships(); ++t)
      township_bounds_.push_back(
          detail::word_threshold((sum += params_.township_shares[t]) / total));
  }
  for (int t = 0; t < townships(); ++t)
    for (int k = 0; k < JOINER_CATEGORIES; ++k)
      joiner_offsets_.push_back(static_cast<std::uint32_t>(t * N_STATE_CELLS + k));
  leaver_levered_.assign(static_cast<std::size_t>(horizon_ + 1), false);
  for (int s = 1; s <= horizon_; ++s)
    leaver_levered_[s] = std::any_of(levers_.leaver[s].begin(), levers_.leaver[s].end(),
                                     [](double m) { return m != 1.0; });

  // Where joiners go (need x placement x township) by step and age does not depend on the
  // run: weigh it by the levers once.
  const int nt = townships();
  joiner_choice_index_.assign(static_cast<std::size_t>(horizon_ + 1) * N_AGES, -1);
  joiner_weight_.assign(joiner_choice_index_.size(), 0.0);
  std::vector<std::array<double, JOINER_CATEGORIES>> last_weights(N_AGES);
  for (int s = 1; s <= horizon_; ++s)
    for (int a = 0; a < N_AGES; ++a) {
      std::array<double, JOINER_CATEGORIES> weights{};
      for (int n = 0; n < N_NEEDS; ++n)
        for (int q = 0; q < N_PLACEMENTS; ++q) {
          const int k = n * N_PLACEMENTS + q;
          weights[k] = params_.joiner_mix[a][k] * levers_.joiner[s][a][n];
        }
      for (const auto& shift : levers_.shifts[s]) {
        if (a < shift.age_min || a > shift.age_max) continue;
        for (int n = 0; n < N_NEEDS; ++n) {
          const double moved = weights[n * N_PLACEMENTS + shift.from] * shift.share;
          weights[n * N_PLACEMENTS + shift.from] -= moved;
          weights[n * N_PLACEMENTS + shift.to] += moved;
        }
      }
      double total = 0;
      for (double& w : weights) total += w = std::max(w, 0.0);
      const std::size_t at = static_cast<std::size_t>(s) * N_AGES + a;
      if (!(total > 0)) continue;
      joiner_weight_[at] = total;
      if (s > 1 && weights == last_weights[a] && joiner_choice_index_[at - N_AGES] >= 0) {
        joiner_choice_index_[at] = joiner_choice_index_[at - N_AGES];
        continue;
      }
      std::vector<double> joint(static_cast<std::size_t>(nt) * JOINER_CATEGORIES);
      for (int t = 0; t < nt; ++t)
        for (int k = 0; k < JOINER_CATEGORIES; ++k)
          joint[static_cast<std::size_t>(t) * JOINER_CATEGORIES + k] =
              weights[k] * (nt > 1 ? params_.township_shares[t] : 1.0);
      joiner_choice_index_[at] = static_cast<int>(joiner_choices_.size());
      joiner_choices_.emplace_back(joint);
      joiner_tables_.emplace_back(joint);
      last_weights[a] = weights;
    }
}

void DemandSimulator::draw_transition_row(std::uint32_t run, int age, int from,
                                          std::array<double, N_PLACEMENTS>& row) const {
  if (!params_.transitions_known) {
    row.fill(0.0);
    row[from] = 1.0;
    return;
  }
  std::array<double, N_PLACEMENTS> alpha{};
  for (int q = 0; q < N_PLACEMENTS; ++q)
    alpha[q] = std::max(params_.transition_alpha[age][from][q], 1e-6);
  Rng rng(seed_, run, year_key(0), Stream::Parameters,
          SUB_TRANSITION_ROW + static_cast<std::uint32_t>(age * N_PLACEMENTS + from));
  dirichlet_rng(alpha.data(), N_PLACEMENTS, row.data(), rng);
}

void DemandSimulator::draw_run_parameters(std::uint32_t run, RunParameters& rp,
                                          bool with_transitions) const {
  const std::uint32_t year = year_key(0);
  Rng hazard_rng(seed_, run, year, Stream::Parameters, SUB_HAZARD);
  for (int a = 0; a < N_AGES; ++a)
    rp.hazard[a] = params_.leave_alpha[a] > 0
                       ? beta_rng(params_.leave_alpha[a], params_.leave_beta[a], hazard_rng)
                       : 0.0;
  if (with_transitions)
    for (int a = 0; a < N_AGES; ++a)
      for (int from = 0; from < N_PLACEMENTS; ++from)
        draw_transition_row(run, a, from, rp.transition[a][from]);
  // Net other flow: a level per run (parameter uncertainty) and a deviation per year (the
  // year-to-year variation the LA's history showed).
  Rng net_rng(seed_, run, year, Stream::Parameters, SUB_NET_FLOW);
  std::array<double, N_AGE_BANDS> net_level{};
  for (int b = 0; b < N_AGE_BANDS; ++b)
    net_level[b] = normal_rng(params_.net_flow_mean[b], params_.net_flow_sd[b], net_rng);
  rp.net_flow.assign(horizon_ + 1, {});
  for (int s = 1; s <= horizon_; ++s) {
    Rng year_rng(seed_, run, year_key(s), Stream::NetFlow, NET_FLOW_YEAR_SUBSTREAM);
    for (int b = 0; b < N_AGE_BANDS; ++b)
      rp.net_flow[s][b] = std::clamp(
          net_level[b] + normal_rng(0.0, params_.net_flow_year_sd[b], year_rng), -0.9, 2.0);
  }
  Rng age_rng(seed_, run, year, Stream::Parameters, SUB_JOINER_AGE);
  dirichlet_rng(params_.joiner_age_alpha.data(), N_AGES, rp.joiner_age_profile.data(), age_rng);

  // The joiner-rate path: level and starting growth drawn from their sampling distributions,
  // growth projected by the trend model, and year-to-year noise as a random walk in log rate.
  const auto& fit = params_.trend_fit;
  Rng trend_rng(seed_, run, year, Stream::Parameters, SUB_TREND);
  double log_rate = normal_rng(fit.level, fit.level_se, trend_rng);
  const double g0 = normal_rng(fit.growth, fit.growth_se, trend_rng);
  rp.log_joiner_rate.assign(horizon_ + 1, 0.0);
  // Steps from the fit's last year to the origin's flow year (normally none).
  int h = 0;
  for (int y = fit.last_year; y < params_.origin - 1; ++y)
    log_rate += models::projected_growth(params_.trend, g0, params_.england_growth, ++h);
  rp.log_joiner_rate[0] = log_rate;
  for (int s = 1; s <= horizon_; ++s) {
    Rng noise(seed_, run, year_key(s), Stream::Trend, 0);
    log_rate += models::projected_growth(params_.trend, g0, params_.england_growth, h + s) +
                normal_rng(0.0, fit.residual_sd, noise);
    rp.log_joiner_rate[s] = log_rate;
  }
}

RunParameters DemandSimulator::draw_parameters(std::uint32_t run) const {
  RunParameters rp;
  draw_run_parameters(run, rp, true);
  return rp;
}

void DemandSimulator::initial_state(std::uint32_t run, Buffers& b) const {
  const int nt = townships();
  const std::size_t cells = static_cast<std::size_t>(nt) * N_STATE_CELLS;
  b.state.assign(cells, 0);
  b.active.cells.resize(cells + 1);  // + 1: add_next writes one past the listed cells
  b.next_active.cells.resize(cells + 1);
  b.active.size = 0;
  if (nt == 1) {
    for (const std::uint32_t c : initial_cells_) {
      b.state[c] = params_.initial[c];
      b.active.cells[b.active.size++] = static_cast<std::uint32_t>(c);
    }
    return;
  }
  // Which township each child lives in is not published: split each cell by the township
  // shares, drawn per run so the uncertainty of the split shows in township results.
  b.split.assign(nt, 0);
  const std::uint32_t year = year_key(0);
  for (std::size_t first = 0; first < initial_cells_.size(); first += CHUNK) {
    const std::size_t count = std::min(CHUNK, initial_cells_.size() - first);
    const std::uint32_t* chunk = initial_cells_.data() + first;
    Rng::first_blocks(seed_, run, year, Stream::Township, chunk, count, b.first_blocks.data());
    for (std::size_t j = 0; j < count; ++j) {
      const std::uint32_t c = chunk[j];
      const std::int64_t n = params_.initial[c];
      Rng rng(seed_, run, year, Stream::Township, c, b.first_blocks[j]);
      if (n <= SPLIT_BY_INVERSION_PER_TOWNSHIP * nt) {
        std::fill(b.split.begin(), b.split.end(), 0);
        // One word per child, its township the number of thresholds at or below the word.
        for (std::int64_t child = 0; child < n; ++child) {
          const std::uint64_t w = rng.next_u32();
          int t = 0;
          for (const std::uint64_t bound : township_bounds_) t += bound <= w;
          ++b.split[t];
        }
      } else {
        multinomial_rng(n, params_.township_shares.data(), nt, b.split.data(), rng);
      }
      for (int t = 0; t < nt; ++t)
        if (b.split[t] > 0) {
          const std::size_t i = static_cast<std::size_t>(t) * N_STATE_CELLS + c;
          b.state[i] = static_cast<std::int32_t>(b.split[t]);
          b.active.cells[b.active.size++] = static_cast<std::uint32_t>(i);
        }
    }
  }
}

void DemandSimulator::prepare_transition_row(std::uint32_t run, int age, int from, double q,
                                             Buffers& b) const {
  const int r = age * N_PLACEMENTS + from;
  TransitionRow& moves = b.rows[r];
  std::array<double, N_PLACEMENTS> probs{};
  if (age < MAX_AGE) {
    draw_transition_row(run, age, from, probs);
  } else {
    probs[from] = 1;  // plans at 25 end: whoever does not leave ages out, in no row
  }
  moves.stay = std::clamp(probs[from], 0.0, 1.0);
  moves.n_others = 0;
  for (int q = 0; q < N_PLACEMENTS; ++q)
    if (q != from && probs[q] > 0) moves.other[moves.n_others++] = q;
  std::stable_sort(moves.other.begin(), moves.other.begin() + moves.n_others,
                   [&](int x, int y) { return probs[x] > probs[y]; });
  double sum = 0;
  for (int j = 0; j < moves.n_others; ++j) moves.cumulative[j] = sum += probs[moves.other[j]];
  for (int j = 0; j < moves.n_others; ++j) {
    const double rest = sum - (j > 0 ? moves.cumulative[j - 1] : 0.0);
    moves.conditional[j] = rest > 0 ? std::clamp(probs[moves.other[j]] / rest, 0.0, 1.0) : 1.0;
  }
  if (moves.n_others == 0) moves.stay = 1;  // nowhere else to go
  // The hazard as step_survivors computes it for a cell whose lever is 1 (x 1 is exact).
  moves.p = std::min(MAX_HAZARD, b.rp.hazard[age] * params_.leave_relative_risk[from]);
  b.set_net_out(r, q);
  b.row_ready[r] = true;
}

void DemandSimulator::step_survivors(std::uint32_t run, int step, Buffers& b,
                                     std::int32_t* row) const {
  const auto& mult = levers_.leaver[step];
  const bool levered = leaver_levered_[step];
  const RunParameters& rp = b.rp;
  const std::uint32_t year = year_key(step);
  std::int64_t leavers = 0, aged_out = 0, gone = 0;
  std::uint64_t words_read = 0;        // words read from blocks made in batches, for benchmarks
  ChildThresholds levered_thresholds;  // a cell's, when a lever changes its hazard
  // Net flow out of the band a child ages into (none at 25: those plans end anyway).
  std::array<double, N_AGES> q_by_age{};
  for (int a = 0; a < MAX_AGE; ++a)
    q_by_age[a] = std::max(-rp.net_flow[step][age_band(a + 1)], 0.0);
  // Rows drawn in earlier steps get this year's net flow out.
  for (int r = 0; r < N_AGES * N_PLACEMENTS; ++r) {
    const double q = q_by_age[r / N_PLACEMENTS];
    if (b.row_ready[r] && b.rows[r].q != q) b.set_net_out(r, q);
  }
  for (std::size_t first = 0; first < b.active.size; first += CHUNK) {
    const std::size_t count = std::min(CHUNK, b.active.size - first);
    const std::uint32_t* chunk = b.active.begin() + first;
    Rng::first_blocks(seed_, run, year, Stream::Leavers, chunk, count, b.first_blocks.data());
    const std::size_t words =
        b.make_extra_blocks(seed_, run, year, Stream::Leavers, chunk, count, b.state);
    if (b.movers.size() < words) b.movers.resize(2 * words);
    // Where the chunk's children go, written without a branch and added to `next` after it:
    // one entry per mover (its cell) and one per cell with stayers.
    std::uint32_t* movers = b.movers.data();
    std::size_t n_movers = 0, n_stayers = 0;
    for (std::size_t j = 0; j < count; ++j) {
      const std::uint32_t i = chunk[j];
      const std::int32_t n = b.state[i];
      b.state[i] = 0;  // leaves `state` all zero, ready to be the next step's `next`
      words_read += static_cast<std::uint64_t>(n);
      const std::size_t block = i / N_STATE_CELLS * N_STATE_CELLS;
      const int c = static_cast<int>(i - block);
      // cell_index's layout, by arithmetic rather than from cells_ (50 KB, more than L1 holds).
      const int age = c / static_cast<int>(AGE_STRIDE), placement = c % N_PLACEMENTS;
      const int r = age * N_PLACEMENTS + placement;
      const double q = q_by_age[age];
      if (!b.row_ready[r]) [[unlikely]]
        prepare_transition_row(run, age, placement, q, b);
      // 1, 2 and 4's flow out at once, one word per child (ChildThresholds). Levers change the
      // thresholds, never which word a child reads, so a lever moves only the children at its
      // margin.
      const detail::Cuts* cut = &b.cuts[r];
      if (levered || n > LARGE_CELL) [[unlikely]] {
        const TransitionRow& moves = b.rows[r];
        double p = moves.p;
        if (levered) {
          p = std::min(MAX_HAZARD,
                       rp.hazard[age] * params_.leave_relative_risk[placement] * mult[c]);
          levered_thresholds = moves.thresholds(p, q);
          cut = &levered_thresholds;
        }
        if (n > LARGE_CELL) {
          Rng rng(seed_, run, year, Stream::Leavers, i, b.first_blocks[j]);
          settle_large_cell(i, n, p, q, cells_[c], moves, rng, b, leavers, aged_out);
          continue;
        }
      }
      const detail::Cuts t = *cut;
      const std::uint32_t first_dest = i + static_cast<std::uint32_t>(AGE_STRIDE - placement);
      // Children whose words fall below each threshold, four words a round: a cell of up to
      // four children (most of them) takes one round, from its stream's first block. The last
      // round's spare words count as 2^32, below no threshold.
      std::int64_t below_leave = 0, below_out = 0, below_stay = 0;
      for (std::int32_t base = 0; base < n; base += 4) {
        const Rng::Block& words4 = b.block(j, base / 4);
        for (std::int32_t k = 0; k < 4; ++k) {
          const std::int64_t spare = std::int64_t{base} + k >= n;
          const std::int64_t w = std::int64_t{words4.v[k]} | (spare << 32);
          below_leave += w < t.leave;
          below_out += w < t.out;
          below_stay += w < t.stay;
        }
      }
      const std::int64_t left = below_leave, out = below_out - below_leave,
                         stayed = below_stay - below_out;
      gone += out;
      if (step == 1) b.net_out_by_band[age_band(std::min(age + 1, MAX_AGE))] += out;
      // Movers are few outside the phase transfers: find their placements only in a cell that
      // has some (one branch per cell), still without a branch per child.
      if (below_stay < n) {
        const TransitionRow& moves = b.rows[r];
        const auto& bounds = levered ? levered_thresholds.bounds : moves.without.bounds;
        for (std::int32_t base = 0; base < n; base += 4) {
          const Rng::Block& words4 = b.block(j, base / 4);
          for (std::int32_t k = 0; k < 4; ++k) {
            const std::int64_t w = words4.v[k];
            int slot = 0;
            for (int m = 0; m < N_PLACEMENTS - 1; ++m) slot += bounds[m] <= w;
            movers[n_movers] = first_dest + static_cast<std::uint32_t>(moves.other[slot]);
            n_movers += (base + k < n) & (w >= t.stay);
          }
        }
      }
      leavers += left;
      // At 25 the stayers are the plans that end (the row there has nowhere to move).
      const bool last_age = age == MAX_AGE;
      aged_out += last_age ? stayed : 0;
      b.stayers[n_stayers] = {i + static_cast<std::uint32_t>(AGE_STRIDE),
                              static_cast<std::int32_t>(stayed)};
      n_stayers += (stayed > 0) & !last_age;
    }
    for (std::size_t k = 0; k < n_stayers; ++k) b.add_next(b.stayers[k].cell, b.stayers[k].count);
    for (std::size_t k = 0; k < n_movers; ++k) b.add_next(movers[k], 1);
  }
  detail::words_drawn += words_read;
  b.net_out += gone;
  row[layout_.flow(Flow::Leavers)] += static_cast<std::int32_t>(leavers);
  row[layout_.flow(Flow::AgedOut)] += static_cast<std::int32_t>(aged_out);
}

void DemandSimulator::settle_large_cell(std::size_t i, std::int32_t n, double p, double q,
                                        const CellInfo& cell, const TransitionRow& moves, Rng& rng,
                                        Buffers& b, std::int64_t& leavers,
                                        std::int64_t& aged_out) const {
  // 1. Leavers, Binomial(n, p); at 25 every survivor's plan ends.
  const std::int64_t k_left = binomial_rng(n, p, rng);
  leavers += k_left;
  std::int64_t survivors = n - k_left;
  if (cell.age == MAX_AGE) {
    aged_out += survivors;
    return;
  }
  // 4's flow out of the band the survivors age into, Binomial(survivors, q).
  if (q > 0 && survivors > 0) {
    const std::int64_t out = binomial_rng(survivors, q, rng);
    b.net_out += out;
    b.net_out_by_band[age_band(cell.age + 1)] += out;
    survivors -= out;
  }
  if (survivors == 0) return;
  // 2. Ageing: Binomial(survivors, P(stay)) stay; the movers' destinations by inversion, one
  // uniform each over the other placements sorted by falling probability, or for many movers
  // by conditional binomials in the same order.
  const std::int64_t stayers = binomial_rng(survivors, moves.stay, rng);
  if (stayers > 0) b.add_next(i + AGE_STRIDE, stayers);
  std::int64_t movers = survivors - stayers;
  if (movers == 0) return;
  const std::size_t first_dest = i + AGE_STRIDE - static_cast<std::size_t>(cell.placement);
  if (movers <= MOVERS_BY_INVERSION) {
    const double total = moves.cumulative[moves.n_others - 1];
    for (; movers > 0; --movers) {
      const double u = rng.uniform() * total;
      int k = 0;
      while (k < moves.n_others - 1 && moves.cumulative[k] <= u) ++k;
      b.add_next(first_dest + static_cast<std::size_t>(moves.other[k]), 1);
    }
    return;
  }
  for (int k = 0; k < moves.n_others && movers > 0; ++k) {
    const std::int64_t m = binomial_rng(movers, moves.conditional[k], rng);
    if (m > 0) b.add_next(first_dest + static_cast<std::size_t>(moves.other[k]), m);
    movers -= m;
  }
  if (movers > 0) b.add_next(i + AGE_STRIDE, movers);  // rounding may leave a few: they stay
}

void DemandSimulator::step_joiners(std::uint32_t run, int step, Buffers& b,
                                   std::int32_t* row) const {
  const RunParameters& rp = b.rp;
  const double rate = std::exp(rp.log_joiner_rate[step]);  // joiners a year at origin population
  const std::uint32_t year = year_key(step);
  std::int64_t joiners = 0;
  for (int a = 0; a < N_AGES; ++a) {
    const std::size_t at = static_cast<std::size_t>(step) * N_AGES + a;
    const double base = rate * rp.joiner_age_profile[a] * params_.population_ratio[step][a];
    if (base <= 0 || joiner_choice_index_[at] < 0) continue;
    Rng count_rng(seed_, run, year, Stream::Joiners, static_cast<std::uint32_t>(a));
    // Joiners Poisson(m), each leaving with the band's net flow out q in the same year:
    // Poisson(m (1 - q)) stay and, independently, Poisson(m q) are gone by January.
    const double mean = base * joiner_weight_[at];
    const int band = age_band(a);
    const double q = std::max(-rp.net_flow[step][band], 0.0);
    const std::int64_t count = poisson_rng(mean * (1 - q), count_rng);
    if (q > 0) {
      const std::int64_t out = poisson_rng(mean * q, count_rng);
      joiners += out;
      b.net_out += out;
      b.net_out_by_band[band] += out;
    }
    if (count == 0) continue;
    joiners += count;
    const DiscreteDistribution& choice = joiner_choices_[joiner_choice_index_[at]];
    const std::size_t age_first = static_cast<std::size_t>(cell_index(a, 0, 0));
    // Category t x 96 + need x 8 + placement is cell t x N_STATE_CELLS + age_first + ...
    const auto cell_of = [&](int category) {
      const auto t = static_cast<std::size_t>(category / JOINER_CATEGORIES);
      return t * N_STATE_CELLS + age_first + static_cast<std::size_t>(category % JOINER_CATEGORIES);
    };
    Rng rng(seed_, run, year, Stream::JoinerNeed, static_cast<std::uint32_t>(a));
    if (count <= JOINERS_BY_ALIAS) {
      // Each joiner's need, placement and township from one word by the alias table: n
      // categorical draws are an exact multinomial, and for up to thousands of joiners far
      // cheaper than conditional binomials over 96 x townships categories.
      const AliasTable& table = joiner_tables_[joiner_choice_index_[at]];
      for (std::int64_t j = 0; j < count; ++j)
        b.add_next(age_first + joiner_offsets_[table.at(rng.next_u32())], 1);
      continue;
    }
    const int k = choice.size();
    b.probs.resize(k);
    b.mix.resize(k);
    for (int i = 0; i < k; ++i) b.probs[i] = choice.probability(i);
    multinomial_rng(count, b.probs.data(), k, b.mix.data(), rng);
    for (int i = 0; i < k; ++i)
      if (b.mix[i] > 0) b.add_next(cell_of(i), b.mix[i]);
  }
  row[layout_.flow(Flow::Joiners)] += static_cast<std::int32_t>(joiners);
}

[[gnu::always_inline]] inline void DemandSimulator::roll_up_cell(std::size_t i, std::int32_t n,
                                                                 std::int32_t* row) const {
  const std::size_t t = i / N_STATE_CELLS;
  const CellInfo& cell = cells_[i - t * N_STATE_CELLS];
  row[cell.age_column] += n;
  row[cell.band_column] += n;
  row[cell.need_column] += n;
  row[cell.placement_column] += n;
  row[layout_.township(static_cast<int>(t))] += n;
  row[cell.specialist_column + static_cast<int>(t) * cell.specialist_stride] += n;
}

std::int64_t DemandSimulator::roll_up_state(const std::vector<std::int32_t>& state,
                                            std::int32_t* row, std::int64_t* age_counts) const {
  // Every cell, occupied or not, in memory order: a township's ages are contiguous blocks of
  // need x placement cells, summed as whole blocks (which vectorises) into the age's count and
  // into its band's need x placement counts; needs, placements and the specialist breakdown
  // then come from the few band x need x placement sums. A pass over a few thousand occupied
  // cells, each adding to six scattered columns, cost several times more.
  std::int64_t total = 0;
  for (int t = 0; t < townships(); ++t) {
    const std::int32_t* block = state.data() + static_cast<std::size_t>(t) * N_STATE_CELLS;
    std::array<std::array<std::int32_t, AGE_STRIDE>, N_AGE_BANDS> by_band{};
    std::int64_t in_township = 0;
    for (int a = 0; a < N_AGES; ++a) {
      const std::int32_t* cells = block + static_cast<std::size_t>(a) * AGE_STRIDE;
      std::int32_t* band = by_band[age_band(a)].data();
      std::int32_t sum = 0;
      for (std::size_t k = 0; k < AGE_STRIDE; ++k) {
        band[k] += cells[k];
        sum += cells[k];
      }
      age_counts[t * N_AGES + a] = sum;
      row[layout_.age(a)] += sum;
      row[layout_.band(age_band(a))] += sum;
      in_township += sum;
    }
    row[layout_.township(t)] += static_cast<std::int32_t>(in_township);
    total += in_township;
    // Needs and placements from the township's need x placement sums, the specialist
    // breakdown (phase = band) from the bands', all without a branch per cell.
    std::array<std::int32_t, AGE_STRIDE> all{};
    for (const auto& band : by_band)
      for (std::size_t k = 0; k < AGE_STRIDE; ++k) all[k] += band[k];
    for (int n = 0; n < N_NEEDS; ++n) {
      std::int32_t sum = 0;
      for (int q = 0; q < N_PLACEMENTS; ++q) sum += all[n * N_PLACEMENTS + q];
      row[layout_.need(n)] += sum;
    }
    for (int q = 0; q < N_PLACEMENTS; ++q) {
      std::int32_t sum = 0;
      for (int n = 0; n < N_NEEDS; ++n) sum += all[n * N_PLACEMENTS + q];
      row[layout_.placement(q)] += sum;
    }
    std::int32_t* specialist = row + t * specialist_stride_;
    for (int band = 0; band < N_AGE_BANDS; ++band)
      for (int n = 0; n < N_NEEDS; ++n)
        for (std::size_t g = 0; g < SPECIALIST_PLACEMENTS.size(); ++g)
          specialist[specialist_columns_[(band * N_NEEDS + n) * SPECIALIST_PLACEMENTS.size() +
                                         g]] +=
              by_band[band][n * N_PLACEMENTS + static_cast<int>(SPECIALIST_PLACEMENTS[g])];
  }
  return total;
}

void DemandSimulator::step_inflow_and_roll_up(std::uint32_t run, int step, Buffers& b,
                                              std::int32_t* row) const {
  const std::int64_t total = roll_up_state(b.next, row, b.age_counts.data());
  // Children by band before any flow of the first year: what was counted, and what 4's flow
  // out took in steps 1-3.
  if (step == 1)
    for (int band = 0; band < N_AGE_BANDS; ++band)
      b.inflow_base[band] = static_cast<double>(row[layout_.band(band)] + b.net_out_by_band[band]);
  // A negative net flow rate was a share of the band's children leaving, drawn with their
  // other flows (ChildThresholds, step_joiners). A positive rate rho is an inflow of rho x the
  // band's children in the first projected year, every year: proportional to a growing stock
  // it would compound into exponential growth that no LA's history shows (net transfers in
  // are a flow of people, not a rate of growth). Poisson(rho x base) children arrive, each in
  // a cell chosen in proportion to its children: the same law as Poisson(rho' n) per cell
  // with rho' = rho x base / current, at a draw per arrival rather than per cell. The band's
  // children are counted off in cell order (township, age, need, placement), which no
  // order of visiting cells changes.
  const auto& rho = b.rp.net_flow[step];
  const std::uint32_t year = year_key(step);
  std::int64_t arrived = 0;
  for (int band = 0; band < N_AGE_BANDS; ++band) {
    const std::int64_t current = row[layout_.band(band)];
    if (!(rho[band] > 0) || current == 0) continue;
    Rng rng(seed_, run, year, Stream::NetFlow, NET_FLOW_YEAR_SUBSTREAM + 1 + band);
    const std::int64_t k = poisson_rng(rho[band] * b.inflow_base[band], rng);
    if (k == 0) continue;
    // Arrival a joins child j_a of the band, uniform: the child in the first cell whose
    // running count exceeds j_a. Sorted, the j's are found in one walk over the band's cells
    // in that order, skipping a (township, age) block whole when no j falls in it. A cell's
    // count is read before its own arrivals are added, as the running counts were taken.
    b.arrivals.resize(static_cast<std::size_t>(k));
    for (std::int64_t& j : b.arrivals) j = uniform_below(static_cast<std::uint32_t>(current), rng);
    std::sort(b.arrivals.begin(), b.arrivals.end());
    const std::int64_t* next_arrival = b.arrivals.data();
    const std::int64_t* const last = next_arrival + k;
    std::int64_t before = 0;  // the band's children in the cells walked so far
    // True, with the children counted as walked, when no j falls among `children` (the next
    // cells' children); then the cells are skipped whole.
    const auto none_among = [&](std::int64_t children) {
      const bool none = *next_arrival >= before + children;
      if (none) before += children;
      return none;
    };
    // Cell i takes the j's below the running count once its children are added.
    const auto join = [&](std::size_t i) {
      before += b.next[i];
      std::int32_t joined = 0;
      for (; next_arrival != last && *next_arrival < before; ++next_arrival) ++joined;
      if (joined == 0) return;
      b.next[i] += joined;
      roll_up_cell(i, joined, row);
    };
    for (int t = 0; t < townships() && next_arrival != last; ++t)
      for (int a = AGE_BAND_MIN[band]; a <= AGE_BAND_MAX[band] && next_arrival != last; ++a) {
        if (none_among(b.age_counts[t * N_AGES + a])) continue;
        // Eight cells at a time, then cell by cell in a group some j falls in.
        const std::size_t block =
            static_cast<std::size_t>(t) * N_STATE_CELLS + static_cast<std::size_t>(a) * AGE_STRIDE;
        for (std::size_t group = block; group < block + AGE_STRIDE && next_arrival != last;
             group += N_PLACEMENTS) {
          std::int64_t in_group = 0;
          for (int q = 0; q < N_PLACEMENTS; ++q) in_group += b.next[group + q];
          if (none_among(in_group)) continue;
          for (std::size_t i = group; i < group + N_PLACEMENTS; ++i) join(i);
        }
      }
    if (next_arrival != last) throw std::logic_error("demand: transfers in beyond the band");
    arrived += k;
  }
  row[layout_.flow(Flow::NetOther)] += static_cast<std::int32_t>(arrived - b.net_out);
  row[layout_.total()] = static_cast<std::int32_t>(total + arrived);
}

void DemandSimulator::simulate(std::uint32_t run, std::int32_t* out,
                               std::vector<std::int32_t>* final_state,
                               RunObserver* observer) const {
  SimulationWorkspace workspace;
  simulate(run, out, workspace, final_state, observer);
}

void DemandSimulator::simulate(std::uint32_t run, std::int32_t* out, SimulationWorkspace& workspace,
                               std::vector<std::int32_t>* final_state,
                               RunObserver* observer) const {
  Buffers& b = *workspace.buffers_;
  const int cols = layout_.columns();
  std::fill(out, out + static_cast<std::ptrdiff_t>(years()) * cols, 0);
  draw_run_parameters(run, b.rp, false);
  b.row_ready.fill(false);  // transition rows are drawn when first needed
  initial_state(run, b);
  b.next.assign(b.state.size(), 0);
  b.age_counts.resize(static_cast<std::size_t>(townships()) * N_AGES);
  out[layout_.total()] =
      static_cast<std::int32_t>(roll_up_state(b.state, out, b.age_counts.data()));
  if (observer) observer->observe(run, 0, b.state);
  for (int s = 1; s <= horizon_; ++s) {
    std::int32_t* row = out + static_cast<std::ptrdiff_t>(s) * cols;
    b.next_active.size = 0;
    b.net_out = 0;
    b.net_out_by_band.fill(0);
    step_survivors(run, s, b, row);
    step_joiners(run, s, b, row);
    step_inflow_and_roll_up(run, s, b, row);
    std::swap(b.state, b.next);
    std::swap(b.active, b.next_active);
    if (observer) observer->observe(run, s, b.state);
  }
  if (final_state) *final_state = b.state;
}

}  // namespace sendcast::sim
