#include "sim/sufficiency.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>

#include "models/model_parameters.h"
#include "sim/matching.h"

namespace sendcast::sim {

namespace {

constexpr int RESOURCED = 0;  //!< MATCHED_PLACEMENTS index of resourced provision
constexpr int SPECIAL = 1;    //!< MATCHED_PLACEMENTS index of state special

//! Dense index of a demand cell: township-major, then age, need and matched group, so that
//! one year of ageing adds AGE_STEP to a key.
constexpr int AGE_STEP = N_NEEDS * N_MATCHED;
constexpr int TOWNSHIP_STEP = N_AGES * AGE_STEP;
int key_of(int township, int age, int need, int group) {
  return township * TOWNSHIP_STEP + age * AGE_STEP + need * N_MATCHED + group;
}
int age_of_key(int key) {
  return key % TOWNSHIP_STEP / AGE_STEP;
}
int township_of_key(int key) {
  return key / TOWNSHIP_STEP;
}
int group_of_key(int key) {
  return key % N_MATCHED;
}

//! Children of one demand cell, tracked together: in a provision, or overflowing (-1).
struct Entry {
  std::int32_t count = 0;
  std::int32_t provision = -1;
  std::int32_t key = 0;
};

void erase_empty(std::vector<Entry>& entries) {
  std::erase_if(entries, [](const Entry& e) { return e.count <= 0; });
}

//! Follows one run: keeps who is where between years, matches each year's new demand.
class SufficiencyObserver final : public RunObserver {
 public:
  SufficiencyObserver(const SufficiencyModel& model, SufficiencyResults& results)
      : model_(model),
        setup_(model.setup()),
        results_(results),
        n_keys_(model.townships() * N_AGES * N_NEEDS * N_MATCHED),
        counts_(n_keys_),
        key_buffer_(n_keys_, 0),
        occupied_(setup_.provisions.size(), 0),
        spare_(setup_.provisions.size(), 0),
        sink_of_(setup_.provisions.size(), -1) {
    for (std::size_t p = 0; p < setup_.provisions.size(); ++p) {
      age_max_.push_back(setup_.provisions[p].age_max);
      township_.push_back(setup_.provisions[p].township);
      base_.push_back(model.group_of(static_cast<int>(p)) == RESOURCED);
    }
    for (int g = 0; g < N_MATCHED; ++g) group_mask_[g] = model.matched(g) ? -1 : 0;
  }

  void observe(std::uint32_t run, int step, const std::vector<std::int32_t>& state) override {
    if (state.size() != static_cast<std::size_t>(model_.townships()) * models::N_STATE_CELLS)
      throw std::logic_error("sufficiency: the demand state has the wrong number of townships");
    if (step == 0) {
      placed_.clear();
      unplaced_.clear();
    }
    if (setup_.overflow == OverflowMode::Awaiting) unplaced_.clear();  // matched again
    if (step > 0) age_entries();
    load_demand(state);
    reconcile();
    release_over_capacity(step);
    match(step);
    record(static_cast<int>(run), step);
  }

 private:
  struct Source {
    int township = 0;
    int group = 0;
    int source_class = 0;
    std::int32_t supply = 0;
    int first_cell = 0;  //!< range in ordered_cells_
    int end_cell = 0;
    int first_node = 0;  //!< range of problem sources
    int end_node = 0;
  };
  //! One demand key's children, side by side so that a key touches one cache line, not four:
  //! reconcile() reaches the keys in the tracked children's order, which is close to random.
  struct KeyCounts {
    std::int32_t demand = 0;
    std::int32_t new_demand = 0;  //!< in the demand, and not in a provision or overflowing
    std::int32_t tracked = 0;     //!< last year's children, aged; zero between calls
    std::int32_t cumulative = 0;  //!< tracked children trimmed so far; zero between calls
  };
  struct Cell {
    int source = 0;
    int key = 0;
    std::int32_t count = 0;
  };

  //! A year on: pupils older than their provision's range leave it, and plans end at 25. The
  //! children who stay are counted by key as they go, for reconcile().
  void age_entries() {
    const auto age = [&](std::vector<Entry>& list, auto leaves) {
      std::size_t kept = 0;
      for (Entry e : list) {
        if (leaves(e)) continue;
        e.key += AGE_STEP;
        counts_[e.key].tracked += e.count;
        list[kept++] = e;
      }
      list.resize(kept);
    };
    age(unplaced_, [](const Entry& e) { return age_of_key(e.key) == MAX_AGE; });
    age(placed_, [&](const Entry& e) { return age_of_key(e.key) + 1 > age_max_[e.provision]; });
  }

