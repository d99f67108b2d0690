// Place sufficiency: the matching's assignments on hand-solvable problems, and the invariants
// of the yearly matching on synthetic demand (capacity, designations, incumbents, conservation,
// monotonicity in places, thread independence).
#include "sim/sufficiency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <random>

#include "cli/forecast_job.h"
#include "models/model_parameters.h"
#include "scenarios/scenario.h"
#include "sim/matching.h"

namespace sendcast::sim {
namespace {

using models::cell_index;
using models::N_STATE_CELLS;

// ------------------------------------------------------------------------------ matching

MatchingProblem problem(std::vector<std::int32_t> supply, std::vector<std::int32_t> capacity,
                        std::vector<MatchingArc> arcs) {
  MatchingProblem p;
  p.supply = std::move(supply);
  p.capacity = std::move(capacity);
  p.arcs = std::move(arcs);
  return p;
}

std::int32_t placed(const MatchingSolution& s) {
  std::int32_t n = 0;
  for (auto f : s.flow) n += f;
  return n;
}

TEST(Matching, SplitsASourceWhenThatIsCheaperThanTheGreedyChoice) {
  // A (2 children) and B (1) both prefer X (2 places); Y has 1. A->X, A->Y, B->X costs
  // 1 + 5 + 2 = 8, the optimum; A->X twice and B->Y would cost 12.
  const auto s =
      solve_matching(problem({2, 1}, {2, 1}, {{0, 0, 1}, {0, 1, 5}, {1, 0, 2}, {1, 1, 10}}));
  EXPECT_TRUE(s.used_solver);
  EXPECT_EQ(s.flow, (std::vector<std::int32_t>{1, 1, 1, 0}));
  EXPECT_EQ(s.cost, 8);
  EXPECT_EQ(s.overflow, (std::vector<std::int32_t>{0, 0}));
}

TEST(Matching, PlacesAsManyChildrenAsPossibleBeforeMinimisingCost) {
  // A can go to X (cost 0) or Y (cost 100); B only to X. Both placed: A->Y, B->X.
  const auto s = solve_matching(problem({1, 1}, {1, 1}, {{0, 0, 0}, {0, 1, 100}, {1, 0, 1}}));
  EXPECT_EQ(s.flow, (std::vector<std::int32_t>{0, 1, 1}));
  EXPECT_EQ(s.cost, 101);
  EXPECT_EQ(placed(s), 2);
}

TEST(Matching, OverflowsWhatDoesNotFitAndWhatHasNoArc) {
  const auto s = solve_matching(problem({3, 2}, {2}, {{0, 0, 4}}));
  EXPECT_EQ(s.flow, (std::vector<std::int32_t>{2}));
  EXPECT_EQ(s.overflow, (std::vector<std::int32_t>{1, 2}));
  EXPECT_EQ(s.cost, 8);
}

TEST(Matching, TakesTheGreedyPathWhenEverySourceFitsItsCheapestSink) {
  const auto s =
      solve_matching(problem({2, 3}, {5, 5}, {{0, 0, 3}, {0, 1, 1}, {1, 0, 2}, {1, 1, 9}}));
  EXPECT_FALSE(s.used_solver);
  EXPECT_EQ(s.flow, (std::vector<std::int32_t>{0, 2, 3, 0}));
  EXPECT_EQ(s.cost, 8);
}

TEST(Matching, RejectsMalformedProblems) {
  EXPECT_THROW(solve_matching(problem({1}, {1}, {{0, 1, 0}})), std::invalid_argument);
  EXPECT_THROW(solve_matching(problem({-1}, {1}, {})), std::invalid_argument);
  EXPECT_THROW(solve_matching(problem({1}, {1}, {{0, 0, -3}})), std::invalid_argument);
}

//! Every assignment of every child, for problems small enough: (placed, -cost) best.
std::pair<int, std::int64_t> brute_force(const MatchingProblem& p) {
  std::vector<int> units;  // one entry per child: its source
  for (std::size_t i = 0; i < p.supply.size(); ++i)
    for (int k = 0; k < p.supply[i]; ++k) units.push_back(static_cast<int>(i));
  std::vector<std::int32_t> left = p.capacity;
  std::pair<int, std::int64_t> best{-1, 0};
  std::function<void(std::size_t, int, std::int64_t)> visit = [&](std::size_t u, int n,
                                                                  std::int64_t cost) {
    if (u == units.size()) {
      if (n > best.first || (n == best.first && cost < best.second)) best = {n, cost};
      return;
    }
    visit(u + 1, n, cost);  // this child overflows
    for (const MatchingArc& a : p.arcs)
      if (a.source == units[u] && left[a.sink] > 0) {
        --left[a.sink];
        visit(u + 1, n + 1, cost + a.cost);
        ++left[a.sink];
      }
  };
  visit(0, 0, 0);
  return best;
}

//! A solution is an assignment: no sink over its vacancies, every child placed or overflowing,
//! no negative flow, and the reported cost the cost of the flows.
void expect_feasible(const MatchingProblem& p, const MatchingSolution& s, int trial) {
  std::vector<std::int32_t> load(p.capacity.size(), 0), out(p.supply.size(), 0);
  std::int64_t cost = 0;
  for (std::size_t a = 0; a < p.arcs.size(); ++a) {
    ASSERT_GE(s.flow[a], 0) << "trial " << trial;
    load[p.arcs[a].sink] += s.flow[a];
    out[p.arcs[a].source] += s.flow[a];
    cost += p.arcs[a].cost * s.flow[a];
  }
  for (std::size_t k = 0; k < load.size(); ++k) ASSERT_LE(load[k], p.capacity[k]);
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_GE(s.overflow[i], 0) << "trial " << trial;
    ASSERT_EQ(out[i] + s.overflow[i], p.supply[i]) << "trial " << trial;
  }
  ASSERT_EQ(cost, s.cost) << "trial " << trial;
}

TEST(Matching, AgreesWithExhaustiveSearchOnRandomSmallProblems) {
  std::mt19937 rng(20250123);
  std::uniform_int_distribution<int> supply(0, 3), capacity(0, 3), cost(0, 9), coin(0, 2);
  for (int trial = 0; trial < 400; ++trial) {
    MatchingProblem p;
    const int n_sources = 1 + trial % 3, n_sinks = 1 + trial / 3 % 3;
    for (int i = 0; i < n_sources; ++i) p.supply.push_back(supply(rng));
    for (int k = 0; k < n_sinks; ++k) p.capacity.push_back(capacity(rng));
    for (int i = 0; i < n_sources; ++i)
      for (int k = 0; k < n_sinks; ++k)
        if (coin(rng) > 0) p.arcs.push_back({i, k, cost(rng)});
    const MatchingSolution s = solve_matching(p);
    const auto [best_placed, best_cost] = brute_force(p);
    ASSERT_EQ(placed(s), best_placed) << "trial " << trial;
    ASSERT_EQ(s.cost, best_cost) << "trial " << trial;
    expect_feasible(p, s, trial);
  }
}

TEST(Matching, MovesAPlacedChildOverToMakeRoomForOneWithLessChoice) {
  // A fits X (cost 0) and Y (cost 1), B only X; one place in each. Whichever comes first, the
  // optimum places B in X and A in Y: the solver must move A if it placed A in X first.
  {
    const auto s = solve_matching(problem({1, 1}, {1, 1}, {{0, 0, 0}, {0, 1, 1}, {1, 0, 0}}));
    EXPECT_EQ(s.flow, (std::vector<std::int32_t>{0, 1, 1}));
    EXPECT_EQ(s.cost, 1);
    EXPECT_EQ(s.overflow, (std::vector<std::int32_t>{0, 0}));
  }
  // A chain of two moves: C only fits X; A fits X and Y; B fits Y and Z.
  const auto s = solve_matching(
      problem({1, 1, 1}, {1, 1, 1}, {{0, 0, 0}, {0, 1, 2}, {1, 1, 0}, {1, 2, 5}, {2, 0, 1}}));
  EXPECT_EQ(s.cost, 2 + 5 + 1);
  EXPECT_EQ(placed(s), 3);
}

// ------------------------------------------------------------------ the yearly matching

constexpr int ASD = static_cast<int>(Need::ASD);
constexpr int SEMH = static_cast<int>(Need::SEMH);
constexpr int MLD = static_cast<int>(Need::MLD);
constexpr int SPECIAL = static_cast<int>(Placement::StateSpecial);
constexpr int BASE = static_cast<int>(Placement::ResourcedProvision);

io::Designation designation(const std::string& needs) {
  io::Designation d{};
  std::size_t start = 0;
  while (start <= needs.size()) {
    const std::size_t end = std::min(needs.find(';', start), needs.size());
    EXPECT_TRUE(io::add_designation(needs.substr(start, end - start), d)) << needs;
    start = end + 1;
  }
  return d;
}

ProvisionPlan provision(const std::string& id, io::ProvisionType type, int township, int age_min,
                        int age_max, const std::string& needs, std::vector<std::int32_t> places) {
  ProvisionPlan p;
  p.id = id;
  p.name = id;
  p.type = type;
  p.township = township;
  p.age_min = age_min;
  p.age_max = age_max;
  p.designation = designation(needs);
  p.places = std::move(places);
  return p;
}

//! Two townships 5 km apart.
SufficiencySetup two_townships(int years) {
  SufficiencySetup s;
  s.first_year = 2025;
  s.years = years;
  s.townships = {"West", "East"};
  s.distance_km = {0, 5, 5, 0};
  return s;
}

using State = std::vector<std::int32_t>;

State empty_state(int townships = 2) {
  return State(static_cast<std::size_t>(townships) * N_STATE_CELLS, 0);
}

void add(State& state, int township, int age, int need, int placement, int count) {
  state[static_cast<std::size_t>(township) * N_STATE_CELLS + cell_index(age, need, placement)] +=
      count;
}

//! Runs the matching over `states` (one per year) as run 0 and returns the results.
SufficiencyResults match(const SufficiencySetup& setup, const std::vector<State>& states,
                         int runs = 1) {
  const SufficiencyModel model(setup);
  SufficiencyResults results = model.make_results(runs);
  auto observer = model.observers(results)();
  for (int run = 0; run < runs; ++run)
    for (std::size_t y = 0; y < states.size(); ++y)
      observer->observe(static_cast<std::uint32_t>(run), static_cast<int>(y), states[y]);
  return results;
}

std::int32_t sum(const std::vector<std::int32_t>& v, std::size_t begin, std::size_t n) {
  std::int32_t total = 0;
  for (std::size_t i = begin; i < begin + n; ++i) total += v[i];
  return total;
}

std::int32_t total(const SufficiencyResults& r, const std::vector<std::int32_t>& v, int run,
                   int year) {
  return sum(v, r.cell_offset(run, year), r.cells);
}

std::int32_t occupied(const SufficiencyResults& r, int run, int year, int provision) {
  return r.occupied[r.provision_offset(run, year) + provision];
}

std::int32_t away(const SufficiencyResults& r, int run, int year) {
  return sum(r.placed_outside_township, r.away_offset(run, year), r.away_cells);
}

//! Children on the provisions' rolls, counted from the placements.
std::int32_t on_rolls(const SufficiencyResults& r, int run, int year) {
  return sum(r.occupied, r.provision_offset(run, year), r.provisions);
}

TEST(Sufficiency, PrefersTheNearerProvisionAndTheCloserDesignation) {
  SufficiencySetup setup = two_townships(1);
  setup.provisions = {provision("Near-any", io::ProvisionType::Special, 0, 4, 19, "any", {10}),
                      provision("Far-ASD", io::ProvisionType::Special, 1, 4, 19, "ASD", {10}),
                      provision("Near-CI", io::ProvisionType::Special, 0, 4, 19, "C&I", {1})};
  State s = empty_state();
  add(s, 0, 8, ASD, SPECIAL, 3);
  const auto r = match(setup, {s});
  // Cost: near "any" 60, far exact 50 (5 km), near broad area 30: the broad area's one place,
  // then the exact designation 5 km away, before "any" next door.
  EXPECT_EQ(occupied(r, 0, 0, 2), 1);
  EXPECT_EQ(occupied(r, 0, 0, 1), 2);
  EXPECT_EQ(occupied(r, 0, 0, 0), 0);
  EXPECT_EQ(away(r, 0, 0), 2);
}

TEST(Sufficiency, NeverUsesAnIncompatibleDesignationOrAgeRange) {
  SufficiencySetup setup = two_townships(1);
  setup.provisions = {
      provision("SEMH", io::ProvisionType::Special, 0, 4, 19, "SEMH", {50}),
      provision("Secondary", io::ProvisionType::Special, 0, 11, 16, "any", {50}),
      provision("Base", io::ProvisionType::ResourcedProvision, 0, 4, 19, "any", {50})};
  State s = empty_state();
  add(s, 0, 8, ASD, SPECIAL, 4);   // wrong need for SEMH, too young for Secondary, not a base
  add(s, 0, 8, SEMH, SPECIAL, 2);  // fits SEMH
  const auto r = match(setup, {s});
  EXPECT_EQ(occupied(r, 0, 0, 0), 2);
  EXPECT_EQ(occupied(r, 0, 0, 1), 0);
  EXPECT_EQ(occupied(r, 0, 0, 2), 0);
  EXPECT_EQ(total(r, r.overflow, 0, 0), 4);
}

TEST(Sufficiency, IncumbentsKeepTheirPlaceWhenABetterOneOpens) {
  SufficiencySetup setup = two_townships(3);
  setup.provisions = {provision("Far", io::ProvisionType::Special, 1, 4, 19, "ASD", {2, 2, 2}),
                      provision("New", io::ProvisionType::Special, 0, 4, 19, "ASD", {0, 2, 2})};
  std::vector<State> states(3, empty_state());
  add(states[0], 0, 12, ASD, SPECIAL, 2);
  add(states[1], 0, 13, ASD, SPECIAL, 2);  // the same two children, a year older
  add(states[2], 0, 14, ASD, SPECIAL, 2);
  add(states[2], 0, 5, ASD, SPECIAL, 1);  // a new child takes the new school
  const auto r = match(setup, states);
  for (int y = 0; y < 3; ++y) EXPECT_EQ(occupied(r, 0, y, 0), 2) << y;
  EXPECT_EQ(occupied(r, 0, 1, 1), 0);
  EXPECT_EQ(occupied(r, 0, 2, 1), 1);
  EXPECT_EQ(away(r, 0, 2), 2);
}

TEST(Sufficiency, ChildrenLeaveAProvisionWhenTheyAgeOutOfItsRange) {
  SufficiencySetup setup = two_townships(2);
  setup.provisions = {
      provision("Primary", io::ProvisionType::SenUnit, 0, 4, 10, "C&I", {3, 3}),
      provision("Secondary", io::ProvisionType::ResourcedProvision, 0, 11, 15, "C&I", {1, 1})};
  std::vector<State> states(2, empty_state());
  add(states[0], 0, 10, ASD, BASE, 3);
  add(states[1], 0, 11, ASD, BASE, 3);
  const auto r = match(setup, states);
  EXPECT_EQ(occupied(r, 0, 0, 0), 3);
  EXPECT_EQ(occupied(r, 0, 1, 0), 0);
  EXPECT_EQ(occupied(r, 0, 1, 1), 1);
  EXPECT_EQ(total(r, r.overflow, 0, 1), 2);
}

TEST(Sufficiency, LeaversFreeTheirPlacesAndOverflowPersists) {
  SufficiencySetup setup = two_townships(3);
  setup.provisions = {provision("S", io::ProvisionType::Special, 0, 4, 19, "any", {3, 3, 5})};
  std::vector<State> states(3, empty_state());
  add(states[0], 0, 8, MLD, SPECIAL, 5);  // 3 placed, 2 overflow to independent
  add(states[1], 0, 9, MLD, SPECIAL, 5);
  add(states[2], 0, 10, MLD, SPECIAL, 4);  // one left; two places added
  const auto r = match(setup, states);
  EXPECT_EQ(total(r, r.overflow, 0, 0), 2);
  EXPECT_EQ(total(r, r.overflow, 0, 1), 2);  // the school is full and nobody moves
  // In 2027 one of the five left (taken off in proportion: the placed keep theirs) and the
  // two new places stay empty: children in independent schools stay there.
  EXPECT_EQ(occupied(r, 0, 2, 0), 3);
  EXPECT_EQ(total(r, r.overflow, 0, 2), 1);
  EXPECT_EQ(r.vacancies[r.provision_offset(0, 2)], 2);
}

TEST(Sufficiency, AwaitingChildrenAreMatchedAgainTheNextYear) {
  SufficiencySetup setup = two_townships(2);
  setup.overflow = OverflowMode::Awaiting;
  setup.provisions = {provision("S", io::ProvisionType::Special, 0, 4, 19, "any", {3, 5})};
  std::vector<State> states(2, empty_state());
  add(states[0], 0, 8, MLD, SPECIAL, 5);
  add(states[1], 0, 9, MLD, SPECIAL, 5);
  const auto r = match(setup, states);
  EXPECT_EQ(total(r, r.overflow, 0, 0), 2);
  EXPECT_EQ(total(r, r.overflow, 0, 1), 0);
  EXPECT_EQ(occupied(r, 0, 1, 0), 5);
}

TEST(Sufficiency, AShrinkingProvisionReleasesItsNewestPupils) {
  SufficiencySetup setup = two_townships(3);
  setup.provisions = {provision("S", io::ProvisionType::Special, 0, 4, 19, "any", {4, 4, 1}),
                      provision("T", io::ProvisionType::Special, 1, 4, 19, "any", {0, 0, 9})};
  std::vector<State> states(3, empty_state());
  add(states[0], 0, 6, MLD, SPECIAL, 2);
  add(states[1], 0, 7, MLD, SPECIAL, 2);
  add(states[1], 0, 5, MLD, SPECIAL, 2);
  add(states[2], 0, 8, MLD, SPECIAL, 2);
  add(states[2], 0, 6, MLD, SPECIAL, 2);
  const auto r = match(setup, states);
  EXPECT_EQ(occupied(r, 0, 1, 0), 4);
  EXPECT_EQ(occupied(r, 0, 2, 0), 1);
  EXPECT_EQ(occupied(r, 0, 2, 1), 3);
  EXPECT_EQ(total(r, r.overflow, 0, 2), 0);
}

TEST(Sufficiency, DivertsAShareOfNewStateSpecialDemandToBasesThatFit) {
  SufficiencySetup setup = two_townships(1);
  setup.divert_to_resourced_provision = 0.5;
  setup.provisions = {provision("S", io::ProvisionType::Special, 0, 4, 19, "any", {20}),
                      provision("B", io::ProvisionType::ResourcedProvision, 0, 4, 10, "C&I", {3})};
  State s = empty_state();
  add(s, 0, 8, ASD, SPECIAL, 10);
  add(s, 0, 8, SEMH, SPECIAL, 2);  // no base fits SEMH
  const auto r = match(setup, {s});
  EXPECT_EQ(occupied(r, 0, 0, 1), 3);  // half of the 10 a base fits, but it has 3 places
  EXPECT_EQ(occupied(r, 0, 0, 0), 9);
  EXPECT_EQ(r.diverted[0], 3);
  EXPECT_EQ(total(r, r.overflow, 0, 0), 0);
}

// --- invariants over random demand -----------------------------------------------------

//! A year-by-year demand state for specialist groups: children age, some leave or move group,
//! new ones join; `seed` makes one run's history.
std::vector<State> random_history(std::uint32_t seed, int years) {
  std::mt19937 rng(seed);
  std::poisson_distribution<int> joiners(0.6);
  std::bernoulli_distribution stays(0.9);
  const std::array<int, 3> groups = {BASE, SPECIAL,
                                     static_cast<int>(Placement::AlternativeProvision)};
  std::vector<State> out;
  State state = empty_state();
  for (int y = 0; y < years; ++y) {
    State next = empty_state();
    for (int t = 0; t < 2; ++t)
      for (int a = 0; a < MAX_AGE; ++a)
        for (int n = 0; n < N_NEEDS; ++n)
          for (int q : groups) {
            const int here = state[t * N_STATE_CELLS + cell_index(a, n, q)];
            for (int k = 0; k < here; ++k)
              if (stays(rng)) add(next, t, a + 1, n, q, 1);
          }
    for (int t = 0; t < 2; ++t)
      for (int a = 2; a <= 18; a += 2)
        for (int n : {ASD, SEMH, MLD})
          for (int q : groups) add(next, t, a, n, q, joiners(rng) / (q == groups[2] ? 3 : 1));
    state = next;
    out.push_back(state);
  }
  return out;
}

SufficiencySetup random_register(int years, int extra_places) {
  SufficiencySetup s = two_townships(years);
  auto places = [&](int n) { return std::vector<std::int32_t>(years, n); };
  s.provisions = {
      provision("S1", io::ProvisionType::Special, 0, 2, 19, "C&I;MLD", places(40)),
      provision("S2", io::ProvisionType::Special, 1, 5, 16, "SEMH", places(15)),
      provision("S3", io::ProvisionType::Special, 1, 2, 19, "any", places(20)),
      provision("B1", io::ProvisionType::SenUnit, 0, 4, 10, "ASD", places(6)),
      provision("B2", io::ProvisionType::ResourcedProvision, 1, 11, 15, "C&I", places(4)),
      provision("B3", io::ProvisionType::ResourcedProvision, 0, 4, 15, "SEMH;MLD", places(5)),
      provision("P1", io::ProvisionType::Ap, 0, 5, 15, "any", places(3))};
  for (int y = years / 2; y < years; ++y) s.provisions[0].places[y] += extra_places;
  for (int y = 2; y < years; ++y) s.provisions[4].places[y] += extra_places / 4;
  return s;
}

constexpr int RUNS = 60, YEARS = 9;

SufficiencyResults random_runs(const SufficiencySetup& setup) {
  const SufficiencyModel model(setup);
  SufficiencyResults results = model.make_results(RUNS);
  auto observer = model.observers(results)();
  for (int run = 0; run < RUNS; ++run) {
    const auto states = random_history(1000 + run, YEARS);
    for (int y = 0; y < YEARS; ++y) observer->observe(run, y, states[y]);
  }
  return results;
}

TEST(SufficiencyInvariants, DemandIsPlacedPlusOverflowInEveryCellRunAndYear) {
  for (auto mode : {OverflowMode::Independent, OverflowMode::Awaiting}) {
    SufficiencySetup setup = random_register(YEARS, 0);
    setup.overflow = mode;
    const auto r = random_runs(setup);
    const SufficiencyLayout layout = sufficiency_layout(setup);
    std::int64_t overflow = 0;
    for (int run = 0; run < RUNS; ++run)
      for (int y = 0; y < YEARS; ++y) {
        // Placed in each cell (demand - overflow) is never negative, and the placed counted by
        // cell equal the pupils counted on the provisions' rolls.
        std::vector<std::int32_t> placed_by_away(r.away_cells, 0);
        for (int c = 0; c < r.cells; ++c) {
          const auto i = r.cell_offset(run, y) + c;
          ASSERT_GE(r.overflow[i], 0);
          ASSERT_LE(r.overflow[i], r.demand[i]);
          placed_by_away[layout.away_cell(layout.group_of(c), layout.township_of(c))] +=
              r.demand[i] - r.overflow[i];
          overflow += r.overflow[i];
        }
        ASSERT_EQ(total(r, r.demand, run, y) - total(r, r.overflow, run, y), on_rolls(r, run, y));
        for (int a = 0; a < r.away_cells; ++a)
          ASSERT_LE(r.placed_outside_township[r.away_offset(run, y) + a], placed_by_away[a]);
      }
    EXPECT_GT(overflow, 0) << "the test should exercise overflow";
  }
}

TEST(SufficiencyInvariants, CapacityIsNeverExceeded) {
  const SufficiencySetup setup = random_register(YEARS, 0);
  const auto r = random_runs(setup);
  for (int run = 0; run < RUNS; ++run)
    for (int y = 0; y < YEARS; ++y)
      for (int p = 0; p < r.provisions; ++p) {
        const std::int32_t on_roll = occupied(r, run, y, p);
        ASSERT_LE(on_roll, setup.provisions[p].places[y]);
        ASSERT_EQ(on_roll + r.vacancies[r.provision_offset(run, y) + p],
                  setup.provisions[p].places[y]);
      }
}

TEST(SufficiencyInvariants, UnlimitedPlacesLeaveNoOverflow) {
  SufficiencySetup setup = two_townships(YEARS);
  const std::vector<std::int32_t> plenty(YEARS, 100000);
  setup.provisions = {provision("S", io::ProvisionType::Special, 1, 0, 25, "any", plenty),
                      provision("B", io::ProvisionType::SenUnit, 0, 0, 25, "any", plenty),
                      provision("A", io::ProvisionType::Ap, 1, 0, 25, "any", plenty)};
  const auto r = random_runs(setup);
  for (auto v : r.overflow) ASSERT_EQ(v, 0);
  EXPECT_GT(std::accumulate(r.occupied.begin(), r.occupied.end(), 0LL), 0);
}

TEST(SufficiencyInvariants, AddingPlacesNeverIncreasesOverflowInAnyRun) {
  const auto before = random_runs(random_register(YEARS, 0));
  const auto after = random_runs(random_register(YEARS, 12));
  std::int64_t fewer = 0;
  for (int run = 0; run < RUNS; ++run)
    for (int y = 0; y < YEARS; ++y) {
      const auto a = total(before, before.overflow, run, y),
                 b = total(after, after.overflow, run, y);
      ASSERT_LE(b, a) << "run " << run << " year " << y;
      fewer += a - b;
      ASSERT_EQ(total(before, before.demand, run, y), total(after, after.demand, run, y));
    }
  EXPECT_GT(fewer, 0);
}

TEST(SufficiencyInvariants, GroupsWithoutProvisionAreNotMatched) {
  SufficiencySetup setup = two_townships(1);
  setup.provisions = {provision("S", io::ProvisionType::Special, 0, 4, 19, "any", {5})};
  State s = empty_state();
  add(s, 0, 8, MLD, SPECIAL, 2);
  add(s, 0, 8, MLD, BASE, 7);
  add(s, 0, 17, MLD, static_cast<int>(Placement::SpecialistPostSixteen), 3);
  const SufficiencyModel model(setup);
  EXPECT_TRUE(model.matched(matched_index(Placement::StateSpecial)));
  EXPECT_FALSE(model.matched(matched_index(Placement::ResourcedProvision)));
  const auto r = match(setup, {s});
  EXPECT_EQ(total(r, r.demand, 0, 0), 2);
  EXPECT_EQ(total(r, r.overflow, 0, 0), 0);
}

TEST(SufficiencyInvariants, TheCellLayoutRoundTrips) {
  const SufficiencyLayout layout({0, 1, 2}, 5);
  EXPECT_EQ(layout.cells(), 3 * N_PHASES * N_NEED_AREAS * 5);
  EXPECT_EQ(layout.away_cells(), 15);
  EXPECT_EQ(layout.cell(3, 0, 0, 0), -1);  // specialist post-16 is not in this layout
  for (int c = 0; c < layout.cells(); ++c)
    ASSERT_EQ(layout.cell(layout.group_of(c), layout.phase_of(c), layout.area_of(c),
                          layout.township_of(c)),
              c);
  for (int a = 0; a < layout.away_cells(); ++a)
    ASSERT_EQ(layout.away_cell(layout.away_group_of(a), layout.away_township_of(a)), a);
}

// --- the Dudley forecast -----------------------------------------------------------------

cli::ForecastJob dudley(int threads, const std::string& scenario = "baseline.toml") {
  scenarios::Scenario s =
      scenarios::load_scenario(std::string(SENDCAST_SOURCE_DIR) + "/scenarios/dudley/" + scenario);
  s.runs = 40;
  s.years = 6;
  cli::ForecastOptions options;
  options.threads = threads;
  return cli::run_forecast(s, options);
}

TEST(SufficiencyDudley, OneAndTwoThreadsGiveTheSameMatching) {
  const auto one = dudley(1), two = dudley(2);
  ASSERT_TRUE(one.sufficiency && two.sufficiency);
  const auto &a = one.sufficiency->results, &b = two.sufficiency->results;
  EXPECT_EQ(a.demand, b.demand);
  EXPECT_EQ(a.overflow, b.overflow);
  EXPECT_EQ(a.occupied, b.occupied);
  EXPECT_EQ(a.placed_outside_township, b.placed_outside_township);
}

TEST(SufficiencyDudley, TheRegisterMatchesTheOriginAndANewBaseOnlyHelps) {
  const auto base = dudley(0), more = dudley(0, "new_base_2027.toml");
  const auto &a = base.sufficiency->results, &b = more.sufficiency->results;
  ASSERT_EQ(a.demand, b.demand);  // common random numbers: the same children
  for (int run = 0; run < a.runs; ++run) {
    // At the origin the illustrative register places nearly every child the census counts.
    EXPECT_LE(total(a, a.overflow, run, 0), 5);
    EXPECT_GE(on_rolls(a, run, 0), 1200);
    for (int y = 0; y < a.years; ++y)
      ASSERT_LE(total(b, b.overflow, run, y), total(a, a.overflow, run, y));
  }
  EXPECT_NE(a.overflow, b.overflow);
  const auto& notes = base.provenance.assumptions;
  EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const std::string& n) {
    return n.find("Illustrative capacities") != std::string::npos;
  }));
}

}  // namespace
}  // namespace sendcast::sim
