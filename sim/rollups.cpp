#include "sim/rollups.h"

#include <stdexcept>

namespace sendcast::sim {

RollupLayout::RollupLayout(const std::vector<std::string>& townships)
    : n_townships_(static_cast<int>(townships.size())) {
  total_ = add("total", {"all"});
  std::vector<std::string> ages, bands, needs, placements;
  for (int a = 0; a < N_AGES; ++a) ages.push_back(std::to_string(a));
  for (auto b : AGE_BAND_CODES) bands.emplace_back(b);
  for (auto n : NEED_CODES) needs.emplace_back(n);
  for (auto q : PLACEMENT_CODES) placements.emplace_back(q);
  age_ = add("age", ages);
  band_ = add("age_band", bands);
  need_ = add("need", needs);
  placement_ = add("placement", placements);
  township_ = add("township", townships);
  specialist_index_.fill(-1);
  for (std::size_t i = 0; i < SPECIALIST_PLACEMENTS.size(); ++i)
    specialist_index_[static_cast<int>(SPECIALIST_PLACEMENTS[i])] = static_cast<int>(i);
  std::vector<std::string> specialist;
  for (const auto& t : townships)
    for (auto phase : PHASE_CODES)
      for (auto area : NEED_AREA_CODES)
        for (auto q : SPECIALIST_PLACEMENTS)
          specialist.push_back(std::string(PLACEMENT_CODES[static_cast<int>(q)]) + "|" +
                               std::string(phase) + "|" + std::string(area) + "|" + t);
  specialist_ = add("specialist", specialist);
  std::vector<std::string> flows;
  for (auto f : FLOW_CODES) flows.emplace_back(f);
  flow_ = add("flow", flows);
}

int RollupLayout::add(std::string name, std::vector<std::string> categories) {
  const int offset = columns_;
  columns_ += static_cast<int>(categories.size());
  breakdowns_.push_back({std::move(name), std::move(categories), offset});
  return offset;
}

const BreakdownLayout& RollupLayout::find(const std::string& name) const {
  for (const auto& b : breakdowns_)
    if (b.name == name) return b;
  throw std::out_of_range("no breakdown named " + name);
}

int RollupLayout::specialist(int township, int age, int need, int placement) const {
  const int s = specialist_index_[placement];
  if (s < 0) return -1;
  const int area = static_cast<int>(need_area(static_cast<Need>(need)));
  return specialist_ +
         ((township * N_PHASES + phase_of_age(age)) * N_NEED_AREAS + area) *
             static_cast<int>(SPECIALIST_PLACEMENTS.size()) +
         s;
}

}  // namespace sendcast::sim
