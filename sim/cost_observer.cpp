#include "sim/cost_observer.h"

#include <algorithm>

#include "models/model_parameters.h"

namespace sendcast::sim {

using models::N_DSG_CATEGORIES;

double CostResults::spend(int run, int year, int category) const {
  return placement_spend[index(run, year, category)] +
         fixed_spend[static_cast<std::size_t>(year) * N_DSG_CATEGORIES + category];
}

double CostResults::total_spend(int run, int year) const {
  double total = 0;
  for (int c = 0; c < N_DSG_CATEGORIES; ++c) total += spend(run, year, c);
  return total;
}

PlacementNeedCounts count_placement_need(const std::vector<std::int32_t>& state) {
  // The state is townships x ages x (need x placement): whole blocks of need x placement, so
  // summing block by block needs no index arithmetic and vectorises (cell_index(0, n, p) is
  // the offset within a block).
  constexpr std::size_t BLOCK = N_NEEDS * N_PLACEMENTS;
  static_assert(models::N_STATE_CELLS % BLOCK == 0);
  std::array<std::int64_t, BLOCK> by_need{};
  for (std::size_t first = 0; first + BLOCK <= state.size(); first += BLOCK)
    for (std::size_t k = 0; k < BLOCK; ++k) by_need[k] += state[first + k];
  PlacementNeedCounts out{};
  for (int need = 0; need < N_NEEDS; ++need) {
    const int area = static_cast<int>(need_area(static_cast<Need>(need)));
    for (int p = 0; p < N_PLACEMENTS; ++p) out[p][area] += by_need[models::cell_index(0, need, p)];
  }
  return out;
}

CostModel::CostModel(models::CostTable table, int origin, int horizon,
                     models::TransportCosts transport)
    : table_(std::move(table)), origin_(origin), horizon_(horizon), transport_(transport) {}

void CostModel::use_sufficiency(const SufficiencyModel& model, const SufficiencyResults& results) {
  sufficiency_ = &model;
  sufficiency_results_ = &results;
}

CostResults CostModel::make_results(int runs) const {
  CostResults r;
  r.runs = runs;
  r.first_year = origin_;
  r.years = horizon_;
  const std::size_t cells = static_cast<std::size_t>(runs) * horizon_ * N_DSG_CATEGORIES;
  r.children.assign(cells, 0.0);
  r.placement_spend.assign(cells, 0.0);
  r.transport_children.assign(static_cast<std::size_t>(runs) * horizon_, 0.0);
  r.transport_spend.assign(static_cast<std::size_t>(runs) * horizon_, 0.0);
  r.fixed_spend.assign(static_cast<std::size_t>(horizon_) * N_DSG_CATEGORIES, 0.0);
  for (int y = 0; y < horizon_; ++y)
    for (int l = 0; l < models::N_FIXED_LINES; ++l) {
      const auto line = static_cast<models::FixedLine>(l);
      r.fixed_spend[static_cast<std::size_t>(y) * N_DSG_CATEGORIES +
                    models::dsg_category_index(line)] +=
          models::fixed_cost(table_, line, origin_ + y);
    }
  return r;
}

namespace {

//! The table's rate averaged over need areas, weighted by `children` (equally when none).
double mean_rate(const std::array<models::UnitCost, N_NEED_AREAS>& row,
                 const std::array<double, N_NEED_AREAS>& children,
                 double models::UnitCost::*member) {
  double total = 0, weighted = 0, plain = 0;
  for (int a = 0; a < N_NEED_AREAS; ++a) {
    total += children[a];
    weighted += children[a] * row[a].*member;
    plain += row[a].*member / N_NEED_AREAS;
  }
  return total > 0 ? weighted / total : plain;
}

}  // namespace

void CostModel::add_sufficiency(int run, int step, CensusYear& census) const {
  const SufficiencyResults& r = *sufficiency_results_;
  const SufficiencySetup& setup = sufficiency_->setup();
  const SufficiencyLayout& layout = sufficiency_->layout();
  const bool to_independent = setup.overflow == OverflowMode::Independent;
  const Placement overflow_to =
      to_independent ? Placement::IndependentSpecial : Placement::Elsewhere;
  // Children placed by matched group x need area (for the table's top-up where the register
  // gives none); the matched groups leave the per-child costing, the overflow joins it again.
  std::array<std::array<double, N_NEED_AREAS>, N_MATCHED> placed{};
  const std::int32_t* demand = r.demand.data() + r.cell_offset(run, step);
  const std::int32_t* overflow = r.overflow.data() + r.cell_offset(run, step);
  for (int c = 0; c < r.cells; ++c) {
    if (demand[c] == 0 && overflow[c] == 0) continue;  // adds nothing
    const int g = layout.group_of(c), area = layout.area_of(c);
    const int q = static_cast<int>(MATCHED_PLACEMENTS[g]);
    census.children[q][area] -= demand[c];
    census.children[static_cast<int>(overflow_to)][area] += overflow[c];
    placed[g][area] += demand[c] - overflow[c];
  }
  const std::int32_t* occupied = r.occupied.data() + r.provision_offset(run, step);
  for (int p = 0; p < r.provisions; ++p) {
    const ProvisionPlan& plan = setup.provisions[p];
    const int g = plan.group();
    const int q = static_cast<int>(MATCHED_PLACEMENTS[g]);
    const auto& row = table_.unit[q];
    const double place = plan.place_funding > 0 ? plan.place_funding
                                                : mean_rate(row, {}, &models::UnitCost::place_gbp);
    const double top_up =
        plan.top_up > 0 ? plan.top_up : mean_rate(row, placed[g], &models::UnitCost::top_up_gbp);
    census.provision_gbp[q] += place * plan.places[step] + top_up * occupied[p];
    census.provision_children[q] += occupied[p];
  }
  const double* km = r.placed_km.data() + r.km_offset(run, step);
  for (int g = 0; g < N_MATCHED; ++g)
    if (models::transport_eligible(MATCHED_PLACEMENTS[g])) census.transport_km += km[g];
}

void CostModel::add_transport(CensusYear& census) const {
  for (int q = 0; q < N_PLACEMENTS; ++q) {
    if (!models::transport_eligible(static_cast<Placement>(q))) continue;
    double n = census.provision_children[q];
    for (int a = 0; a < N_NEED_AREAS; ++a) n += static_cast<double>(census.children[q][a]);
    census.transport_children += n;
  }
  std::int64_t independent = 0;
  for (auto n : census.children[static_cast<int>(Placement::IndependentSpecial)]) independent += n;
  census.transport_km += transport_.independent_km * static_cast<double>(independent);
}

CensusYear CostModel::census_year(int run, int step, const std::vector<std::int32_t>& state) const {
  CensusYear census;
  census.children = count_placement_need(state);
  if (sufficiency_ && step < sufficiency_results_->years) add_sufficiency(run, step, census);
  add_transport(census);
  return census;
}

void CostModel::add_to_year(int run, int year, double share, const CensusYear& census,
                            CostResults& results) const {
  const int fy = origin_ + year;
  for (int p = 0; p < N_PLACEMENTS; ++p) {
    const auto placement = static_cast<Placement>(p);
    const std::size_t i = results.index(run, year, models::dsg_category_index(placement));
    for (int a = 0; a < N_NEED_AREAS; ++a) {
      if (census.children[p][a] == 0) continue;
      const double n = share * static_cast<double>(census.children[p][a]);
      results.children[i] += n;
      results.placement_spend[i] +=
          n * models::unit_cost(table_, placement, static_cast<NeedArea>(a), fy);
    }
    if (census.provision_gbp[p] == 0 && census.provision_children[p] == 0) continue;
    const models::UnitCost& base = table_.unit[p][0];  // the group's price base
    results.children[i] += share * census.provision_children[p];
    results.placement_spend[i] +=
        share * census.provision_gbp[p] * models::growth_factor(base.inflation, base.prices, fy);
  }
  const std::size_t t = static_cast<std::size_t>(run) * horizon_ + year;
  results.transport_children[t] += share * census.transport_children;
  results.transport_spend[t] +=
      share * (census.transport_children * models::transport_cost(transport_, 0, fy) +
               census.transport_km * transport_.per_km_gbp *
                   models::growth_factor(transport_.inflation, transport_.prices, fy));
}

void CostModel::add_census_year(int run, int step, const CensusYear& census,
                                CostResults& results) const {
  if (step == 0) {  // a run starts afresh, so observing it twice cannot double it
    const std::size_t begin = results.index(run, 0, 0);
    const std::size_t end = begin + static_cast<std::size_t>(horizon_) * N_DSG_CATEGORIES;
    std::fill(results.children.begin() + begin, results.children.begin() + end, 0.0);
    std::fill(results.placement_spend.begin() + begin, results.placement_spend.begin() + end, 0.0);
    const auto t = results.transport_children.begin() + static_cast<std::ptrdiff_t>(run) * horizon_;
    std::fill(t, t + horizon_, 0.0);
    const auto u = results.transport_spend.begin() + static_cast<std::ptrdiff_t>(run) * horizon_;
    std::fill(u, u + horizon_, 0.0);
  }
  if (step >= 1 && step - 1 < horizon_)
    add_to_year(run, step - 1, models::SHARE_IN_EARLIER_FINANCIAL_YEAR, census, results);
  if (step < horizon_)
    add_to_year(run, step, models::SHARE_IN_LATER_FINANCIAL_YEAR, census, results);
}

void CostModel::add_census_year(int run, int step, const PlacementNeedCounts& counts,
                                CostResults& results) const {
  CensusYear census;
  census.children = counts;
  add_transport(census);
  add_census_year(run, step, census, results);
}

ObserverFactory CostModel::observers(CostResults& results) const {
  return [this, &results]() -> std::unique_ptr<RunObserver> {
    return std::make_unique<CostObserver>(*this, results);
  };
}

void CostObserver::observe(std::uint32_t run, int step, const std::vector<std::int32_t>& state) {
  model_.add_census_year(static_cast<int>(run), step,
                         model_.census_year(static_cast<int>(run), step, state), results_);
}

void CompositeObserver::observe(std::uint32_t run, int step,
                                const std::vector<std::int32_t>& state) {
  for (auto& o : observers_) o->observe(run, step, state);
}

ObserverFactory combine_observers(std::vector<ObserverFactory> factories) {
  factories.erase(std::remove_if(factories.begin(), factories.end(),
                                 [](const ObserverFactory& f) { return !f; }),
                  factories.end());
  if (factories.empty()) return {};
  return [factories = std::move(factories)]() -> std::unique_ptr<RunObserver> {
    std::vector<std::unique_ptr<RunObserver>> observers;
    for (const auto& f : factories) observers.push_back(f());
    return std::make_unique<CompositeObserver>(std::move(observers));
  };
}

}  // namespace sendcast::sim
