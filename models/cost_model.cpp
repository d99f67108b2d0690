#include "models/cost_model.h"

#include <algorithm>
#include <cmath>

#include "io/error.h"

namespace sendcast::models {

namespace {
const Location FINANCE{"finance assumptions", 0};
}  // namespace

int dsg_category_index(Placement p) {
  const std::string_view code = dsg_category(p);
  const auto it = std::find(DSG_CATEGORY_CODES.begin(), DSG_CATEGORY_CODES.end(), code);
  return static_cast<int>(it - DSG_CATEGORY_CODES.begin());
}

std::optional<FixedLine> parse_fixed_line(std::string_view code) {
  for (int i = 0; i < N_FIXED_LINES; ++i)
    if (FIXED_LINE_CODES[i] == code) return static_cast<FixedLine>(i);
  return std::nullopt;
}

int dsg_category_index(FixedLine line) {
  return line == FixedLine::HospitalEducation ? 4 : 6;  // HspAP, OTHER
}

double growth_factor(double rate, int base, int financial_year) {
  return std::pow(1.0 + rate, financial_year - base);
}

double unit_cost(const CostTable& table, Placement p, NeedArea a, int financial_year) {
  const UnitCost& u = table.unit[static_cast<int>(p)][static_cast<int>(a)];
  return u.annual_gbp() * growth_factor(u.inflation, u.prices, financial_year);
}

double fixed_cost(const CostTable& table, FixedLine line, int financial_year) {
  const FixedCost& f = table.fixed[static_cast<int>(line)];
  return f.annual_gbp * growth_factor(f.growth, f.prices, financial_year) *
         growth_factor(f.inflation, f.prices, financial_year);
}

void apply_overrides(CostTable& table, const std::vector<UnitCostOverride>& overrides) {
  for (const UnitCostOverride& o : overrides)
    for (int a = 0; a < N_NEED_AREAS; ++a) {
      if (!o.need_areas[a]) continue;
      UnitCost& u = table.unit[static_cast<int>(o.placement)][a];
      if (o.place_gbp) u.place_gbp = *o.place_gbp;
      if (o.top_up_gbp) u.top_up_gbp = *o.top_up_gbp;
      if (o.fee_gbp) u.fee_gbp = *o.fee_gbp;
      if (o.inflation) u.inflation = *o.inflation;
    }
}

bool transport_eligible(Placement p) {
  return std::find(TRANSPORT_PLACEMENTS.begin(), TRANSPORT_PLACEMENTS.end(), p) !=
         TRANSPORT_PLACEMENTS.end();
}

double transport_cost(const TransportCosts& t, double km, int financial_year) {
  return (t.per_child_gbp + t.per_km_gbp * km) *
         growth_factor(t.inflation, t.prices, financial_year);
}

double financial_year_spend(double census_y_cost, double census_next_cost) {
  return SHARE_IN_LATER_FINANCIAL_YEAR * census_y_cost +
         SHARE_IN_EARLIER_FINANCIAL_YEAR * census_next_cost;
}

double hnb_income(const std::vector<HnbAllocation>& published, double growth, int financial_year) {
  if (published.empty()) throw InputError(FINANCE, "no published HNB allocation for the LA");
  const auto by_year = [](const HnbAllocation& a, const HnbAllocation& b) {
    return a.financial_year < b.financial_year;
  };
  const auto [first, last] = std::minmax_element(published.begin(), published.end(), by_year);
  if (financial_year < first->financial_year)
    throw InputError(FINANCE, "no HNB allocation before " +
                                  financial_year_label(first->financial_year) + " (asked for " +
                                  financial_year_label(financial_year) + ")");
  for (const HnbAllocation& a : published)
    if (a.financial_year == financial_year) return a.gbp;
  return last->gbp * growth_factor(growth, last->financial_year, financial_year);
}

namespace {

//! The gap listed for `year`, else the latest listed before it.
std::optional<double> bridging_gap(const FinanceAssumptions& a, int year) {
  std::optional<std::pair<int, double>> best;
  for (const auto& g : a.known_gaps)
    if (g.first <= year && (!best || g.first > best->first)) best = g;
  if (!best) return std::nullopt;
  return best->second;
}

}  // namespace

double opening_balance(const FinanceAssumptions& a, int first_year) {
  check(a.opening_year <= first_year, FINANCE, "opening_year",
        "the opening deficit is brought forward into " + financial_year_label(a.opening_year) +
            ", after the first simulated financial year " + financial_year_label(first_year));
  double balance = a.opening_deficit_gbp;
  for (int year = a.opening_year; year < first_year; ++year) {
    const std::optional<double> gap = bridging_gap(a, year);
    check(gap.has_value(), FINANCE, "known_gaps",
          "no in-year gap for " + financial_year_label(year) +
              ", between the opening balance and the first simulated year");
    balance += *gap;
  }
  return balance;
}

std::vector<double> cumulative_deficit(double opening, const std::vector<double>& spend,
                                       const std::vector<double>& income) {
  std::vector<double> out(spend.size());
  double balance = opening;
  for (std::size_t i = 0; i < spend.size(); ++i) {
    balance += spend[i] - income[i];
    out[i] = balance;
  }
  return out;
}

int peak_index(const std::vector<double>& cumulative) {
  if (cumulative.empty()) return -1;
  return static_cast<int>(std::max_element(cumulative.begin(), cumulative.end()) -
                          cumulative.begin());
}

}  // namespace sendcast::models
