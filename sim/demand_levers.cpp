#include "sim/demand_levers.h"

namespace sendcast::sim {

DemandLevers DemandLevers::none(int horizon) {
  DemandLevers l;
  std::array<std::array<double, N_NEEDS>, N_AGES> ones;
  for (auto& row : ones) row.fill(1.0);
  l.joiner.assign(horizon + 1, ones);
  l.leaver.assign(horizon + 1, std::vector<double>(models::N_STATE_CELLS, 1.0));
  l.shifts.assign(horizon + 1, {});
  return l;
}

}  // namespace sendcast::sim
