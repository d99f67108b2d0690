// `sendcast report`: rebuilds report.html and workbook.xlsx from a results.h5, recomputing every
// summary from the per-run arrays; with a second results file, adds the scenario comparison
// (per-run differences B - A, then quantiles).
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "cli/backtest_job.h"
#include "cli/benchmark_table.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "io/csv.h"
#include "io/data_context.h"
#include "io/data_dir.h"
#include "io/error.h"
#include "io/forecast_summary.h"
#include "io/hash.h"
#include "io/report_html.h"
#include "io/results_h5.h"
#include "io/sufficiency_summary.h"
#include "io/workbook_xlsx.h"
#include "sim/quantiles.h"

namespace sendcast::cli {

namespace {

namespace fs = std::filesystem;

//! One results file read back: its per-run roll-ups and everything the report needs.
struct StoredForecast {
  fs::path file;
  sim::RunResults results;
  io::SufficiencySection sufficiency;
  io::FinanceSection finance;
  io::ReportInput input;
};

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \n") - first + 1);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!trimmed(line).empty()) out.push_back(trimmed(line));
  return out;
}

//! The per-run roll-ups in the layout this version of sendcast writes.
sim::RunResults read_results(const fs::path& file) {
  sim::RunResults r;
  r.layout = sim::RollupLayout(io::read_breakdown_h5(file, "township").labels);
  const auto total = io::read_breakdown_h5(file, "total");
  check(!total.census_years.empty(), {file.string()}, "years", "no forecast years stored");
  r.runs = total.runs, r.years = total.years, r.first_year = total.census_years.front();
  const std::size_t columns = r.layout.columns();
  r.data.assign(static_cast<std::size_t>(r.runs) * r.years * columns, 0);
  for (const auto& b : r.layout.breakdowns()) {
    const auto stored = b.name == "total" ? total : io::read_breakdown_h5(file, b.name);
    check(stored.labels == b.categories && stored.runs == r.runs && stored.years == r.years,
          {file.string()}, "/rollups/" + b.name,
          "categories or dimensions differ from what this sendcast writes; re-run the forecast");
    const std::size_t k = b.categories.size();
    for (std::size_t ry = 0; ry < static_cast<std::size_t>(r.runs) * r.years; ++ry)
      std::copy_n(stored.counts.begin() + ry * k, k, r.data.begin() + ry * columns + b.offset);
  }
  return r;
}

io::Provenance read_provenance(const fs::path& file, const sim::RunResults& r) {
  auto attribute = [&](const char* name) { return trimmed(io::read_attribute_h5(file, name)); };
  io::Provenance p;
  p.format_version = attribute("format_version");
  p.sendcast_version = attribute("sendcast_version");
  p.git_sha = attribute("git_sha");
  p.timestamp = attribute("timestamp");
  const std::string seed = attribute("seed");
  check(!seed.empty() && seed.find_first_not_of("0123456789") == std::string::npos, {file.string()},
        "seed", "missing or not a number: " + in_quotes(seed));
  p.seed = std::stoull(seed);
  p.runs = r.runs;
  p.horizon = r.years - 1;
  p.scenario_name = attribute("scenario_name");
  p.scenario_file = attribute("scenario_file");
  p.scenario_hash = attribute("scenario_hash");
  p.scenario_text = trimmed(io::read_attribute_h5(file, "scenario_text"));
  p.command_line = attribute("command_line");
  for (const auto& line : lines_of(attribute("input_hashes"))) {
    const auto space = line.rfind(' ');
    if (space != std::string::npos)
      p.inputs.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  p.assumptions = lines_of(attribute("assumptions"));
  return p;
}

//! What the report needs of the fitted parameters, from the published data as calibrate() saw
//! them at the origin (models/calibration.cpp: which breakdowns the data allowed).
models::ModelParameters stored_parameters(const io::LaHistory& h, const sim::RunResults& r) {
  models::ModelParameters p;
  p.la_code = h.area.code;
  p.la_name = h.area.name;
  p.origin = r.first_year;
  const int o = p.origin;
  const auto ages = h.caseload_by_age.find(o);
  p.ages_known = ages != h.caseload_by_age.end() && !ages->second.empty();
  p.placements_known = h.caseload_by_placement.count(o) > 0;
  const auto needs = h.caseload_need_by_age.find(o);
  p.needs_known = needs != h.caseload_need_by_age.end() && !needs->second.empty();
  p.townships = r.layout.find("township").categories;
  return p;
}

// ---------------------------------------------------------------- sufficiency

//! Per-run sums of a runs x years x cells array at one year, one column per key.
Eigen::ArrayXXd sum_cells(const std::vector<std::int32_t>& values, const io::StoredSufficiency& s,
                          int year, const std::vector<int>& key_of_cell, int keys) {
  Eigen::ArrayXXd out = Eigen::ArrayXXd::Zero(s.runs, keys);
  for (int run = 0; run < s.runs; ++run) {
    const std::int32_t* row =
        values.data() + (static_cast<std::size_t>(run) * s.years + year) * s.cells;
    for (int c = 0; c < s.cells; ++c)
      if (key_of_cell[c] >= 0) out(run, key_of_cell[c]) += row[c];
  }
  return out;
}

//! Cells grouped by a key made of their labels ("group|phase|need_area|township"); -1 = left out.
struct CellKeys {
  std::vector<std::string> names;  //!< "group|label"
  std::vector<int> of_cell;
};

CellKeys cell_keys(const io::StoredSufficiency& s, int part, const std::set<std::string>& groups) {
  CellKeys k;
  for (const auto& label : s.categories) {
    std::vector<std::string> parts;
    std::istringstream in(label);
    for (std::string p; std::getline(in, p, '|');) parts.push_back(p);
    const std::string name = parts.size() == 4 ? parts[0] + "|" + parts[part] : "";
    const auto it = std::find(k.names.begin(), k.names.end(), name);
    if (name.empty() || !groups.count(parts[0])) {
      k.of_cell.push_back(-1);
    } else {
      k.of_cell.push_back(static_cast<int>(it - k.names.begin()));
      if (it == k.names.end()) k.names.push_back(name);
    }
  }
  return k;
}

//! Groups the matching placed or overflowed anyone in (placed is demand minus overflow, so
//! the groups with demand): those the register serves.
std::set<std::string> matched_groups(const io::StoredSufficiency& s) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < s.demand.size(); ++i)
    if (s.demand[i] > 0) {
      const auto& label = s.categories[i % s.cells];
      out.insert(label.substr(0, label.find('|')));
    }
  return out;
}