  //! Reads the matched groups' cells in the state's own order (township, age, need), which
  //! is also the order of the keys. Most (township, age, need) blocks hold no matched child:
  //! only last year's keys are cleared, and an empty block is skipped with one test (a branch
  //! per block, not per key: within a block the writes stay branch-free). Also starts each
  //! key's new demand at its demand.
  void load_demand(const std::vector<std::int32_t>& state) {
    for (int key : demand_keys_) counts_[key].demand = 0;
    int* keys = key_buffer_.data();
    int n = 0;
    const std::int32_t* cell = state.data();
    for (int key = 0; key < n_keys_; key += N_MATCHED, cell += N_PLACEMENTS) {
      std::array<std::int32_t, N_MATCHED> count;
      std::int32_t any = 0;
      for (int g = 0; g < N_MATCHED; ++g) {
        count[g] = cell[static_cast<int>(MATCHED_PLACEMENTS[g])] & group_mask_[g];
        any |= count[g];
      }
      if (any == 0) continue;
      for (int g = 0; g < N_MATCHED; ++g) {
        const std::int32_t children = count[g] > 0 ? count[g] : 0;
        counts_[key + g].demand = counts_[key + g].new_demand = children;
        keys[n] = key + g;
        n += children > 0;
      }
    }
    demand_keys_ = std::span<const int>(keys, n);
  }

  //! Where fewer children are in a cell than were tracked (some left, moved placement or need),
  //! every tracked group keeps its share: floor of cumulative shares, overflow first, so the
  //! kept total is exactly the cell's demand and no random number is drawn. The tracked counts
  //! from age_entries(); afterwards occupied_ counts the pupils kept in each provision, and the
  //! children still tracked are taken off the new demand.
  void reconcile() {
    auto trim = [&](Entry& e) {
      KeyCounts& k = counts_[e.key];
      const std::int64_t total = k.tracked, kept = k.demand;
      if (total <= kept) return;
      const std::int64_t before = k.cumulative, after = before + e.count;
      k.cumulative = static_cast<std::int32_t>(after);
      e.count = static_cast<std::int32_t>(after * kept / total - before * kept / total);
    };
    std::for_each(unplaced_.begin(), unplaced_.end(), trim);
    std::for_each(placed_.begin(), placed_.end(), trim);
    std::fill(occupied_.begin(), occupied_.end(), 0);
    const auto settle = [&](std::vector<Entry>& list, std::int32_t* occupied) {
      std::size_t kept = 0;
      for (const Entry& e : list) {
        KeyCounts& k = counts_[e.key];
        k.tracked = k.cumulative = 0;  // sparse reset
        k.new_demand -= e.count;
        if (occupied) occupied[e.provision] += e.count;
        list[kept] = e;  // empty entries are dropped: overwritten by the next one kept
        kept += e.count > 0;
      }
      list.resize(kept);
    };
    settle(unplaced_, nullptr);
    settle(placed_, occupied_.data());
  }

  //! A provision with fewer places than pupils (it shrank or closed) releases the excess,
  //! newest pupils first; they are matched again like new demand.
  void release_over_capacity(int year) {
    bool over = false;
    for (std::size_t p = 0; p < occupied_.size(); ++p) {
      spare_[p] = setup_.provisions[p].places[year] - occupied_[p];  // < 0: over capacity
      over = over || spare_[p] < 0;
    }
    if (!over) return;
    for (auto e = placed_.rbegin(); e != placed_.rend(); ++e) {
      std::int32_t& spare = spare_[e->provision];
      if (spare >= 0) continue;
      const std::int32_t released = std::min(e->count, -spare);
      e->count -= released;
      spare += released;
      counts_[e->key].new_demand += released;
    }
    erase_empty(placed_);
  }

  //! New demand grouped into sources: township x class (same provisions at the same fit).
  void build_sources(int year) {
    const std::size_t n_classes = model_.classes(year).size();
    source_of_.assign(static_cast<std::size_t>(model_.townships()) * n_classes, -1);
    sources_.clear();
    cells_.clear();
    for (int key : demand_keys_) {
      const std::int32_t count = counts_[key].new_demand;
      if (count <= 0) continue;
      const int c = model_.class_of_key(year, key);
      if (c < 0) {  // nothing open fits this need and age
        unplaced_.push_back({count, -1, key});
        continue;
      }
      const int township = township_of_key(key);
      int& s = source_of_[township * n_classes + c];
      if (s < 0) {
        s = static_cast<int>(sources_.size());
        sources_.push_back({township, group_of_key(key), c});
      }
      sources_[s].supply += count;
      cells_.push_back({s, key, count});
    }
    order_cells_by_source();
  }

