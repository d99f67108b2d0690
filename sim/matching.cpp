#include "sim/matching.h"

#include <lemon/network_simplex.h>
#include <lemon/static_graph.h>

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace sendcast::sim {

namespace {

using Digraph = lemon::StaticDigraph;
using Simplex = lemon::NetworkSimplex<Digraph, std::int64_t, std::int64_t>;

//! Index of each source's cheapest arc (first on ties), -1 for a source with no arc.
void cheapest_arcs(const MatchingProblem& p, std::vector<int>& best) {
  best.assign(p.supply.size(), -1);
  for (std::size_t a = 0; a < p.arcs.size(); ++a) {
    const MatchingArc& arc = p.arcs[a];
    int& b = best[arc.source];
    if (b < 0 || arc.cost < p.arcs[b].cost) b = static_cast<int>(a);
  }
}

//! Every source on its own cheapest arc (sources with no arc overflow), if no sink overfills:
//! then no assignment places more children or costs less.
bool solve_greedy(const MatchingProblem& p, const std::vector<int>& best,
                  std::vector<std::int64_t>& load, MatchingSolution& s) {
  load.assign(p.capacity.size(), 0);
  for (std::size_t i = 0; i < p.supply.size(); ++i)
    if (p.supply[i] > 0 && best[i] >= 0) load[p.arcs[best[i]].sink] += p.supply[i];
  for (std::size_t k = 0; k < load.size(); ++k)
    if (load[k] > p.capacity[k]) return false;
  for (std::size_t i = 0; i < p.supply.size(); ++i) {
    if (p.supply[i] == 0) continue;
    if (best[i] < 0) {  // nowhere it may go
      s.overflow[i] = p.supply[i];
      continue;
    }
    s.flow[best[i]] = p.supply[i];
    s.cost += p.arcs[best[i]].cost * p.supply[i];
  }
  return true;
}

//! A cost for leaving a child unplaced that exceeds the cost of any augmenting path (which
//! visits each node at most once), so the flow maximises placements first.
std::int64_t overflow_cost(const MatchingProblem& p) {
  std::int64_t max_cost = 0;
  for (const MatchingArc& arc : p.arcs) max_cost = std::max(max_cost, arc.cost);
  const auto nodes = static_cast<std::int64_t>(p.supply.size() + p.capacity.size() + 2);
  return (max_cost + 1) * nodes;
}

void reset_solution(const MatchingProblem& p, MatchingSolution& s) {
  s.flow.assign(p.arcs.size(), 0);
  s.overflow.assign(p.supply.size(), 0);
  s.cost = 0;
}

//! The problem's arcs by sink, then cost, then source: a counting sort by sink (sinks are
//! few), then each sink's arcs sorted on their own, which costs far less than one big sort.
void sort_arcs(const MatchingProblem& p, std::vector<int>& sink_begin,
               std::vector<MatchingArcKey>& order) {
  sink_begin.assign(p.capacity.size() + 1, 0);
  for (const MatchingArc& arc : p.arcs) ++sink_begin[arc.sink + 1];
  for (std::size_t k = 1; k < sink_begin.size(); ++k) sink_begin[k] += sink_begin[k - 1];
  order.resize(p.arcs.size());
  for (std::size_t a = 0; a < p.arcs.size(); ++a) {
    const MatchingArc& arc = p.arcs[a];
    order[sink_begin[arc.sink]++] = {arc.sink, arc.source, arc.cost, static_cast<int>(a)};
  }
  // A lambda, not a function pointer, so that std::sort inlines the comparison.
  const auto less = [](const MatchingArcKey& x, const MatchingArcKey& y) {
    return std::tie(x.cost, x.source, x.arc) < std::tie(y.cost, y.source, y.arc);
  };
  int begin = 0;
  for (std::size_t k = 0; k + 1 < sink_begin.size(); ++k) {
    const int end = sink_begin[k];  // the fill above moved each start to its sink's end
    std::sort(order.begin() + begin, order.begin() + end, less);
    begin = end;
  }
}

//! One sink: its places go to the cheapest arcs first (ties by source), which is optimal.
void solve_single_sink(const MatchingProblem& p, std::vector<int>& sink_begin,
                       std::vector<MatchingArcKey>& order, MatchingSolution& s) {
  sort_arcs(p, sink_begin, order);
  std::int64_t places = p.capacity.at(0);
  std::vector<std::int32_t>& left = s.overflow;
  left = p.supply;
  for (const MatchingArcKey& key : order) {
    const int a = key.arc;
    const MatchingArc& arc = p.arcs[a];
    const auto take = static_cast<std::int32_t>(std::min<std::int64_t>(places, left[arc.source]));
    s.flow[a] = take;
    left[arc.source] -= take;
    places -= take;
    s.cost += arc.cost * take;
  }
}

//! Marks the arcs an optimal assignment may need. Into each sink, take arcs cheapest first
//! (ties by source); once the sources of the arcs taken hold as many children as the problem
//! has places in all, every later arc is unneeded: if an optimum used one, some source of the
//! arcs taken would have a child left unplaced (they cannot all be placed), who could take
//! that place at no greater cost. When places are scarce this leaves a few arcs per sink.
void needed_arcs(const MatchingProblem& p, std::vector<char>& needed, std::vector<int>& sink_begin,
                 std::vector<MatchingArcKey>& order) {
  std::int64_t places = 0;
  for (auto c : p.capacity) places += c;
  sort_arcs(p, sink_begin, order);
  needed.assign(p.arcs.size(), 0);
  int sink = -1;
  std::int64_t held = 0;
  for (const MatchingArcKey& key : order) {
    const int a = key.arc;
    const MatchingArc& arc = p.arcs[a];
    if (arc.sink != sink) sink = arc.sink, held = 0;
    if (held >= places) continue;
    needed[a] = 1;
    held += p.supply[arc.source];
  }
}

void check_problem(const MatchingProblem& p) {
  for (const MatchingArc& arc : p.arcs)
    if (arc.source < 0 || arc.source >= static_cast<int>(p.supply.size()) || arc.sink < 0 ||
        arc.sink >= static_cast<int>(p.capacity.size()) || arc.cost < 0)
      throw std::invalid_argument("matching: arc out of range or with a negative cost");
  for (auto v : p.supply)
    if (v < 0) throw std::invalid_argument("matching: negative supply");
  for (auto v : p.capacity)
    if (v < 0) throw std::invalid_argument("matching: negative capacity");
}

}  // namespace

//! Values indexed by arc or node id, as the maps NetworkSimplex reads its parameters from.
template <class Item>
struct IdMap {
  using Key = Item;
  using Value = std::int64_t;
  const std::vector<std::int64_t>* values = nullptr;
  std::int64_t operator[](const Item& item) const { return (*values)[Digraph::id(item)]; }
};

//! Nodes: sources, then sinks, then one collector that takes every placed or overflowing
//! child. Arcs, by source node as StaticDigraph wants them: each source's problem arcs then
//! its overflow arc to the collector (at the overflow cost), then sink -> collector with the
//! sink's vacancies as capacity. The digraph and the simplex persist between calls.
struct Matcher::Graph {
  Digraph digraph;
  Simplex simplex{digraph};
  std::vector<std::pair<int, int>> arc_list;
  std::vector<std::int64_t> upper, cost, supply;
  std::vector<int> problem_arc;   //!< digraph arc of each problem arc
  std::vector<int> overflow_arc;  //!< digraph arc of each source's overflow
  std::vector<int> best;          //!< solve_greedy's buffers, kept to save allocations
  std::vector<std::int64_t> load;

  void add_arc(int from, int to, std::int64_t capacity, std::int64_t unit_cost) {
    arc_list.emplace_back(from, to);
    upper.push_back(capacity);
    cost.push_back(unit_cost);
  }

  //! Problem arcs must be grouped by source, as Matcher::solve_component builds them.
  void build(const MatchingProblem& p) {
    const int n_sources = static_cast<int>(p.supply.size());
    const int n_sinks = static_cast<int>(p.capacity.size());
    const int collector = n_sources + n_sinks;
    const std::int64_t unplaced = overflow_cost(p);
    arc_list.clear(), upper.clear(), cost.clear(), problem_arc.clear(), overflow_arc.clear();
    supply.assign(collector + 1, 0);
    std::size_t a = 0;
    for (int i = 0; i < n_sources; ++i) {
      for (; a < p.arcs.size() && p.arcs[a].source == i; ++a) {
        problem_arc.push_back(static_cast<int>(arc_list.size()));
        add_arc(i, n_sources + p.arcs[a].sink, p.supply[i], p.arcs[a].cost);
      }
      overflow_arc.push_back(static_cast<int>(arc_list.size()));
      add_arc(i, collector, p.supply[i], unplaced);
      supply[i] = p.supply[i];
      supply[collector] -= p.supply[i];
    }
    if (a != p.arcs.size()) throw std::logic_error("matching: arcs not grouped by source");
    for (int k = 0; k < n_sinks; ++k) add_arc(n_sources + k, collector, p.capacity[k], 0);
    digraph.build(collector + 1, arc_list.begin(), arc_list.end());
  }

  void run(const MatchingProblem& p, MatchingSolution& s) {
    build(p);
    simplex.reset();  // the digraph changed
    const IdMap<Digraph::Arc> upper_map{&upper}, cost_map{&cost};
    const IdMap<Digraph::Node> supply_map{&supply};
    if (simplex.upperMap(upper_map).costMap(cost_map).supplyMap(supply_map).run() !=
        Simplex::OPTIMAL)
      throw std::logic_error("matching: the flow problem has no optimal solution");
    for (std::size_t a = 0; a < problem_arc.size(); ++a) {
      s.flow[a] = static_cast<std::int32_t>(simplex.flow(Digraph::arc(problem_arc[a])));
      s.cost += p.arcs[a].cost * s.flow[a];
    }
    for (std::size_t i = 0; i < overflow_arc.size(); ++i)
      s.overflow[i] = static_cast<std::int32_t>(simplex.flow(Digraph::arc(overflow_arc[i])));
  }
};

Matcher::Matcher()
    : graph_(std::make_unique<Graph>()), components_(std::make_unique<Components>()) {}
Matcher::~Matcher() = default;

//! Sinks joined by a source that can reach both belong together: components are independent
//! problems, most of them small enough for the greedy check.
struct Matcher::Components {
  std::vector<int> parent;        //!< union-find over sinks
  std::vector<int> of_source;     //!< component (root sink) of each source, -1 without arcs
  std::vector<int> sources;       //!< sources ordered by component
  std::vector<int> source_begin;  //!< per component, range in `sources` (size + 1)
  std::vector<int> arc_begin;     //!< per source, range in `arcs_by_source` (size + 1)
  std::vector<int> arcs_by_source;
  std::vector<int> next, count, root_index;  //!< scratch, kept to save allocations

  int find(int k) {
    while (parent[k] != k) k = parent[k] = parent[parent[k]];
    return k;
  }

  void build(const MatchingProblem& p) {
    const int n_sources = static_cast<int>(p.supply.size());
    parent.resize(p.capacity.size());
    for (std::size_t k = 0; k < parent.size(); ++k) parent[k] = static_cast<int>(k);
    arc_begin.assign(n_sources + 1, 0);
    for (const MatchingArc& a : p.arcs) ++arc_begin[a.source + 1];
    for (int i = 0; i < n_sources; ++i) arc_begin[i + 1] += arc_begin[i];
    arcs_by_source.resize(p.arcs.size());
    next.assign(arc_begin.begin(), arc_begin.end() - 1);
    for (std::size_t a = 0; a < p.arcs.size(); ++a)
      arcs_by_source[next[p.arcs[a].source]++] = static_cast<int>(a);
    for (int i = 0; i < n_sources; ++i)
      for (int j = arc_begin[i] + 1; j < arc_begin[i + 1]; ++j)
        parent[find(p.arcs[arcs_by_source[j]].sink)] = find(p.arcs[arcs_by_source[j - 1]].sink);
    group_sources(p);
  }

  void group_sources(const MatchingProblem& p) {
    const int n_sources = static_cast<int>(p.supply.size());
    count.assign(p.capacity.size() + 1, 0);
    root_index.assign(p.capacity.size(), -1);
    of_source.assign(n_sources, -1);
    int n_components = 0;
    for (int i = 0; i < n_sources; ++i) {
      if (arc_begin[i] == arc_begin[i + 1] || p.supply[i] == 0) continue;
      const int root = find(p.arcs[arcs_by_source[arc_begin[i]]].sink);
      if (root_index[root] < 0) root_index[root] = n_components++;
      of_source[i] = root_index[root];
      ++count[of_source[i] + 1];
    }
    source_begin.assign(count.begin(), count.begin() + n_components + 1);
    for (int c = 0; c < n_components; ++c) source_begin[c + 1] += source_begin[c];
    sources.resize(source_begin.back());
    next.assign(source_begin.begin(), source_begin.end() - 1);
    for (int i = 0; i < n_sources; ++i)
      if (of_source[i] >= 0) sources[next[of_source[i]]++] = i;
  }
};

void Matcher::solve(const MatchingProblem& problem, MatchingSolution& solution) {
  check_problem(problem);
  reset_solution(problem, solution);
  solution.used_solver = false;
  Components& c = *components_;
  c.build(problem);
  for (std::size_t i = 0; i < problem.supply.size(); ++i)
    if (c.of_source[i] < 0) solution.overflow[i] = problem.supply[i];  // nowhere it may go
  for (std::size_t k = 0; k + 1 < c.source_begin.size(); ++k)
    solve_component(problem, c.source_begin[k], c.source_begin[k + 1], solution);
}

//! One component: the greedy check, else the flow problem restricted to it.
void Matcher::solve_component(const MatchingProblem& problem, int begin, int end,
                              MatchingSolution& solution) {
  const Components& c = *components_;
  MatchingProblem& sub = sub_;
  sub.clear();
  sub_arcs_.clear();
  sink_index_.assign(problem.capacity.size(), -1);
  for (int s = begin; s < end; ++s) {
    const int source = c.sources[s];
    sub.supply.push_back(problem.supply[source]);
    for (int j = c.arc_begin[source]; j < c.arc_begin[source + 1]; ++j) {
      const MatchingArc& arc = problem.arcs[c.arcs_by_source[j]];
      int& sink = sink_index_[arc.sink];
      if (sink < 0) {
        sink = static_cast<int>(sub.capacity.size());
        sub.capacity.push_back(problem.capacity[arc.sink]);
      }
      sub.arcs.push_back({s - begin, sink, arc.cost});
      sub_arcs_.push_back(c.arcs_by_source[j]);
    }
  }
  reset_solution(sub, sub_solution_);
  cheapest_arcs(sub, graph_->best);
  if (sub.capacity.size() == 1) {
    solve_single_sink(sub, sink_begin_, order_, sub_solution_);
  } else if (!solve_greedy(sub, graph_->best, graph_->load, sub_solution_)) {
    solve_pruned(sub, sub_solution_);
    solution.used_solver = true;
  }
  for (std::size_t a = 0; a < sub.arcs.size(); ++a)
    solution.flow[sub_arcs_[a]] = sub_solution_.flow[a];
  for (int s = begin; s < end; ++s)
    solution.overflow[c.sources[s]] = sub_solution_.overflow[s - begin];
  solution.cost += sub_solution_.cost;
}

//! The flow problem without the arcs no optimal assignment needs (see needed_arcs), then
//! the greedy check again (pruning often leaves every source its own sink), else the simplex.
void Matcher::solve_pruned(const MatchingProblem& problem, MatchingSolution& solution) {
  needed_arcs(problem, needed_, sink_begin_, order_);
  MatchingProblem& pruned = pruned_;
  pruned.clear();
  pruned.supply = problem.supply;
  pruned.capacity = problem.capacity;
  pruned_arcs_.clear();
  for (std::size_t a = 0; a < problem.arcs.size(); ++a)
    if (needed_[a]) {
      pruned.arcs.push_back(problem.arcs[a]);
      pruned_arcs_.push_back(static_cast<int>(a));
    }
  reset_solution(pruned, pruned_solution_);
  cheapest_arcs(pruned, graph_->best);
  if (!solve_greedy(pruned, graph_->best, graph_->load, pruned_solution_)) {
    reset_solution(pruned, pruned_solution_);
    graph_->run(pruned, pruned_solution_);
  }
  reset_solution(problem, solution);
  for (std::size_t a = 0; a < pruned.arcs.size(); ++a)
    solution.flow[pruned_arcs_[a]] = pruned_solution_.flow[a];
  solution.overflow = pruned_solution_.overflow;
  solution.cost = pruned_solution_.cost;
}

MatchingSolution solve_matching(const MatchingProblem& problem) {
  Matcher matcher;
  MatchingSolution solution;
  matcher.solve(problem, solution);
  return solution;
}

}  // namespace sendcast::sim