io::PlaceRow place_row(int year, const std::string& key, const sim::Summary& demand,
                       const Eigen::ArrayXd& overflow) {
  const std::vector<double> o(overflow.begin(), overflow.end());
  io::PlaceRow p;
  p.year = year, p.provision = key.substr(0, key.find('|')),
  p.group = key.substr(key.find('|') + 1);
  p.demand = demand;
  p.needed50 = sim::quantile(o, 0.5), p.needed80 = sim::quantile(o, 0.8);
  p.needed90 = sim::quantile(o, 0.9), p.p_overflow = sim::probability_above(overflow, 0);
  return p;
}

//! Places needed by group x `part` (2: need area, 1: phase) in year index `y`.
void place_rows(const io::StoredSufficiency& s, const CellKeys& k, int y,
                std::vector<io::PlaceRow>& out, bool scap) {
  const Eigen::ArrayXXd demand = sum_cells(s.demand, s, y, k.of_cell, k.names.size());
  const Eigen::ArrayXXd overflow = sum_cells(s.overflow, s, y, k.of_cell, k.names.size());
  const auto summaries = sim::summarise(demand);
  for (std::size_t i = 0; i < k.names.size(); ++i) {
    const std::string phase = k.names[i].substr(k.names[i].find('|') + 1);
    const bool due = (phase == "primary" && y == io::SCAP_PRIMARY_YEARS) ||
                     (phase == "secondary" && y == io::SCAP_SECONDARY_YEARS);
    if (summaries[i].mean > 0 && (!scap || due))
      out.push_back(place_row(s.census_years[y], k.names[i], summaries[i], overflow.col(i)));
  }
}

