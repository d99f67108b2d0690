#pragma once
// Turns one LA's published history into ModelParameters, using only what was published by
// the origin census (history_as_of), with England's history as the prior every thin LA
// estimate is shrunk toward (partial pooling, as witan.send does with its hierarchical priors).
#include <optional>

#include "io/la_history.h"
#include "io/township.h"
#include "models/model_parameters.h"

namespace sendcast::models {

struct CalibrationOptions {
  int origin = 0;    //!< January census year to start from; 0 = the latest with a caseload
  int horizon = 10;  //!< years to project (population ratios are prepared for these)
  TrendSpec trend;
  bool use_population = true;
  std::optional<io::TownshipSplit> townships;
  // Prior strengths (pseudo-observations) of the shrinkage toward England.
  double leaver_prior_exposure = 100;   //!< person-years
  double transition_prior_weight = 5;   //!< persons per from-placement row
  double joiner_age_prior_weight = 50;  //!< new plans
  double mix_prior_weight = 20;         //!< new plans, for need and placement mixes
  double relative_risk_prior = 10;      //!< expected ceasings
};

//! Calibrates `la` at options.origin. `england` is England's full history (it is cut to the
//! origin here too). Throws InputError when the LA has no caseload at the origin.
ModelParameters calibrate(const io::LaHistory& la, const io::LaHistory& england,
                          const CalibrationOptions& options);

}  // namespace sendcast::models
