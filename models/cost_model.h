#pragma once
// The High Needs Block cost model: unit costs by placement group x need area, inflation,
// academic to financial year alignment, HNB income and the DSG deficit arithmetic. Everything
// here is plain arithmetic on one run's numbers; sim/cost_observer.h applies it inside each run
// and io/finance_csv.h takes quantiles last.
//
// Financial years. A financial year runs April to March and is named by the calendar year it
// starts in (2025 = 2025-26). The academic year whose January census is year y runs September
// y-1 to August y: its first 7 months (September to March) fall in financial year y-1 and its
// last 5 (April to August) in financial year y. So each January-y census academic year puts
// 7/12 of its cost into financial year (y-1)-y and 5/12 into the next, and financial year y-(y+1)
// is 5/12 of the January-y census year plus 7/12 of the January-(y+1) one, each priced at that
// financial year's prices. A forecast from January `origin` over `horizon` years therefore
// covers financial years origin-(origin+1) to (origin+horizon-1)-(origin+horizon) in full.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/financial_year.h"

#include "io/codes.h"

namespace sendcast::models {

//! DSG management plan categories, in the plan's order (io/codes.h dsg_category()).
constexpr int N_DSG_CATEGORIES = 7;
constexpr std::array<std::string_view, N_DSG_CATEGORIES> DSG_CATEGORY_CODES = {
    "MmSoA", "RPSEN", "MdSSA", "NMISS", "HspAP", "P16FE", "OTHER"};
//! Index into DSG_CATEGORY_CODES of a placement group's category.
int dsg_category_index(Placement p);

//! High-needs spending that does not follow individual children: fixed lines with growth.
enum class FixedLine : int { HospitalEducation, SenSupportServices, Outreach, Therapies };
constexpr int N_FIXED_LINES = 4;
constexpr std::array<std::string_view, N_FIXED_LINES> FIXED_LINE_CODES = {
    "hospital_education", "sen_support_services", "outreach", "therapies"};
std::optional<FixedLine> parse_fixed_line(std::string_view code);
//! Hospital education is reported with AP (HspAP); the other lines under OTHER.
int dsg_category_index(FixedLine line);

//! Cost of one child for one year in a placement group and need area.
struct UnitCost {
  double place_gbp = 0;   //!< place funding (element 1+2), GBP per child per year
  double top_up_gbp = 0;  //!< top-up (element 3), GBP per child per year
  double fee_gbp = 0;     //!< annual fee paid whole by the LA (independent, SPI), GBP per year
  double inflation = 0;   //!< yearly price rise (0.02 = 2%)
  int prices = 0;         //!< financial year the costs are priced in (2025 = 2025-26 prices)
  double annual_gbp() const { return place_gbp + top_up_gbp + fee_gbp; }
};

//! A fixed line: `annual_gbp` in the `prices` year, growing in volume by `growth` a year and in
//! price by `inflation` a year.
struct FixedCost {
  double annual_gbp = 0;  //!< GBP per year
  double growth = 0;      //!< yearly volume growth
  double inflation = 0;   //!< yearly price rise
  int prices = 0;         //!< financial year of `annual_gbp`
};

//! Every unit cost the model uses (io/cost_table.h reads one from a CSV).
struct CostTable {
  std::array<std::array<UnitCost, N_NEED_AREAS>, N_PLACEMENTS> unit{};
  std::array<FixedCost, N_FIXED_LINES> fixed{};
  std::string source;  //!< file the table came from, as shown to users
};

//! (1 + rate)^(financial_year - base): the price (or volume) index of a year against its base.
double growth_factor(double rate, int base, int financial_year);
//! GBP per child for a year in `financial_year`, at that year's prices.
double unit_cost(const CostTable& table, Placement p, NeedArea a, int financial_year);
//! GBP for a fixed line in `financial_year`, volume growth and inflation applied.
double fixed_cost(const CostTable& table, FixedLine line, int financial_year);

//! Share of a January-y census academic year's cost in financial year y-1 (September-March).
constexpr double SHARE_IN_EARLIER_FINANCIAL_YEAR = 7.0 / 12.0;
//! Share in financial year y (April-August).
constexpr double SHARE_IN_LATER_FINANCIAL_YEAR = 5.0 / 12.0;
//! Spend in financial year y-(y+1) from the academic-year costs of the January-y and
//! January-(y+1) census years (both already at financial year y's prices).
double financial_year_spend(double census_y_cost, double census_next_cost);

//! A scenario's change to one row of the unit-cost table: the values given replace the table's
//! for the placement group and need areas named; the others keep the table's.
struct UnitCostOverride {
  Placement placement = Placement::Mainstream;
  std::array<bool, N_NEED_AREAS> need_areas = {true, true, true, true};
  std::optional<double> place_gbp, top_up_gbp, fee_gbp;  //!< GBP per child per year
  std::optional<double> inflation;                       //!< yearly price rise
};
//! Applies overrides in order (a later one wins where two name the same cell).
void apply_overrides(CostTable& table, const std::vector<UnitCostOverride>& overrides);

//! Home-to-school transport for children in specialist placements: a council cost, not a High
//! Needs Block one, so it is reported beside the DSG spend and never enters the deficit. Every
//! default is ILLUSTRATIVE (orders of magnitude from published council transport budgets, not
//! any LA's rates): a child costs `per_child_gbp` a year plus `per_km_gbp` a year for each km of
//! straight-line distance between their township's centre and their provision's township's
//! centre (0 km inside the township); a child in an independent placement is taken to travel
//! `independent_km`.
struct TransportCosts {
  double per_child_gbp = 7000;  //!< GBP per child per year (illustrative)
  double per_km_gbp = 400;      //!< GBP per child per year per km one way (illustrative)
  double independent_km = 20;   //!< km one way to an independent placement (illustrative)
  double inflation = 0.03;      //!< yearly price rise (illustrative)
  int prices = 2025;            //!< financial year the costs are priced in
};
//! Placement groups whose children are carried to school at the council's cost.
constexpr std::array<Placement, 3> TRANSPORT_PLACEMENTS = {
    Placement::ResourcedProvision, Placement::StateSpecial, Placement::IndependentSpecial};
bool transport_eligible(Placement p);
//! GBP for one child-year of transport over `km` in `financial_year`, at that year's prices.
double transport_cost(const TransportCosts& t, double km, int financial_year);

//! One LA's published HNB allocation for one financial year.
struct HnbAllocation {
  int financial_year = 0;
  double gbp = 0;  //!< before deductions for directly funded places
};

//! Finance defaults in one place (the scenario wiring overrides them). Dudley's figures by
//! default: allocations from the ESFA DSG files, and the opening balance from Dudley's scrutiny
//! report of January 2022 (deficit brought forward into 2021-22 £13.609m; forecast cumulative
//! deficit at the end of 2021-22 £21.657m, so an in-year gap of £8.048m).
struct FinanceAssumptions {
  //! Files inside the data directory (io::data_file; an absolute path is taken as it is).
  std::string cost_table_file = "finance/unit_costs_illustrative.csv";
  std::string allocations_file = "finance/hnb_allocations_blackcountry_2020-21_to_2023-24.csv";
  //! Yearly growth of the HNB allocation after the last published year.
  double income_growth = 0.05;
  //! Financial year the opening balance is brought forward into (2021 = 2021-22).
  int opening_year = 2021;
  double opening_deficit_gbp = 13.609e6;  //!< cumulative deficit at the start of opening_year
  //! In-year gaps (spend minus income, GBP) known for financial years before the simulation.
  //! Unlisted years before the first simulated one repeat the latest listed gap before them.
  std::vector<std::pair<int, double>> known_gaps = {{2021, 21.657e6 - 13.609e6}};
  double deficit_threshold_gbp = 0;          //!< reported: probability the deficit exceeds this
  std::vector<UnitCostOverride> unit_costs;  //!< applied to the cost table, in order
  TransportCosts transport;
};

//! HNB income in `financial_year`: the published allocation, or the last published one grown
//! by `growth` a year after it. Throws InputError for a year before the first published one
//! or when nothing is published.
double hnb_income(const std::vector<HnbAllocation>& published, double growth, int financial_year);

//! Cumulative deficit at the start of `first_year` (the first simulated financial year): the
//! opening balance plus the known (or carried) gaps of the years between. Throws InputError
//! when the opening year is after `first_year`, or a bridging year has no gap before it.
double opening_balance(const FinanceAssumptions& a, int first_year);

//! Cumulative deficit at the end of each year: opening + running sum of (spend - income).
std::vector<double> cumulative_deficit(double opening, const std::vector<double>& spend,
                                       const std::vector<double>& income);

//! Index of the year the cumulative deficit is largest (the first such year). -1 if empty.
int peak_index(const std::vector<double>& cumulative);

}  // namespace sendcast::models