//! Overflow fans (all, then by group) and every independent placement, per run.
void overflow_rows(const io::StoredSufficiency& s, const CellKeys& groups,
                   const sim::RunResults& demand, int y, std::vector<io::SummaryRow>& out) {
  const Eigen::ArrayXXd by_group = sum_cells(s.overflow, s, y, groups.of_cell, groups.names.size());
  Eigen::ArrayXXd totals(s.runs, 2);
  const int col = demand.layout.placement(static_cast<int>(Placement::IndependentSpecial));
  for (int run = 0; run < s.runs; ++run) {
    totals(run, 0) = by_group.row(run).sum();
    totals(run, 1) =
        demand.row(run, y)[col] + (s.overflow_mode == "independent" ? totals(run, 0) : 0);
  }
  const auto t = sim::summarise(totals);
  const int year = s.census_years[y];
  out.push_back({year, "overflow", "all", std::nullopt, t[0]});
  const auto g = sim::summarise(by_group);
  for (std::size_t i = 0; i < groups.names.size(); ++i)
    out.push_back({year, "overflow", groups.names[i].substr(0, groups.names[i].find('|')),
                   std::nullopt, g[i]});
  out.push_back({year, "independent_placements", "all", std::nullopt, t[1]});
}

//! The sufficiency section from the per-run arrays of results.h5, rolled up per run as
//! io::summarise_sufficiency does before any quantile is taken.
io::SufficiencySection stored_sufficiency(const fs::path& file, const sim::RunResults& demand) {
  // Demand and overflow are the cell arrays the report needs (placed is their difference).
  io::StoredSufficiency s = io::read_sufficiency_h5(file, false);
  s.demand = io::read_sufficiency_cells_h5(file, "demand");
  s.overflow = io::read_sufficiency_cells_h5(file, "overflow");
  check(s.runs == demand.runs && s.years <= demand.years, {file.string()}, "/sufficiency",
        "its runs or years differ from the forecast's");
  const std::set<std::string> groups = matched_groups(s);
  const CellKeys by_area = cell_keys(s, 2, groups), by_phase = cell_keys(s, 1, groups),
                 by_group = cell_keys(s, 0, groups);
  io::SufficiencySection out;
  if (s.capacities == "illustrative")
    out.notes.push_back(
        "The capacities are illustrative: invented provisions with generic "
        "names, not real schools (see the assumptions for how to replace them).");
  out.notes.push_back(s.overflow_mode == "awaiting"
                          ? "Children who find no suitable place wait for one and are matched "
                            "again the next year."
                          : "Children who find no suitable place go to independent or "
                            "non-maintained special schools, and stay there.");
  std::vector<io::SummaryRow> overflow;
  for (int y = 0; y < s.years; ++y) {
    place_rows(s, by_area, y, out.by_need_area, false);
    place_rows(s, by_phase, y, out.by_phase, true);
    overflow_rows(s, by_group, demand, y, overflow);
  }
  // Fans in the order the report draws them: the total, each group, all independent.
  for (const auto& key : std::vector<std::pair<std::string, bool>>{
           {"overflow", true}, {"overflow", false}, {"independent_placements", true}})
    for (const auto& r : overflow)
      if (r.breakdown == key.first && (r.category == "all") == key.second)
        out.overflow.push_back(r);
  return out;
}

void load_forecast(StoredForecast& f, const io::DataContext& data) {
  io::verify_checksum(f.file);  // before HDF5 reads it: HDF5 can crash on a damaged file
  f.results = read_results(f.file);
  const std::string la_code = trimmed(io::read_attribute_h5(f.file, "la_code"));
  check(!la_code.empty(), {f.file.string()}, "la_code", "missing: not a sendcast results file?");
  f.input.history = io::build_la_history(data.tables, io::find_area(data.tables.areas, la_code));
  f.input.parameters = stored_parameters(f.input.history, f.results);
  f.input.provenance = read_provenance(f.file, f.results);
  f.input.summary = io::summarise_forecast(f.results, f.input.parameters, f.input.history);
  f.input.results = &f.results;
  if (io::has_sufficiency_h5(f.file)) {
    f.sufficiency = stored_sufficiency(f.file, f.results);
    f.input.sufficiency = &f.sufficiency;
  }
  if (io::has_finance_h5(f.file)) {
    const io::StoredFinance stored = io::read_finance_h5(f.file);
    check(stored.results.runs == f.results.runs, {f.file.string()}, "/finance",
          "its runs differ from the forecast's");
    f.finance = io::finance_section(
        stored.results, stored.income, stored.opening_balance, stored.threshold,
        io::finance_notes(stored.illustrative, stored.opening_balance, stored.results.first_year));
    f.input.finance = &f.finance;
  }
}

