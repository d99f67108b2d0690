// `sendcast run`: the forecast on a scenario, written to an output directory.
#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>

#include "cli/backtest_job.h"
#include "cli/benchmark_table.h"
#include "cli/cli.h"
#include "cli/forecast_job.h"
#include "cli/options.h"
#include "io/data_dir.h"
#include "io/error.h"
#include "io/full_state_h5.h"
#include "io/hash.h"
#include "io/output_dir.h"
#include "io/report_html.h"
#include "io/results_h5.h"
#include "io/sufficiency_csv.h"
#include "io/summary_csv.h"
#include "io/workbook_xlsx.h"
#include "sim/cluster.h"

namespace sendcast::cli {

namespace {

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "forecast" : out;
}

std::string fmt_int(double v) {
  const long long n = std::llround(v);
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

const io::SummaryRow* find_row(const std::vector<io::SummaryRow>& rows, int year,
                               const std::string& breakdown, const std::string& category) {
  for (const auto& r : rows)
    if (r.year == year && r.breakdown == breakdown && r.category == category && r.forecast)
      return &r;
  return nullptr;
}

std::string interval(const sim::Summary& s) {
  return fmt_int(s.p50) + " (" + fmt_int(s.p05) + " to " + fmt_int(s.p95) + ")";
}

//! Children without a suitable place, year by year, and the chance of any.
void print_overflow(std::ostream& out, const ForecastJob& job) {
  const auto& rows = job.sufficiency->summary;
  const int origin = job.parameters.origin;
  const bool awaiting = job.sufficiency->model->setup().overflow == sim::OverflowMode::Awaiting;
  out << "  Children without a suitable place ("
      << (awaiting ? "awaiting placement" : "overflow to independent special")
      << "): median (90% interval), chance of any\n";
  for (int h : {0, 1, 3, 5, 10}) {
    if (h > job.scenario.years) continue;
    const auto* r = io::find_sufficiency_row(rows, origin + h, "overflow");
    if (!r) continue;
    char line[160];
    std::snprintf(line, sizeof line, "    %d  %-22s %3.0f%%\n", origin + h,
                  interval(r->summary).c_str(), 100 * r->probability_positive);
    out << line;
  }
}

//! Places needed by group and need area, at p50 / p80 / p90, in one year.
void print_places_needed(std::ostream& out, const ForecastJob& job, int year) {
  const auto& rows = job.sufficiency->summary;
  out << "  Extra places needed in January " << year
      << " so that demand is met in 50% / 80% / 90% of runs:\n";
  bool any = false;
  for (int g = 0; g < sim::N_MATCHED; ++g)
    for (auto area : NEED_AREA_CODES) {
      const std::string group(sim::matched_code(g));
      const auto* r =
          io::find_sufficiency_row(rows, year, "places_needed", group, "all", std::string(area));
      if (!r || r->summary.p90 <= 0) continue;
      char line[160];
      std::snprintf(line, sizeof line, "    %-22s %-5s %5s / %5s / %5s\n", group.c_str(),
                    std::string(area).c_str(), fmt_int(r->summary.p50).c_str(),
                    fmt_int(r->p80.value_or(0)).c_str(), fmt_int(r->summary.p90).c_str());
      out << line;
      any = true;
    }
  if (!any) out << "    none: demand is met in at least 90% of runs\n";
}

//! SCAP: specialist places by phase and type, primary 5 and secondary 7 years ahead.
void print_scap(std::ostream& out, const ForecastJob& job) {
  const auto& rows = job.sufficiency->summary;
  const int origin = job.parameters.origin;
  out << "  SCAP view: demand and places needed, median (80th percentile)\n";
  for (auto [phase, ahead] : {std::pair{"primary", io::SCAP_PRIMARY_YEARS},
                              std::pair{"secondary", io::SCAP_SECONDARY_YEARS}}) {
    if (ahead > job.scenario.years) continue;
    for (int g = 0; g < sim::N_MATCHED; ++g) {
      const std::string group(sim::matched_code(g));
      const auto* d = io::find_sufficiency_row(rows, origin + ahead, "scap_demand", group, phase);
      const auto* n =
          io::find_sufficiency_row(rows, origin + ahead, "scap_places_needed", group, phase);
      if (!d || !n) continue;
      char line[200];
      std::snprintf(line, sizeof line, "    %d %-9s %-22s demand %5s (%s)  needed %4s (%s)\n",
                    origin + ahead, phase, group.c_str(), fmt_int(d->summary.p50).c_str(),
                    fmt_int(d->p80.value_or(0)).c_str(), fmt_int(n->summary.p50).c_str(),
                    fmt_int(n->p80.value_or(0)).c_str());
      out << line;
    }
  }
}

void print_sufficiency(std::ostream& out, const ForecastJob& job) {
  const auto& s = *job.sufficiency;
  out << "\nPlace sufficiency against " << (s.illustrative ? "ILLUSTRATIVE capacities " : "")
      << s.register_file << "\n";
  print_overflow(out, job);
  print_places_needed(out, job, job.parameters.origin + std::min(5, job.scenario.years));
  print_scap(out, job);
  if (s.illustrative)
    out << "  The capacities are illustrative, not real schools: replace them with your own\n"
           "  register (data/capacity/README.md) via [capacity] register in the scenario.\n";
}

void print_text_summary(std::ostream& out, const ForecastJob& job, const std::filesystem::path& dir,
                        int processes, bool full) {
  const auto& p = job.parameters;
  const int origin = p.origin;
  out << p.la_name << " (" << p.la_code << "): scenario \"" << job.scenario.name << "\", "
      << job.scenario.runs << " runs, seed " << job.scenario.seed << ", from January " << origin
      << "\n\n";
  const auto* now = find_row(job.summary, origin, "total", "all");
  const double base = now && now->actual ? *now->actual : (now ? now->forecast->p50 : 0);
  out << "EHC plans at January: median (90% interval)\n";
  out << "  " << origin << "  " << fmt_int(base) << (now && now->actual ? " (published)" : "")
      << "\n";
  for (int h : {3, 5, 10}) {
    if (h > job.scenario.years) continue;
    const auto* r = find_row(job.summary, origin + h, "total", "all");
    if (!r) continue;
    const auto& f = *r->forecast;
    char growth[64];
    std::snprintf(growth, sizeof growth, "%+.0f%% on %d",
                  base > 0 ? 100.0 * (f.p50 / base - 1) : 0.0, origin);
    out << "  " << origin + h << "  " << fmt_int(f.p50) << " (" << fmt_int(f.p05) << " to "
        << fmt_int(f.p95) << ")  " << growth << "\n";
  }
  if (p.placements_known) {
    const int last = origin + std::min(5, job.scenario.years);
    out << "\nBy placement group: January " << origin << " -> " << last
        << ", median (90% interval)\n";
    for (int q = 0; q < N_PLACEMENTS; ++q) {
      const std::string code(PLACEMENT_CODES[q]);
      const auto* a = find_row(job.summary, origin, "placement", code);
      const auto* b = find_row(job.summary, last, "placement", code);
      if (!a || !b) continue;
      char line[160];
      std::snprintf(line, sizeof line, "  %-34s %7s -> %7s (%s to %s)\n",
                    std::string(PLACEMENT_LABELS[q]).c_str(),
                    fmt_int(a->actual ? *a->actual : a->forecast->p50).c_str(),
                    fmt_int(b->forecast->p50).c_str(), fmt_int(b->forecast->p05).c_str(),
                    fmt_int(b->forecast->p95).c_str());
      out << line;
    }
  }
  if (job.sufficiency) print_sufficiency(out, job);
  out << "\nAssumptions:\n";
  for (const auto& a : job.provenance.assumptions) out << "  - " << a << "\n";
  char timing[128];
  std::snprintf(timing, sizeof timing, "%.2f s for %d runs x %d years%s", job.seconds,
                job.scenario.runs, job.scenario.years,
                processes > 1 ? (" on " + std::to_string(processes) + " processes").c_str() : "");
  out << "\nResults: " << io::display_path(dir)
      << "/ (report.html, workbook.xlsx, results.h5, summary.csv"
      << (job.sufficiency ? ", sufficiency.csv" : "")
      << (job.finance ? ", finance.csv, deficit.csv, transport.csv" : "")
      << (full ? ", state.h5" : "") << "); " << timing << "\n";
}

}  // namespace

int run_command(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options("options");
  options.add_options()("scenario", po::value<std::string>(),
                        "scenario file (TOML); default scenarios/dudley/baseline.toml")(
      "la", po::value<std::string>(),
      "local authority (name, ONS code or DfE number); overrides the scenario's")(
      "runs", po::value<int>(), "Monte Carlo runs (default: the scenario's, 10000)")(
      "seed", po::value<Seed>(), "master seed, 0 to 2^64 - 1 (default: the scenario's)")(
      "years", po::value<int>(), "years to project (default: the scenario's, 10)")(
      "start-year", po::value<int>(), "January census year to start from (default: latest)")(
      "threads", po::value<int>()->default_value(0), "OpenMP threads (0: all cores)")(
      "out", po::value<std::string>(), "output directory (default out/<scenario>/)")(
      "data-dir", po::value<std::string>()->default_value(""),
      "data directory (default: the embedded data/)")(
      "full",
      "also write every run's whole state cube (township x age x need x placement, each year) "
      "to state.h5, linked from results.h5 as /state: about 50 KB a run-year for Dudley "
      "before compression")("quiet", "no progress on stderr")(
      "timings",
      "after the summary, the wall time of each phase of the job (data and "
      "calibration, simulation, summaries, writing, report)");
  po::variables_map vm;
  const CommandSpec spec{
      "sendcast run [--scenario FILE] [--la NAME] [--runs N] [--seed S] [--threads T] [--years H] "
      "[--out DIR]",
      "Projects EHC plans by age, need, placement and township from the latest January census,\n"
      "with N Monte Carlo runs, and writes report.html, workbook.xlsx, results.h5 and summary.csv\n"
      "to the output directory, with sufficiency.csv when the scenario names a capacity register\n"
      "and finance.csv and deficit.csv when data/finance/ has the LA's High Needs Block\n"
      "allocations. Outputs appear whole or not at all: a failed run leaves earlier results\n"
      "untouched.",
      "sendcast run --scenario scenarios/dudley/baseline.toml --runs 1000"};
  if (!parse_options(args, options, spec, vm, out)) return EXIT_OK;

  scenarios::Scenario scenario;
  std::string out_name;
  if (vm.count("scenario")) {
    scenario = scenarios::load_scenario(vm["scenario"].as<std::string>());
    out_name = std::filesystem::path(vm["scenario"].as<std::string>()).stem().string();
  } else if (vm.count("la")) {
    scenario = scenarios::default_scenario();
    scenario.name = "default";
  } else {
    const std::string file = std::string(SENDCAST_SOURCE_DIR) + "/scenarios/dudley/baseline.toml";
    scenario = scenarios::load_scenario(file);
    out_name = "baseline";
  }
  if (vm.count("la")) {
    scenario.la = vm["la"].as<std::string>();
    if (out_name.empty()) out_name = slug(scenario.la);
  }
  if (vm.count("runs")) scenario.runs = vm["runs"].as<int>();
  if (vm.count("seed")) scenario.seed = vm["seed"].as<Seed>().value;
  if (vm.count("years")) scenario.years = vm["years"].as<int>();
  if (vm.count("start-year")) scenario.start_year = vm["start-year"].as<int>();
  const Location cl{"command line"};
  check_range(cl, "--runs", scenario.runs, 1, 10'000'000);
  check_range(cl, "--years", scenario.years, 1, 30);
  check_range(cl, "--threads", vm["threads"].as<int>(), 0, 4096);

  const std::filesystem::path dir = vm.count("out")
                                        ? std::filesystem::path(vm["out"].as<std::string>())
                                        : std::filesystem::path("out") / out_name;
  const sim::Cluster cluster;  // under mpirun: runs split across ranks, rank 0 writes
  std::optional<io::StagedOutputDir> staged_dir;
  if (cluster.root()) staged_dir.emplace(dir);  // fails early on an unusable output path

  ForecastOptions fo;
  fo.threads = vm["threads"].as<int>();
  fo.progress = !vm.count("quiet") && isatty(STDERR_FILENO) && cluster.root();
  fo.data_dir = vm["data-dir"].as<std::string>();
  for (const auto& a : args) fo.command_line += (fo.command_line.empty() ? "run " : " ") + a;
  fo.cluster = &cluster;
  if (vm.count("full")) {
    if (cluster.size() > 1)
      throw InputError(cl, "--full is written by one process: run it without mpirun");
    fo.full_state_file = staged_dir->path() / "state.h5";
  }
  // results.h5 holds per-run arrays only: it is written while the summaries are computed.
  const char* writing = "  writing results, benchmarking, past forecasts, report and workbook";
  fo.while_summarising = [&](const ForecastJob& job) {
    if (fo.progress) std::fprintf(stderr, "%s", writing), std::fflush(stderr);
    const std::filesystem::path results = staged_dir->path() / "results.h5";
    io::write_results_h5(results, job.results, job.parameters, job.history, job.provenance,
                         fo.threads);
    if (!fo.full_state_file.empty()) io::link_full_state_h5(results, "state.h5");
    if (job.sufficiency) {
      const auto& s = *job.sufficiency;
      io::append_sufficiency_h5(results, s.results, s.model->setup(), s.illustrative, s.note,
                                fo.threads);
    }
    if (job.finance) {
      const auto& f = *job.finance;
      io::StoredFinance stored;
      stored.results = f.results;
      stored.income = f.income;
      stored.opening_balance = f.opening_balance;
      stored.threshold = f.assumptions.deficit_threshold_gbp;
      stored.illustrative = f.illustrative;
      io::append_finance_h5(results, stored);
    }
    io::write_checksum(results);  // results.h5.crc32: compare and report check it first
  };
  ForecastJob job = run_forecast(scenario, fo);
  if (!cluster.root()) return EXIT_OK;
  io::StagedOutputDir& staged = *staged_dir;

  io::write_summary_csv(staged.path() / "summary.csv", job.summary);
  if (job.sufficiency) {
    const auto& s = *job.sufficiency;
    io::write_sufficiency_csv(staged.path() / "sufficiency.csv", s.summary, s.illustrative);
  }
  if (job.finance) {
    const auto& f = *job.finance;
    io::write_finance_csv(staged.path() / "finance.csv", f.summary);
    io::write_deficit_csv(staged.path() / "deficit.csv", f.summary);
    io::write_transport_csv(staged.path() / "transport.csv", f.summary);
  }
  job.timings.lap("CSV files");
  io::ReportInput report{job.summary, job.history, job.parameters, job.provenance, &job.results};
  io::SufficiencySection sufficiency;
  if (job.sufficiency) {
    sufficiency = io::sufficiency_section(job.sufficiency->summary, {job.sufficiency->note});
    report.sufficiency = &sufficiency;
  }
  io::FinanceSection finance;
  if (job.finance) {
    const auto& f = *job.finance;
    finance = io::finance_section(
        f.results, f.income, f.opening_balance, f.assumptions.deficit_threshold_gbp,
        io::finance_notes(f.illustrative, f.opening_balance, f.results.first_year));
    report.finance = &finance;
  }
  const auto benchmark =
      forecast_benchmark(*job.data, job.parameters.la_code, job.parameters.origin);
  if (benchmark) report.benchmark = &*benchmark;
  const auto backtest = recent_backtest(*job.data, job.parameters.la_code, job.parameters.origin,
                                        RECENT_BACKTEST_ORIGINS, RECENT_BACKTEST_RUNS);
  if (backtest) report.backtest = &*backtest;
  job.timings.lap("benchmarking and past forecasts");
  io::write_report_html(staged.path() / "report.html", report);
  io::write_workbook_xlsx(staged.path() / "workbook.xlsx", report);
  staged.commit();
  job.timings.lap("report, workbook and commit");
  if (fo.progress) std::fprintf(stderr, "\r%*s\r", static_cast<int>(std::strlen(writing)), "");
  print_text_summary(out, job, dir, cluster.size(), !fo.full_state_file.empty());
  if (vm.count("timings")) {
    out << "\nTimings (wall seconds):\n";
    job.timings.print(out);
  }
  return EXIT_OK;
}

}  // namespace sendcast::cli
