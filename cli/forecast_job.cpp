#include "cli/forecast_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <future>
#include <iostream>

#include "cli/progress.h"
#include "io/capacity_register.h"
#include "io/cost_table.h"
#include "io/data_dir.h"
#include "io/full_state_h5.h"
#include "io/hash.h"
#include "io/township.h"
#include "io/township_distances.h"
#include "models/calibration.h"
#include "scenarios/capacity_plan.h"
#include "scenarios/levers.h"
#include "sendcast_version.h"
#include "sim/demand_simulator.h"

namespace sendcast::cli {

namespace {

void add_input(io::Provenance& p, const std::filesystem::path& file) {
  p.inputs.push_back({io::display_path(file), io::file_hash(file)});
}

//! A register is reported as illustrative when its file name says so, as the shipped one does.
bool is_illustrative(const std::filesystem::path& file) {
  return file.filename().string().find("illustrative") != std::string::npos;
}

std::string capacity_note(const std::string& file, bool illustrative) {
  if (!illustrative) return "Capacities: specialist places from the register " + file + ".";
  return "Illustrative capacities: " + file +
         " lists invented provisions with generic names, their places chosen to match the "
         "January 2025 SEN2 counts in total; they are not real schools. Replace them with your "
         "own register (format in data/capacity/README.md) via [capacity] register in the "
         "scenario.";
}

//! The register and township distances read against the calibrated townships, and the
//! scenario's capacity timeline.
SufficiencyJob prepare_sufficiency(const scenarios::Scenario& scenario,
                                   const models::ModelParameters& m) {
  SufficiencyJob s;
  const auto& file = scenario.capacity.register_file;
  const io::CapacityRegister reg = io::read_capacity_register(file, m.townships);
  const io::TownshipDistances distances =
      scenario.townships.centres_file.empty()
          ? io::zero_distances(m.townships)
          : io::read_township_distances(scenario.townships.centres_file, m.townships);
  s.model = std::make_shared<const sim::SufficiencyModel>(
      scenarios::capacity_plan(scenario, reg, distances, m.origin, scenario.years));
  s.register_file = io::display_path(file);
  s.illustrative = is_illustrative(file);
  s.note = capacity_note(s.register_file, s.illustrative);
  return s;
}

//! Unit costs, HNB income and the opening deficit for the financial years the forecast covers;
//! nullopt when the allocations file has no rows for the LA (it covers the Black Country).
std::optional<FinanceJob> prepare_finance(const scenarios::Scenario& scenario,
                                          const models::ModelParameters& m,
                                          const std::filesystem::path& data_dir, int years) {
  FinanceJob f;
  f.assumptions = scenario.finance;
  const models::FinanceAssumptions& a = f.assumptions;
  const auto table_file = io::data_file(data_dir, a.cost_table_file);
  f.cost_table_file = io::display_path(table_file);
  f.illustrative = is_illustrative(table_file);
  models::CostTable table = io::read_cost_table(table_file);
  models::apply_overrides(table, a.unit_costs);
  f.model = std::make_shared<const sim::CostModel>(std::move(table), m.origin, years, a.transport);
  const auto allocations_file = io::data_file(data_dir, a.allocations_file);
  f.allocations_file = io::display_path(allocations_file);
  const auto allocations = io::read_hnb_allocations(allocations_file, m.la_name);
  // No finance without an allocation for every simulated year, nor before the opening deficit
  // is known: a forecast from an earlier census is still a caseload forecast.
  const bool covered = std::any_of(allocations.begin(), allocations.end(),
                                   [&](const auto& a) { return a.financial_year <= m.origin; });
  if (!covered || m.origin < a.opening_year) return std::nullopt;
  for (int y = 0; y < years; ++y)
    f.income.push_back(models::hnb_income(allocations, a.income_growth, m.origin + y));
  for (const auto& published : allocations)
    f.last_published_year = std::max(f.last_published_year, published.financial_year);
  f.opening_balance = models::opening_balance(a, m.origin);
  return f;
}

void run_simulation(ForecastJob& job, const ForecastOptions& options) {
  const auto& scenario = job.scenario;
  const sim::DemandSimulator simulator(
      job.parameters, scenarios::demand_levers(scenario, job.parameters.origin, scenario.years),
      scenario.years, scenario.seed);
  sim::ObserverFactory observers;
  if (job.sufficiency) {
    job.sufficiency->results = job.sufficiency->model->make_results(scenario.runs);
    observers = job.sufficiency->model->observers(job.sufficiency->results);
  }
  std::optional<sim::CostModel> costs;  // linked to this simulation's sufficiency results
  if (job.finance) {
    costs.emplace(*job.finance->model);
    if (job.sufficiency) costs->use_sufficiency(*job.sufficiency->model, job.sufficiency->results);
    job.finance->results = costs->make_results(scenario.runs);
    observers = sim::combine_observers({observers, costs->observers(job.finance->results)});
  }
  const auto start = std::chrono::steady_clock::now();
  ProgressLine line("runs", options.progress);
  sim::Progress progress;
  if (options.progress) progress = [&line](int done, int total) { line.update(done, total); };
  std::unique_ptr<io::FullStateWriter> full;
  if (!options.full_state_file.empty()) {
    full = std::make_unique<io::FullStateWriter>(options.full_state_file, scenario.runs,
                                                 simulator.years(), job.parameters.origin,
                                                 job.parameters.townships);
    observers = sim::combine_observers({observers, full->observers()});
  }
  sim::RunSplit split;
  if (options.cluster) split = {options.cluster->rank(), options.cluster->size()};
  job.results =
      sim::run_monte_carlo(simulator, scenario.runs, options.threads, progress, observers, split);
  line.finish();
  if (full) full->close();
  if (options.cluster && options.cluster->size() > 1) {
    // Each rank filled its own runs' rows and left the rest zero: sums are exact.
    const sim::Cluster& c = *options.cluster;
    c.sum_to_root(job.results.data);
    const auto sum = [&c](auto& values) { c.sum_to_root(values); };
    if (job.sufficiency) job.sufficiency->results.for_each_per_run_array(sum);
    if (job.finance) job.finance->results.for_each_per_run_array(sum);
  }
  job.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void record_inputs(ForecastJob& job, const ForecastOptions& options) {
  const auto& scenario = job.scenario;
  io::Provenance& p = job.provenance;
  p.sendcast_version = SENDCAST_VERSION;
  p.git_sha = SENDCAST_GIT_SHA;
  p.timestamp = io::utc_timestamp();
  p.seed = scenario.seed;
  p.runs = scenario.runs;
  p.horizon = scenario.years;
  p.scenario_name = scenario.name;
  p.scenario_file = scenario.file.empty() ? "" : io::display_path(scenario.file);
  p.scenario_hash = scenario.hash;
  p.scenario_text = scenario.source_text;
  p.command_line = options.command_line;
  for (const char* f :
       {"sen2/release-2025/caseload.csv", "sen2/release-2025/sen_needs_all_plans.csv",
        "sen2/release-2025/newplans.csv", "sen2/release-2025/sen_need_newplans.csv",
        "sen2/release-2025/ceased_plans.csv", "sen2/release-2025/requests.csv",
        "sen2/release-2022/sen2_age_caseload.csv", "sen2/release-2022/sen2_age_new_plans.csv",
        "sen2/release-2022/sen2_mi.csv"})
    add_input(p, io::data_file(job.data_dir, f));
  for (const auto& f : job.population_sources) p.inputs.push_back({f, io::file_hash(f)});
  if (!scenario.townships.split_file.empty()) add_input(p, scenario.townships.split_file);
  if (job.sufficiency) {
    add_input(p, scenario.capacity.register_file);
    if (!scenario.townships.centres_file.empty()) add_input(p, scenario.townships.centres_file);
  }
  if (job.finance) {
    const models::FinanceAssumptions& a = job.finance->assumptions;
    add_input(p, io::data_file(job.data_dir, a.cost_table_file));
    add_input(p, io::data_file(job.data_dir, a.allocations_file));
  }
}

void add_demand_assumptions(ForecastJob& job) {
  const auto& m = job.parameters;
  auto& a = job.provenance.assumptions;
  a.push_back("Real data: DfE SEN2 caseload and flows for " + m.la_name + " to January " +
              std::to_string(m.origin) + " (2022 and 2025 releases).");
  a.push_back(m.population_known
                  ? "Population: ONS 2022-based SNPP (" + job.history.population_source + ")."
                  : "Population: none for this LA; joiners are modelled as counts.");
  if (m.townships.size() > 1)
    a.push_back("Illustrative: township split by " + m.township_method +
                "; replace with a township,share file in the scenario.");
  for (const auto& w : m.data_warnings) a.push_back("Data: " + w + ".");
  if (!m.needs_known) a.push_back("No need breakdown published at the origin: needs not modelled.");
  if (!m.placements_known)
    a.push_back("No placement breakdown published at the origin: placements not modelled.");
  if (!m.transitions_known)
    a.push_back("No age x placement history: placements persist on ageing.");
  if (!m.leaver_ages_known)
    a.push_back(
        "No ceased plans by age before the origin: leaving is carried by the calibrated net flow "
        "by age band.");
}

void add_sufficiency_assumptions(ForecastJob& job) {
  const SufficiencyJob& s = *job.sufficiency;
  const sim::SufficiencySetup& setup = s.model->setup();
  auto& a = job.provenance.assumptions;
  a.push_back(s.note);
  const auto& centres = job.scenario.townships.centres_file;
  a.push_back(centres.empty()
                  ? "No township centres given: the matching ignores travel between townships."
                  : "Approximate: travel between townships is the straight-line (haversine) "
                    "distance between approximate town-centre coordinates (" +
                        io::display_path(centres) + ").");
  const bool to_independent = setup.overflow == sim::OverflowMode::Independent;
  a.push_back(std::string("Sufficiency: each year pupils keep their place while their age is in "
                          "the provision's range; new demand fills vacancies by a minimum-cost "
                          "flow (travel, then designation fit); children without a suitable "
                          "place ") +
              (to_independent ? "go to independent / non-maintained special schools and stay."
                              : "wait (awaiting placement) and are matched again each year."));
  for (int g = 0; g < sim::N_MATCHED; ++g)
    if (!s.model->matched(g))
      a.push_back("Not matched: " + std::string(sim::matched_code(g)) +
                  " demand (the register has no provision of that type).");
  if (setup.divert_to_resourced_provision > 0)
    a.push_back(
        "Policy: " + std::to_string(std::lround(setup.divert_to_resourced_provision * 100)) +
        "% of new state-special demand is offered resourced provision first where the "
        "designation and ages fit.");
}

void add_finance_assumptions(ForecastJob& job) {
  const FinanceJob& f = *job.finance;
  const models::FinanceAssumptions& a = f.assumptions;
  auto& out = job.provenance.assumptions;
  out.push_back(
      std::string(f.illustrative ? "Illustrative: " : "Costs: ") + "unit costs from " +
      f.cost_table_file +
      (f.illustrative ? " (defaults from published ranges, not the LA's own rates)" : "") +
      "; each child in the January census is costed for that academic year by placement group "
      "x need area, and financial year y-(y+1) takes 5/12 of the January-y census year and 7/12 "
      "of the January-(y+1) one (7/12 of each academic year falls in the financial year before "
      "its census, 5/12 in the one after). Prices inflate per line from the table's base year.");
  const models::FinanceAssumptions defaults;
  const bool dudley_opening = a.opening_year == defaults.opening_year &&
                              a.opening_deficit_gbp == defaults.opening_deficit_gbp;
  std::string gaps;
  for (const auto& [year, gap] : a.known_gaps)
    gaps += (gaps.empty() ? "" : ", ") + models::financial_year_label(year) + " " +
            io::format_gbp_millions(gap);
  const bool dudley_gaps = a.known_gaps == defaults.known_gaps;
  out.push_back(
      "Finance: HNB income from " + f.allocations_file + " (published to " +
      models::financial_year_label(f.last_published_year) + ", then " +
      (a.income_growth >= 0 ? "+" : "") + std::to_string(std::lround(a.income_growth * 100)) +
      "% a year); cumulative DSG deficit from " + io::format_gbp_millions(a.opening_deficit_gbp) +
      " brought forward into " + models::financial_year_label(a.opening_year) +
      (dudley_opening ? " (Dudley scrutiny report, January 2022)" : " (set by the scenario)") +
      "; approximate: financial years before " +
      models::financial_year_label(job.parameters.origin) +
      " without a known in-year gap repeat the latest one before them (" +
      (gaps.empty() ? std::string("none given") : gaps) +
      (dudley_gaps ? ": the 2021-22 forecast" : "") + ").");
  if (!a.unit_costs.empty())
    out.push_back("Costs: " + std::to_string(a.unit_costs.size()) +
                  " unit-cost line(s) set by the scenario's [[finance.unit_cost]].");
  if (job.sufficiency)
    out.push_back(
        "Costs with the capacity register: every open place of a register provision is paid its "
        "place funding, filled or vacant, and every pupil on roll its top-up (the register's "
        "place_funding and top_up, else the cost table's); children without a suitable place "
        "are costed as " +
        std::string(job.sufficiency->model->setup().overflow == sim::OverflowMode::Independent
                        ? "independent special placements."
                        : "\"elsewhere\" while they wait."));
  const models::TransportCosts& t = a.transport;
  out.push_back(
      "Illustrative: home-to-school transport (a council cost, not HNB, outside the "
      "deficit) for children in resourced provision, state and independent special "
      "schools at \u00a3" +
      std::to_string(std::lround(t.per_child_gbp)) + " a child a year plus \u00a3" +
      std::to_string(std::lround(t.per_km_gbp)) +
      " per km between township centres (independent placements: " +
      std::to_string(std::lround(t.independent_km)) + " km), " +
      models::financial_year_label(t.prices) + " prices; set them in [finance.transport].");
}

}  // namespace

ForecastJob prepare_forecast(const scenarios::Scenario& scenario, const ForecastOptions& options) {
  ForecastJob job;
  job.scenario = scenario;
  io::DataContext data = io::load_data_context(options.data_dir);
  if (!scenario.population.files.empty())
    data.population = io::read_snpp(scenario.population.files);
  const io::Area& area = io::find_area(data.tables.areas, scenario.la);
  job.history = io::build_la_history(data.tables, area, &data.population);
  const io::LaHistory england =
      io::build_la_history(data.tables, io::find_area(data.tables.areas, "England"));

  models::CalibrationOptions calibration;
  calibration.origin = scenario.start_year;
  calibration.horizon = scenario.years;
  calibration.trend = scenarios::trend_spec(scenario);
  calibration.use_population = scenario.population.use;
  if (!scenario.townships.split_file.empty())
    calibration.townships = io::read_township_split(scenario.townships.split_file);
  job.parameters = models::calibrate(job.history, england, calibration);
  job.data_dir = data.data_dir;
  job.population_sources = data.population.sources;
  job.data = std::make_shared<const io::DataContext>(std::move(data));
  return job;
}

namespace {

//! The summaries of every layer: what a person reads; quantiles of per-run roll-ups.
void summarise_job(ForecastJob& job, const ForecastOptions& options) {
  job.summary = io::summarise_forecast(job.results, job.parameters, job.history, options.threads);
  if (job.sufficiency)
    job.sufficiency->summary = io::summarise_sufficiency(
        job.sufficiency->results, job.sufficiency->model->setup(), job.results, options.threads);
  if (job.finance) {
    FinanceJob& f = *job.finance;
    f.summary = io::summarise_finance(f.results, f.income, f.opening_balance,
                                      f.assumptions.deficit_threshold_gbp, f.illustrative);
  }
}

}  // namespace

void simulate_forecast(ForecastJob& job, const ForecastOptions& options, bool summarise) {
  const scenarios::Scenario& scenario = job.scenario;
  job.sufficiency.reset();
  if (!scenario.capacity.register_file.empty())
    job.sufficiency = prepare_sufficiency(scenario, job.parameters);
  job.finance = prepare_finance(scenario, job.parameters, job.data_dir, scenario.years);

  run_simulation(job, options);
  if (!summarise || (options.cluster && !options.cluster->root())) return;
  summarise_job(job, options);
}

void PhaseTimes::lap(std::string phase) {
  const auto now = std::chrono::steady_clock::now();
  phases_.emplace_back(std::move(phase), std::chrono::duration<double>(now - last_).count());
  last_ = now;
}

void PhaseTimes::print(std::ostream& out) const {
  double total = 0;
  const auto line = [&out](const std::string& name, double seconds) {
    char text[128];
    std::snprintf(text, sizeof text, "  %-34s %7.2f\n", name.c_str(), seconds);
    out << text;
  };
  for (const auto& [name, seconds] : phases_) {
    line(name, seconds);
    total += seconds;
  }
  line("total", total);
}

ForecastJob run_forecast(const scenarios::Scenario& scenario, const ForecastOptions& options) {
  PhaseTimes timings;
  ForecastJob job = prepare_forecast(scenario, options);
  timings.lap("data and calibration");
  simulate_forecast(job, options, false);
  timings.lap("simulation");
  record_inputs(job, options);
  add_demand_assumptions(job);
  if (job.sufficiency) add_sufficiency_assumptions(job);
  if (job.finance) add_finance_assumptions(job);
  if (options.cluster && !options.cluster->root()) return job;
  std::future<void> writing;
  if (options.while_summarising)
    writing = std::async(std::launch::async, [&] { options.while_summarising(job); });
  summarise_job(job, options);  // on an exception, `writing` still finishes before unwinding
  timings.lap("summaries");
  if (writing.valid()) writing.get();
  timings.lap("results.h5, after the summaries");
  job.timings = std::move(timings);
  return job;
}

}  // namespace sendcast::cli