std::vector<io::SummaryRow> forecast_rows(const std::vector<io::SummaryRow>& rows) {
  std::vector<io::SummaryRow> out;
  std::copy_if(rows.begin(), rows.end(), std::back_inserter(out),
               [](const auto& r) { return r.forecast.has_value(); });
  return out;
}

io::ScenarioComparison compare(const StoredForecast& a, const StoredForecast& b) {
  const auto &pa = a.input.parameters, &pb = b.input.parameters;
  check(pa.la_code == pb.la_code, {b.file.string()}, "la_code",
        "forecasts for different LAs (" + pa.la_name + ", " + pb.la_name +
            ") cannot be compared run by run");
  io::ScenarioComparison c;
  c.label_a = a.input.provenance.scenario_name + " (" + io::display_path(a.file) + ")";
  c.label_b = b.input.provenance.scenario_name + " (" + io::display_path(b.file) + ")";
  c.a = forecast_rows(a.input.summary);
  c.b = forecast_rows(b.input.summary);
  std::vector<std::string> breakdowns;
  for (const auto& name : io::reported_breakdowns(pa))
    if (name != "age" && name != "specialist") breakdowns.push_back(name);
  c.difference = io::summarise_difference(a.results, b.results, breakdowns);
  if (a.input.provenance.seed != b.input.provenance.seed)
    c.notes.push_back(
        "The two forecasts use different seeds, so the differences include Monte "
        "Carlo noise as well as the scenario: re-run both with one --seed.");
  if (a.input.provenance.scenario_hash == b.input.provenance.scenario_hash)
    c.notes.push_back("Both forecasts come from the same scenario text.");
  return c;
}

//! metrics.csv (and forecasts.csv, for the scope) of a `sendcast backtest` output directory.
io::BacktestSection read_backtest(const fs::path& dir) {
  const auto metrics =
      io::CsvTable::read(dir / "metrics.csv", io::display_path(dir / "metrics.csv"));
  io::BacktestSection out;
  for (std::size_t r = 0; r < metrics.rows(); ++r) {
    io::BacktestRow row;
    row.method = std::string(metrics.cell(r, metrics.column("method")));
    row.measure = std::string(metrics.cell(r, metrics.column("measure")));
    row.horizon = static_cast<int>(metrics.count(r, metrics.column("horizon")).value_or(0));
    auto& a = row.accuracy;
    a.n = static_cast<int>(metrics.count(r, metrics.column("n")).value_or(0));
    for (auto [name, field] : {std::pair{"mape", &a.mape},
                               {"median_ape", &a.median_ape},
                               {"bias", &a.bias},
                               {"coverage50", &a.coverage50},
                               {"coverage80", &a.coverage80},
                               {"coverage90", &a.coverage90},
                               {"interval_score", &a.interval_score}})
      *field = metrics.number(r, metrics.column(name)).value_or(0);
    out.rows.push_back(row);
  }
  out.scope = "from " + io::display_path(dir / "metrics.csv");
  if (fs::exists(dir / "forecasts.csv")) {
    const auto f = io::CsvTable::read(dir / "forecasts.csv");
    std::set<std::string> las, origins;
    for (std::size_t r = 0; r < f.rows(); ++r) {
      las.emplace(f.cell(r, f.column("la_code")));
      origins.emplace(f.cell(r, f.column("origin")));
    }
    if (!origins.empty())
      out.scope = std::to_string(las.size()) + (las.size() == 1 ? " LA" : " LAs") + ", origins " +
                  *origins.begin() + (origins.size() > 1 ? " to " + *origins.rbegin() : "");
  }
  return out;
}

//! Writes through a temporary file beside `file`, so a failure leaves any earlier one whole.
template <typename Write>
void write_atomically(const fs::path& file, Write write) {
  fs::path tmp = file;
  tmp += ".tmp-" + std::to_string(::getpid());
  try {
    write(tmp);
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec) throw InputError({file.string()}, "cannot move into place: " + ec.message());
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

}  // namespace