  void order_cells_by_source() {
    for (const Cell& c : cells_) ++sources_[c.source].end_cell;  // counts for now
    int start = 0;
    for (Source& s : sources_) {
      const int n = s.end_cell;
      s.first_cell = s.end_cell = start;
      start += n;
    }
    ordered_cells_.resize(cells_.size());
    for (const Cell& c : cells_) ordered_cells_[sources_[c.source].end_cell++] = c;
  }

  void add_node(const Source& source, std::int32_t supply,
                const std::vector<SufficiencyModel::Arc>& arcs) {
    const int node = static_cast<int>(problem_.supply.size());
    problem_.supply.push_back(supply);
    for (const auto& arc : arcs) {
      const int p = arc.provision;
      if (spare_[p] <= 0) continue;
      if (sink_of_[p] < 0) {
        sink_of_[p] = static_cast<int>(problem_.capacity.size());
        problem_.capacity.push_back(spare_[p]);
      }
      const int home = setup_.provisions[p].township;
      problem_.arcs.push_back(
          {node, sink_of_[p], arc.cost + model_.travel_cost(source.township, home)});
      arc_provision_.push_back(p);
    }
  }

  void build_problem(int year) {
    problem_.clear();
    arc_provision_.clear();
    std::fill(sink_of_.begin(), sink_of_.end(), -1);
    node_arc_begin_.clear();
    const auto& classes = model_.classes(year);
    const double share = setup_.divert_to_resourced_provision;
    std::int64_t divertible = 0;  // new state-special demand so far, for cumulative rounding
    for (Source& s : sources_) {
      const auto& c = classes[s.source_class];
      std::int32_t diverted = 0;
      if (s.group == SPECIAL && !c.diverted_arcs.empty()) {
        // Rounded cumulatively, so that `share` of the year's divertible demand is diverted
        // even when each source holds one or two children.
        const std::int64_t before = divertible;
        divertible += s.supply;
        diverted = static_cast<std::int32_t>(std::llround(share * static_cast<double>(divertible)) -
                                             std::llround(share * static_cast<double>(before)));
      }
      s.first_node = static_cast<int>(problem_.supply.size());
      node_arc_begin_.push_back(static_cast<int>(problem_.arcs.size()));
      add_node(s, s.supply - diverted, c.arcs);
      if (diverted > 0) {
        node_arc_begin_.push_back(static_cast<int>(problem_.arcs.size()));
        add_node(s, diverted, c.diverted_arcs);
      }
      s.end_node = static_cast<int>(problem_.supply.size());
    }
    node_arc_begin_.push_back(static_cast<int>(problem_.arcs.size()));
  }

  //! Hands a source's placements to its cells in order: every cell of a source fits every
  //! provision the source's arcs reach, so any order is a valid assignment.
  void assign(const Source& s) {
    int cell = s.first_cell;
    std::int32_t left = cell < s.end_cell ? ordered_cells_[cell].count : 0;
    auto take = [&](std::int32_t count, int provision) {
      while (count > 0) {
        if (cell >= s.end_cell) throw std::logic_error("sufficiency: flow exceeds demand");
        const std::int32_t m = std::min(count, left);
        auto& list = provision < 0 ? unplaced_ : placed_;
        list.push_back({m, provision, ordered_cells_[cell].key});
        count -= m;
        left -= m;
        if (left == 0 && ++cell < s.end_cell) left = ordered_cells_[cell].count;
      }
    };
    for (int node = s.first_node; node < s.end_node; ++node)
      for (int a = node_arc_begin_[node]; a < node_arc_begin_[node + 1]; ++a)
        take(solution_.flow[a], arc_provision_[a]);
    std::int32_t rest = left;
    for (int c = cell + 1; c < s.end_cell; ++c) rest += ordered_cells_[c].count;
    take(rest, -1);
  }

  void match(int year) {
    build_sources(year);
    if (sources_.empty()) return;
    build_problem(year);
    matcher_.solve(problem_, solution_);
    for (const Source& s : sources_) assign(s);
  }

