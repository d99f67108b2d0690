#pragma once
// The tidy summary of place sufficiency: one row per year x measure x category, each a
// distribution over runs of a total computed inside every run (never a sum of quantiles).
//
// Categories are the matched placement group (resourced_provision, state_special, ap_pru,
// specialist_post16), phase, need area and township of the *child*, or "all" where summed;
// provision rows name one provision (its group and township) instead. Measures:
//   demand, placed, overflow, placed_outside_township      children at January
//   places_needed        extra places so demand is met: the overflow, read at p50/p80/p90
//   scap_demand, scap_places_needed                         SCAP years (primary +5, secondary +7)
//   places, occupied, vacancies, utilisation               per provision, and by group/township
//   diverted_to_resourced_provision, independent_placements
#include <optional>
#include <string>
#include <vector>

#include "sim/quantiles.h"
#include "sim/runner.h"
#include "sim/sufficiency.h"

namespace sendcast::io {

constexpr int SCAP_PRIMARY_YEARS = 5;    //!< SCAP: primary places forecast 5 years ahead
constexpr int SCAP_SECONDARY_YEARS = 7;  //!< and secondary 7 years ahead

struct SufficiencyRow {
  int year = 0;  //!< January census year
  std::string measure;
  std::string group = "all";
  std::string phase = "all";
  std::string need_area = "all";
  std::string township = "all";
  std::string provision = "all";  //!< provision id, or "all"
  sim::Summary summary;
  std::optional<double> p80;        //!< for overflow and places-needed rows
  double probability_positive = 0;  //!< share of runs above zero (e.g. any overflow)
};

//! Every row, year by year. `demand` supplies the independent placements the demand engine
//! itself makes (added to the overflow when it goes to independent schools). Years are
//! summarised on `threads` threads (0: OpenMP's default); the rows are the same, in the
//! same order, for any thread count.
std::vector<SufficiencyRow> summarise_sufficiency(const sim::SufficiencyResults& results,
                                                  const sim::SufficiencySetup& setup,
                                                  const sim::RunResults& demand, int threads = 0);

//! The row matching every field given, or nullptr.
const SufficiencyRow* find_sufficiency_row(const std::vector<SufficiencyRow>& rows, int year,
                                           const std::string& measure,
                                           const std::string& group = "all",
                                           const std::string& phase = "all",
                                           const std::string& need_area = "all");

}  // namespace sendcast::io
