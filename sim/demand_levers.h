#pragma once
// Scenario levers on demand, resolved to plain arrays by projection step, so the simulator
// knows nothing of scenario files. Step s = 1..horizon is the year from January origin+s-1 to
// January origin+s; index 0 is unused.
#include <array>
#include <vector>

#include "io/codes.h"
#include "models/model_parameters.h"

namespace sendcast::sim {

struct PlacementShift {
  int from = 0;  //!< placement group index
  int to = 0;
  double share = 0;  //!< of the joiners who would have gone to `from`
  int age_min = 0;
  int age_max = MAX_AGE;
};

struct DemandLevers {
  //! Joiner-rate multiplier by step, census age after joining, need.
  std::vector<std::array<std::array<double, N_NEEDS>, N_AGES>> joiner;
  //! Ceasing-hazard multiplier by step and cell (age, need, placement).
  std::vector<std::vector<double>> leaver;
  std::vector<std::vector<PlacementShift>> shifts;

  //! No levers: every multiplier 1, no shifts.
  static DemandLevers none(int horizon);
};

}  // namespace sendcast::sim