  void record(int run, int year) {
    const std::size_t off = results_.cell_offset(run, year);
    std::int32_t* demand = results_.demand.data() + off;
    std::int32_t* overflow = results_.overflow.data() + off;
    std::int32_t* away = results_.placed_outside_township.data() + results_.away_offset(run, year);
    std::fill(demand, demand + results_.cells, 0);
    std::fill(overflow, overflow + results_.cells, 0);
    std::fill(away, away + results_.away_cells, 0);
    for (int key : demand_keys_) demand[model_.cell_of_key(key)] += counts_[key].demand;
    for (const Entry& e : unplaced_) overflow[model_.cell_of_key(e.key)] += e.count;
    std::fill(occupied_.begin(), occupied_.end(), 0);
    std::int32_t diverted = 0;
    double* km = results_.placed_km.data() + results_.km_offset(run, year);
    std::fill(km, km + N_MATCHED, 0.0);
    const int nt = model_.townships();
    for (const Entry& e : placed_) {
      const int home = township_of_key(e.key), group = group_of_key(e.key);
      const int there = township_[e.provision];
      km[group] += e.count * setup_.distance_km[static_cast<std::size_t>(home * nt + there)];
      if (there != home) away[model_.away_of_key(e.key)] += e.count;
      if (group == SPECIAL && base_[e.provision]) diverted += e.count;
      occupied_[e.provision] += e.count;
    }
    const std::size_t poff = results_.provision_offset(run, year);
    for (std::size_t p = 0; p < occupied_.size(); ++p) {
      results_.occupied[poff + p] = occupied_[p];
      results_.vacancies[poff + p] = std::max(0, setup_.provisions[p].places[year] - occupied_[p]);
    }
    results_.diverted[static_cast<std::size_t>(run) * results_.years + year] = diverted;
  }

