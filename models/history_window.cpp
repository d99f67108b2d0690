#include "models/history_window.h"

namespace sendcast::models {

namespace {

template <typename Map>
void keep_up_to(Map& m, int last) {
  m.erase(m.upper_bound(last), m.end());
}

}  // namespace

io::LaHistory history_as_of(const io::LaHistory& h, int origin) {
  io::LaHistory out = h;
  keep_up_to(out.caseload, origin);
  keep_up_to(out.caseload_by_band, origin);
  keep_up_to(out.caseload_by_age, origin);
  keep_up_to(out.caseload_by_column, origin);
  keep_up_to(out.caseload_by_placement, origin);
  keep_up_to(out.caseload_by_need, origin);
  keep_up_to(out.caseload_need_unknown, origin);
  keep_up_to(out.caseload_need_by_age, origin);
  keep_up_to(out.caseload_need_by_placement, origin);
  const int last_flow = origin - 1;
  keep_up_to(out.new_plans, last_flow);
  keep_up_to(out.new_plans_by_band, last_flow);
  keep_up_to(out.new_plans_by_age, last_flow);
  keep_up_to(out.new_plans_by_placement, last_flow);
  keep_up_to(out.new_plans_by_need, last_flow);
  keep_up_to(out.new_plans_need_by_age, last_flow);
  keep_up_to(out.new_plans_need_by_placement, last_flow);
  keep_up_to(out.ceased, last_flow);
  keep_up_to(out.requests, last_flow);
  return out;
}

}  // namespace sendcast::models
