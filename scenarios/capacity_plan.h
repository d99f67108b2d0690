#pragma once
// A scenario's capacity timeline resolved for the sufficiency matching: the register plus
// [[capacity.add]], with [[capacity.change]] applied year by year.
#include "io/capacity_register.h"
#include "io/township_distances.h"
#include "scenarios/scenario.h"
#include "sim/sufficiency.h"

namespace sendcast::scenarios {

//! Places of every provision in each census year origin .. origin + horizon. Throws
//! InputError, naming the scenario file and line, for a change to an unknown id, an addition
//! whose id is already taken, or an addition in a township the LA does not have.
sim::SufficiencySetup capacity_plan(const Scenario& scenario, const io::CapacityRegister& reg,
                                    const io::TownshipDistances& distances, int origin,
                                    int horizon);

}  // namespace sendcast::scenarios
