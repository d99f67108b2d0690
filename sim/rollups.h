#pragma once
// The per-run roll-ups every output reads: for each run and year, integer counts by every
// reported breakdown, computed inside the run (quantiles come later, from these).
#include <cstdint>
#include <string>
#include <vector>

#include "io/codes.h"

namespace sendcast::sim {

//! Phases of education used for sufficiency breakdowns (census age).
constexpr int N_PHASES = 5;
constexpr std::array<std::string_view, N_PHASES> PHASE_CODES = {"early_years", "primary",
                                                                "secondary", "post16", "post19"};
inline int phase_of_age(int age) {
  return age_band(age);
}  // the SEN2 bands are the phases

//! The specialist placement groups broken down by phase x need area x township.
constexpr std::array<Placement, 4> SPECIALIST_PLACEMENTS = {
    Placement::ResourcedProvision, Placement::StateSpecial, Placement::IndependentSpecial,
    Placement::AlternativeProvision};

//! Flow counters recorded per run and year (year 0 is zero).
enum class Flow : int { Joiners, Leavers, NetOther, AgedOut };
constexpr int N_FLOWS = 4;
constexpr std::array<std::string_view, N_FLOWS> FLOW_CODES = {"joiners", "leavers", "net_other",
                                                              "aged_out"};

struct BreakdownLayout {
  std::string name;                     //!< "total", "age", "age_band", "need", ...
  std::vector<std::string> categories;  //!< labels, one per column
  int offset = 0;                       //!< first column in a run-year row
};

//! Column layout of one run-year row of roll-ups.
class RollupLayout {
 public:
  RollupLayout() : RollupLayout(std::vector<std::string>{"all"}) {}
  explicit RollupLayout(const std::vector<std::string>& townships);
  const std::vector<BreakdownLayout>& breakdowns() const { return breakdowns_; }
  const BreakdownLayout& find(const std::string& name) const;
  int columns() const { return columns_; }

  // Offsets used by the simulator's inner loop.
  int total() const { return total_; }
  int age(int a) const { return age_ + a; }
  int band(int b) const { return band_ + b; }
  int need(int n) const { return need_ + n; }
  int placement(int q) const { return placement_ + q; }
  int township(int t) const { return township_ + t; }
  //! -1 when `placement` is not a specialist group.
  int specialist(int township, int age, int need, int placement) const;
  int flow(Flow f) const { return flow_ + static_cast<int>(f); }

 private:
  int add(std::string name, std::vector<std::string> categories);
  std::vector<BreakdownLayout> breakdowns_;
  int columns_ = 0;
  int n_townships_ = 1;
  int total_ = 0, age_ = 0, band_ = 0, need_ = 0, placement_ = 0, township_ = 0, specialist_ = 0,
      flow_ = 0;
  std::array<int, N_PLACEMENTS> specialist_index_{};
};

}  // namespace sendcast::sim
