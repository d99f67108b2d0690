#pragma once
// The assignment at the heart of the sufficiency matching: a transportation problem from
// sources (groups of children with the same township, needs and ages, who can go to the same
// provisions) to sinks (provisions with vacancies), solved as a minimum-cost flow with LEMON's
// network simplex (Kovacs 2015, "Minimum-cost flow algorithms: an experimental evaluation").
// Children who cannot be placed overflow. The overflow cost is set above any chain of
// placements, so the solution places as many children as possible and, among those
// assignments, has the least total cost (distance and designation fit).
#include <cstdint>
#include <memory>
#include <vector>

namespace sendcast::sim {

struct MatchingArc {
  int source = 0;
  int sink = 0;
  std::int64_t cost = 0;  //!< >= 0
};

struct MatchingProblem {
  std::vector<std::int32_t> supply;    //!< children per source, >= 0
  std::vector<std::int32_t> capacity;  //!< vacancies per sink, >= 0
  std::vector<MatchingArc> arcs;       //!< allowed placements; no arc = never placed there
  void clear() {
    supply.clear();
    capacity.clear();
    arcs.clear();
  }
};

struct MatchingSolution {
  std::vector<std::int32_t> flow;      //!< children per arc
  std::vector<std::int32_t> overflow;  //!< children per source left unplaced
  std::int64_t cost = 0;               //!< total cost of the placements (overflow excluded)
  bool used_solver = false;            //!< true when some component needed the flow solver
};

//! An arc's sort key, copied out of the problem so that sorting compares values in place
//! rather than chasing indices; the arc index breaks exact ties, so the order is total.
struct MatchingArcKey {
  int sink = 0;
  int source = 0;
  std::int64_t cost = 0;
  int arc = 0;  //!< index in MatchingProblem::arcs
};

//! Reusable solver: keeps its graph's memory between calls (one per thread).
class Matcher {
 public:
  Matcher();
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  //! Solves `problem` into `solution`, one connected component (sinks linked by sources that
  //! can reach both) at a time. Where every source of a component can take its cheapest arc
  //! without a sink running out of room, that is optimal and no flow problem is built.
  void solve(const MatchingProblem& problem, MatchingSolution& solution);

 private:
  struct Graph;
  struct Components;
  void solve_component(const MatchingProblem& problem, int begin, int end,
                       MatchingSolution& solution);
  void solve_pruned(const MatchingProblem& problem, MatchingSolution& solution);
  std::unique_ptr<Graph> graph_;
  std::unique_ptr<Components> components_;
  MatchingProblem sub_;
  MatchingSolution sub_solution_;
  std::vector<int> sub_arcs_;    //!< problem arc of each arc of sub_
  std::vector<int> sink_index_;  //!< sub_ sink of each problem sink, -1 if not in sub_
  MatchingProblem pruned_;
  MatchingSolution pruned_solution_;
  std::vector<int> pruned_arcs_;  //!< sub_ arc of each arc of pruned_
  std::vector<char> needed_;
  std::vector<MatchingArcKey> order_;  //!< arcs by sink, cost, source
  std::vector<int> sink_begin_;        //!< scratch of the sort by sink
};

//! One-off convenience for tests and small problems.
MatchingSolution solve_matching(const MatchingProblem& problem);

}  // namespace sendcast::sim