int report_command(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options("options");
  options.add_options()("results", po::value<std::vector<std::string>>()->composing(),
                        "results.h5 of `sendcast run` (A), and optionally a second one (B)")(
      "out", po::value<std::string>(),
      "report file (default: report.html beside A, comparison.html beside B); the workbook "
      "goes beside it as .xlsx")(
      "backtest", po::value<std::string>(),
      "output directory of `sendcast backtest` whose metrics.csv to include")(
      "benchmark", po::value<std::string>(),
      "output directory of `sendcast benchmark` whose benchmark.csv to include")(
      "data-dir", po::value<std::string>()->default_value(""),
      "data directory for the published history (default: the embedded data/)");
  po::positional_options_description positional;
  positional.add("results", 2);
  po::variables_map vm;
  const CommandSpec spec{
      "sendcast report <results.h5> [<results B.h5>] [--out FILE] [--backtest DIR] "
      "[--benchmark DIR]",
      "Rebuilds the HTML report and the Excel workbook from a results.h5 written by `sendcast\n"
      "run`, recomputing every summary (caseload, sufficiency, finance) from the per-run arrays;\n"
      "benchmarking (or --benchmark DIR's benchmark.csv) and the LA's past forecasts come from\n"
      "the embedded data, and --backtest DIR adds its scores. Given two results files, adds\n"
      "the scenario comparison: B - A run by run, then quantiles (the same seed gives both the\n"
      "same random numbers).",
      "sendcast run --runs 500 --out out/baseline && sendcast report out/baseline/results.h5"};
  if (!parse_options(args, options, spec, vm, out, &positional)) return EXIT_OK;
  const Location cl{"command line"};
  check(vm.count("results") > 0, cl, "results", "give the results.h5 of a forecast (see --help)");
  const auto files = vm["results"].as<std::vector<std::string>>();
  check(files.size() <= 2, cl, "results", "at most two results files (A and B)");

  const io::DataContext data = io::load_data_context(vm["data-dir"].as<std::string>());
  std::vector<StoredForecast> forecasts(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    forecasts[i].file = files[i];
    load_forecast(forecasts[i], data);
  }
  io::ReportInput& input = forecasts.front().input;
  io::ScenarioComparison comparison;
  if (forecasts.size() == 2) {
    comparison = compare(forecasts[0], forecasts[1]);
    input.comparison = &comparison;
  }
  // The LA's own recent past forecasts, and a `sendcast backtest` directory's scores if given.
  std::optional<io::BacktestSection> backtest =
      recent_backtest(data, input.parameters.la_code, input.parameters.origin,
                      RECENT_BACKTEST_ORIGINS, RECENT_BACKTEST_RUNS);
  if (vm.count("backtest")) {
    const io::BacktestSection scored = read_backtest(vm["backtest"].as<std::string>());
    if (!backtest) backtest.emplace();
    backtest->rows = scored.rows;
    backtest->scope = scored.scope;
  }
  if (backtest) input.backtest = &*backtest;

  // Benchmarking: a `sendcast benchmark` directory if given, else computed from the data.
  std::optional<io::BenchmarkSection> benchmark;
  if (vm.count("benchmark"))
    benchmark = benchmark_report_section(
        read_benchmark_csv(fs::path(vm["benchmark"].as<std::string>()) / "benchmark.csv"));
  else
    benchmark = forecast_benchmark(data, input.parameters.la_code, input.parameters.origin);
  if (benchmark) input.benchmark = &*benchmark;

  const fs::path beside = fs::path(files.back()).parent_path();
  fs::path html = beside / (files.size() == 2 ? "comparison.html" : "report.html");
  fs::path xlsx = beside / (files.size() == 2 ? "comparison.xlsx" : "workbook.xlsx");
  if (vm.count("out")) {
    html = vm["out"].as<std::string>();
    xlsx = fs::path(html).replace_extension(".xlsx");
  }
  write_atomically(html, [&](const fs::path& f) { io::write_report_html(f, input); });
  write_atomically(xlsx, [&](const fs::path& f) { io::write_workbook_xlsx(f, input); });
  out << "Report: " << io::display_path(html) << "\nWorkbook: " << io::display_path(xlsx) << "\n";
  return EXIT_OK;
}

}  // namespace sendcast::cli
