#pragma once
// A scenario's demand levers and trend choice, resolved for the simulator and calibration.
#include "models/trend.h"
#include "scenarios/scenario.h"
#include "sim/demand_levers.h"

namespace sendcast::scenarios {

//! Multipliers and placement shifts by projection step for a run from `origin`.
sim::DemandLevers demand_levers(const Scenario& scenario, int origin, int horizon);

models::TrendSpec trend_spec(const Scenario& scenario);

}  // namespace sendcast::scenarios