  const SufficiencyModel& model_;
  const SufficiencySetup& setup_;
  SufficiencyResults& results_;
  const int n_keys_;
  std::array<std::int32_t, N_MATCHED> group_mask_{};  //!< all bits for a matched group, else 0
  std::vector<KeyCounts> counts_;                     //!< by demand key
  std::vector<int> key_buffer_;                       //!< room for every key
  std::span<const int> demand_keys_;                  //!< keys with demand, ascending, in it
  std::vector<Entry> placed_;                         //!< oldest first
  std::vector<Entry> unplaced_;
  std::vector<std::int32_t> occupied_, spare_;
  // Of each provision: oldest age, township, and whether it is a base (resourced provision).
  std::vector<int> age_max_, township_;
  std::vector<char> base_;
  std::vector<int> sink_of_, source_of_, arc_provision_, node_arc_begin_;
  std::vector<Source> sources_;
  std::vector<Cell> cells_, ordered_cells_;
  MatchingProblem problem_;
  MatchingSolution solution_;
  Matcher matcher_;
};

}  // namespace

int matched_index(Placement placement) {
  for (int g = 0; g < N_MATCHED; ++g)
    if (MATCHED_PLACEMENTS[g] == placement) return g;
  return -1;
}

std::string_view matched_code(int group) {
  return PLACEMENT_CODES[static_cast<int>(MATCHED_PLACEMENTS.at(group))];
}

SufficiencyLayout::SufficiencyLayout(std::vector<int> groups, int townships)
    : groups_(std::move(groups)), townships_(townships) {
  slot_.fill(-1);
  for (std::size_t i = 0; i < groups_.size(); ++i) slot_.at(groups_[i]) = static_cast<int>(i);
}

SufficiencyLayout sufficiency_layout(const SufficiencySetup& setup) {
  std::array<bool, N_MATCHED> served{};
  for (const ProvisionPlan& p : setup.provisions) served[p.group()] = true;
  std::vector<int> groups;
  for (int g = 0; g < N_MATCHED; ++g)
    if (served[g]) groups.push_back(g);
  return SufficiencyLayout(std::move(groups), static_cast<int>(setup.townships.size()));
}

SufficiencyModel::SufficiencyModel(SufficiencySetup setup)
    : setup_(std::move(setup)), layout_(sufficiency_layout(setup_)) {
  const int nt = static_cast<int>(setup_.townships.size());
  if (nt < 1 || setup_.distance_km.size() != static_cast<std::size_t>(nt) * nt)
    throw std::invalid_argument("sufficiency: townships and distances disagree");
  if (setup_.provisions.size() > 30000)
    throw std::invalid_argument("sufficiency: too many provisions");
  for (const ProvisionPlan& p : setup_.provisions) {
    if (p.township < 0 || p.township >= nt ||
        p.places.size() != static_cast<std::size_t>(setup_.years))
      throw std::invalid_argument("sufficiency: provision " + p.id + " is inconsistent");
    matched_[p.group()] = true;
  }
  for (double km : setup_.distance_km)
    travel_cost_.push_back(static_cast<std::int64_t>(std::llround(km * COST_PER_KM)));
  index_cells();
  class_of_.assign(static_cast<std::size_t>(setup_.years) * TOWNSHIP_STEP, -1);
  classes_.resize(setup_.years);
  for (int y = 0; y < setup_.years; ++y) build_classes(y);
}

void SufficiencyModel::index_cells() {
  for (int t = 0; t < townships(); ++t)
    for (int a = 0; a < N_AGES; ++a)
      for (int n = 0; n < N_NEEDS; ++n)
        for (int g = 0; g < N_MATCHED; ++g) {
          const int area = static_cast<int>(need_area(static_cast<Need>(n)));
          cell_of_key_.push_back(layout_.cell(g, phase_of_age(a), area, t));
          away_of_key_.push_back(layout_.away_cell(g, t));
        }
  for (int g = 0; g < N_MATCHED; ++g)
    if (matched_[g]) matched_groups_.push_back(g);
  for (const ProvisionPlan& p : setup_.provisions) provision_group_.push_back(p.group());
}

void SufficiencyModel::build_classes(int year) {
  auto fit = [&](const ProvisionPlan& p, int need, int age) {
    if (p.places[year] <= 0 || age < p.age_min || age > p.age_max) return io::Fit::None;
    return p.designation[need];
  };
  const bool divert = setup_.divert_to_resourced_provision > 0;
  for (int g = 0; g < N_MATCHED; ++g) {
    std::map<std::vector<io::Fit>, int> ids;
    for (int n = 0; n < N_NEEDS; ++n)
      for (int a = 0; a < N_AGES; ++a) {
        std::vector<io::Fit> signature;
        SourceClass c;
        for (std::size_t p = 0; p < setup_.provisions.size(); ++p) {
          const ProvisionPlan& plan = setup_.provisions[p];
          const bool own = plan.group() == g;
          const bool base = divert && g == SPECIAL && plan.group() == RESOURCED;
          if (!own && !base) continue;
          const io::Fit f = fit(plan, n, a);
          signature.push_back(f);
          if (f == io::Fit::None) continue;
          const std::int64_t cost = FIT_COST[static_cast<int>(f)];
          const int pi = static_cast<int>(p);
          if (own) c.arcs.push_back({pi, cost});
          if (base) c.diverted_arcs.push_back({pi, cost});
        }
        if (c.arcs.empty() && c.diverted_arcs.empty()) continue;
        if (!c.diverted_arcs.empty())  // a diverted child may still go to a special school
          for (const Arc& arc : c.arcs)
            c.diverted_arcs.push_back({arc.provision, arc.cost + DIVERTED_TO_SPECIAL_COST});
        auto [it, added] = ids.try_emplace(signature, static_cast<int>(classes_[year].size()));
        if (added) classes_[year].push_back(std::move(c));
        class_of_[static_cast<std::size_t>(year) * TOWNSHIP_STEP + key_of(0, a, n, g)] = it->second;
      }
  }
}

SufficiencyResults SufficiencyModel::make_results(int runs) const {
  SufficiencyResults r;
  r.runs = runs;
  r.years = setup_.years;
  r.cells = layout_.cells();
  r.away_cells = layout_.away_cells();
  r.provisions = static_cast<int>(setup_.provisions.size());
  const auto run_years = static_cast<std::size_t>(runs) * r.years;
  r.demand.assign(run_years * r.cells, 0);
  r.overflow.assign(run_years * r.cells, 0);
  r.placed_outside_township.assign(run_years * r.away_cells, 0);
  r.occupied.assign(run_years * r.provisions, 0);
  r.vacancies.assign(run_years * r.provisions, 0);
  r.diverted.assign(run_years, 0);
  r.placed_km.assign(run_years * N_MATCHED, 0.0);
  return r;
}

ObserverFactory SufficiencyModel::observers(SufficiencyResults& results) const {
  return [this, &results]() -> std::unique_ptr<RunObserver> {
    return std::make_unique<SufficiencyObserver>(*this, results);
  };
}

}  // namespace sendcast::sim
