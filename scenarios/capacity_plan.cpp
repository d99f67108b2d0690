#include "scenarios/capacity_plan.h"

#include <algorithm>

namespace sendcast::scenarios {

namespace {

std::vector<io::Provision> all_provisions(const Scenario& scenario, const io::CapacityRegister& reg,
                                          const std::vector<std::string>& townships) {
  std::vector<io::Provision> out = reg.provisions;
  for (const io::Provision& added : scenario.capacity.additions) {
    for (const io::Provision& p : out)
      if (p.id == added.id)
        throw InputError(
            added.where, "capacity.add.id",
            "id " + in_quotes(added.id) + " is already used at " + p.where.to_string());
    if (auto problem = io::township_problem(added.township, townships))
      throw InputError(added.where, "capacity.add.township", *problem);
    out.push_back(added);
  }
  return out;
}

//! Every change names a known provision and is dated from the origin on: the register gives the
//! places at the origin, so an earlier change would be counted on top of places that already
//! include it. (A change after the horizon is allowed: a shorter run simply ends before it.)
void check_changes(const Scenario& scenario, const std::vector<io::Provision>& provisions,
                   int origin) {
  for (const CapacityChange& change : scenario.capacity.changes) {
    if (change.year < origin)
      throw InputError(change.where, "capacity.change.year",
                       "year " + std::to_string(change.year) +
                           " is before the forecast's first census year " + std::to_string(origin) +
                           ", whose places the register already gives");
    const bool known = std::any_of(provisions.begin(), provisions.end(),
                                   [&](const io::Provision& p) { return p.id == change.id; });
    if (!known)
      throw InputError(change.where, "capacity.change.id",
                       "unknown provision id " + in_quotes(change.id) +
                           " (not in the register or a [[capacity.add]])");
  }
}

//! Places in `year`: the register's (while open) plus every change dated `year` or earlier.
std::int32_t places_in(const io::Provision& p, const std::vector<CapacityChange>& changes,
                       int year) {
  if (!p.open_in(year)) return 0;
  std::int64_t places = p.places;
  for (const CapacityChange& c : changes) {
    if (c.id != p.id || c.year > year) continue;
    if (c.close) return 0;
    places += c.places;
  }
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(places, 0, 1'000'000));
}

sim::ProvisionPlan plan_of(const io::Provision& p, const std::vector<CapacityChange>& changes,
                           const std::vector<std::string>& townships, int origin, int horizon) {
  sim::ProvisionPlan plan;
  plan.id = p.id;
  plan.name = p.name;
  plan.type = p.type;
  plan.township = static_cast<int>(std::find(townships.begin(), townships.end(), p.township) -
                                   townships.begin());
  plan.age_min = p.age_min;
  plan.age_max = p.age_max;
  plan.designation = p.designation;
  plan.place_funding = p.place_funding;
  plan.top_up = p.top_up;
  for (int y = 0; y <= horizon; ++y) plan.places.push_back(places_in(p, changes, origin + y));
  return plan;
}

}  // namespace

sim::SufficiencySetup capacity_plan(const Scenario& scenario, const io::CapacityRegister& reg,
                                    const io::TownshipDistances& distances, int origin,
                                    int horizon) {
  const std::vector<io::Provision> provisions = all_provisions(scenario, reg, distances.townships);
  check_changes(scenario, provisions, origin);
  sim::SufficiencySetup setup;
  setup.first_year = origin;
  setup.years = horizon + 1;
  setup.townships = distances.townships;
  setup.distance_km = distances.km;
  for (const io::Provision& p : provisions)
    setup.provisions.push_back(
        plan_of(p, scenario.capacity.changes, distances.townships, origin, horizon));
  setup.overflow = scenario.capacity.overflow == CapacityOverflow::Awaiting
                       ? sim::OverflowMode::Awaiting
                       : sim::OverflowMode::Independent;
  setup.divert_to_resourced_provision = scenario.capacity.divert_to_resourced_provision;
  return setup;
}

}  // namespace sendcast::scenarios
