#pragma once
// Everything the simulator needs about one LA at one origin: the initial caseload and the
// distributions each run draws its own rates from. Produced by calibrate() from published
// data; every field says where it came from in calibration.cpp.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/codes.h"
#include "models/trend.h"

namespace sendcast::models {

constexpr int N_STATE_CELLS = N_AGES * N_NEEDS * N_PLACEMENTS;  //!< one township's cells

//! Index of (age, need, placement) in one township's block of the state.
constexpr int cell_index(int age, int need, int placement) {
  return (age * N_NEEDS + need) * N_PLACEMENTS + placement;
}

using PlacementMatrix = std::array<std::array<double, N_PLACEMENTS>, N_PLACEMENTS>;

struct ModelParameters {
  std::string la_code;
  std::string la_name;
  int origin = 0;  //!< January census year of the initial state

  // What the data allowed: a missing breakdown is modelled in one category, and not reported.
  bool needs_known = false;        //!< need x age and need x placement published at origin
  bool placements_known = false;   //!< placement groups published at origin
  bool ages_known = false;         //!< single years of age published at origin (else bands)
  bool leaver_ages_known = false;  //!< ceased plans by age published before origin
  bool transitions_known = false;  //!< age x placement published at origin - 1 and origin
  bool population_known = false;   //!< an ONS projection covers this LA

  //! Initial caseload at January `origin`, LA level, indexed by cell_index (persons).
  std::vector<std::int32_t> initial;

  //! Townships and the share of the LA's children in each (sums to 1); one "LA" if none.
  std::vector<std::string> townships;
  std::vector<double> township_shares;
  std::string township_method;

  //! Ceasing hazard by census age: Beta(alpha, beta) posterior per age (events shrunk toward
  //! England's rate). Zero alpha means "no age data": the hazard is 0 and net_flow carries it.
  std::array<double, N_AGES> leave_alpha{};
  std::array<double, N_AGES> leave_beta{};
  //! Relative ceasing risk by placement (indirectly standardised for age; 1 = average).
  std::array<double, N_PLACEMENTS> leave_relative_risk{};
  //! Share of ceased plans by published reason, for reporting leavers by reason.
  std::vector<std::string> leave_reasons;
  std::vector<double> leave_reason_shares;

  //! Net other flow by age band after ageing and joiners, as a fraction of the band's stock
  //! (> 0 transfers in; < 0 extra leaving): what reconciles published stocks and flows.
  std::array<double, N_AGE_BANDS> net_flow_mean{};
  std::array<double, N_AGE_BANDS> net_flow_sd{};       //!< parameter uncertainty
  std::array<double, N_AGE_BANDS> net_flow_year_sd{};  //!< year-to-year variation

  //! Placement transition on ageing from census age a to a + 1: Dirichlet concentrations per
  //! row (from placement) over the destination placement.
  std::array<PlacementMatrix, N_AGES> transition_alpha{};

  //! Joiners: Dirichlet concentrations over the census age after joining.
  std::array<double, N_AGES> joiner_age_alpha{};
  //! Need x placement mix of joiners at each age (probabilities, sum to 1 per age).
  std::array<std::array<double, N_NEEDS * N_PLACEMENTS>, N_AGES> joiner_mix{};
  //! Population at calendar year origin - 1 + h relative to origin - 1, by age, h = 0..horizon
  //! (1 everywhere without a projection).
  std::vector<std::array<double, N_AGES>> population_ratio;
  //! The joiner rate trend: rate = joiners per year at origin - 1's population.
  TrendFit trend_fit;
  TrendSpec trend;
  double england_growth = 0;                  //!< for ConvergeToEngland
  std::map<int, double> joiner_rate_history;  //!< calendar year -> rate, as fitted
  //! Published values the calibration set aside, in plain words (e.g. an implausible year).
  std::vector<std::string> data_warnings;
};

}  // namespace sendcast::models
