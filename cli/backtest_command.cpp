// `sendcast backtest`: rolling-origin forecast accuracy against published history.
#include <unistd.h>
#include <cstdio>
#include <optional>

#include "cli/backtest_job.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "io/backtest_csv.h"
#include "io/csv_writer.h"
#include "io/data_dir.h"
#include "io/error.h"
#include "io/output_dir.h"
#include "sim/cluster.h"

namespace sendcast::cli {

namespace {

void print_metrics(std::ostream& out, const BacktestResult& r, int horizon) {
  out << "Accuracy for the total (median forecast), by method and horizon\n";
  char line[200];
  std::snprintf(line, sizeof line, "  %-9s %2s %6s %8s %7s %7s %6s %6s %6s\n", "method", "h", "n",
                "medAPE%", "MAPE%", "bias%", "cov50", "cov80", "cov90");
  out << line;
  for (const char* method : {"sendcast", "naive", "linear", "loglinear", "cagr4"})
    for (int h = 1; h <= horizon; ++h) {
      auto it = r.scored.find({method, "total", h});
      if (it == r.scored.end()) continue;
      const auto s = models::summarise_accuracy(it->second);
      std::snprintf(line, sizeof line, "  %-9s %2d %6d %8.2f %7.2f %+7.2f %6.2f %6.2f %6.2f\n",
                    method, h, s.n, s.median_ape, s.mape, s.bias, s.coverage50, s.coverage80,
                    s.coverage90);
      out << line;
    }
}

}  // namespace

namespace {

//! --trend and --damping, as a scenario's [trend] would set them.
models::TrendSpec trend_option(const po::variables_map& vm) {
  models::TrendSpec t;
  const std::string name = vm["trend"].as<std::string>();
  const Location cl{"command line"};
  if (name == "damped")
    t.model = models::TrendModel::Damped;
  else if (name == "continue")
    t.model = models::TrendModel::Continue;
  else if (name == "flat")
    t.model = models::TrendModel::Flat;
  else if (name == "converge_to_england")
    t.model = models::TrendModel::ConvergeToEngland;
  else
    throw InputError(
        cl, "--trend: '" + name + "' is not one of damped, continue, flat, converge_to_england");
  t.damping = vm["damping"].as<double>();
  if (!(t.damping >= 0 && t.damping <= 1))
    throw InputError(cl, "--damping: " + std::to_string(t.damping) + " is outside 0-1");
  return t;
}

}  // namespace

int backtest_command(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options("options");
  options.add_options()("origin", po::value<std::vector<int>>()->required(),
                        "January census year to forecast from (repeat for rolling origins)")(
      "horizon", po::value<int>()->default_value(3), "years ahead to forecast (1-10)")(
      "la", po::value<std::vector<std::string>>(),
      "local authority (repeatable; default: every LA)")(
      "runs", po::value<int>()->default_value(1000), "Monte Carlo runs per LA and origin")(
      "seed", po::value<Seed>()->default_value(Seed{20250123}, "20250123"), "master seed")(
      "threads", po::value<int>()->default_value(0), "OpenMP threads (0: all cores)")(
      "trend", po::value<std::string>()->default_value("damped"),
      "joiner trend: damped, continue, flat or converge_to_england")(
      "damping", po::value<double>()->default_value(0.75),
      "damped trend: growth multiplier per year (0-1)")("out", po::value<std::string>()->required(),
                                                        "output directory")(
      "data-dir", po::value<std::string>()->default_value(""),
      "data directory (default: the embedded data/)")("quiet", "no progress on stderr");
  po::variables_map vm;
  const CommandSpec spec{
      "sendcast backtest --origin YEAR [--origin YEAR ...] --horizon H [--la NAME ...] [--runs N] "
      "--out DIR",
      "Calibrates each LA on what was published by January of each origin year, forecasts\n"
      "January origin+1 ... origin+H, and scores the forecasts against what was published later,\n"
      "beside four baselines (naive, linear, loglinear, cagr4). Writes forecasts.csv, "
      "baselines.csv,\n"
      "metrics.csv and skipped.csv. Targets beyond the data are forecast with an empty actual.",
      "sendcast backtest --origin 2021 --origin 2022 --horizon 3 --la Dudley --runs 500 --out "
      "out/backtest"};
  if (!parse_options(args, options, spec, vm, out)) return EXIT_OK;
  BacktestConfig config;
  config.origins = vm["origin"].as<std::vector<int>>();
  config.horizon = vm["horizon"].as<int>();
  if (vm.count("la")) config.las = vm["la"].as<std::vector<std::string>>();
  config.runs = vm["runs"].as<int>();
  config.seed = vm["seed"].as<Seed>().value;
  config.trend = trend_option(vm);
  config.threads = vm["threads"].as<int>();
  config.progress = !vm.count("quiet") && isatty(STDERR_FILENO);
  const Location cl{"command line"};
  check_range(cl, "--horizon", config.horizon, 1, 10);
  check_range(cl, "--runs", config.runs, 1, 1'000'000);
  for (int o : config.origins) check_range(cl, "--origin", o, 2011, 2100);

  const sim::Cluster cluster;
  std::optional<io::StagedOutputDir> staged_dir;  // rank 0 alone writes
  if (cluster.root()) staged_dir.emplace(vm["out"].as<std::string>());
  const io::DataContext data = io::load_data_context(vm["data-dir"].as<std::string>());
  const BacktestResult r = run_backtest(data, config, cluster);
  if (!cluster.root()) return EXIT_OK;
  io::StagedOutputDir& staged = *staged_dir;
  io::write_forecasts_csv(staged.path() / "forecasts.csv", r.forecasts, false);
  io::write_forecasts_csv(staged.path() / "baselines.csv", r.baselines, true);
  io::write_metrics_csv(staged.path() / "metrics.csv", r.scored);
  std::vector<std::vector<std::string>> skipped;
  for (const auto& s : r.skipped)
    skipped.push_back({s.la_code, s.la_name, std::to_string(s.origin), s.reason});
  io::write_rows_csv(staged.path() / "skipped.csv", {"la_code", "la_name", "origin", "reason"},
                     skipped);
  staged.commit();

  print_metrics(out, r, config.horizon);
  char line[200];
  std::snprintf(line, sizeof line,
                "\n%d LA x origin forecasts, %d runs each, in %.1f s; %zu notes in skipped.csv\n",
                r.la_origins, config.runs, r.seconds, r.skipped.size());
  out << line << "Results: " << io::display_path(staged.target())
      << "/ (forecasts.csv, baselines.csv, metrics.csv)\n";
  return EXIT_OK;
}

int forecast_all_command(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options("options");
  options.add_options()("years", po::value<int>()->default_value(10), "years to project (1-30)")(
      "la", po::value<std::vector<std::string>>(),
      "local authority (repeatable; default: every LA)")(
      "runs", po::value<int>()->default_value(1000), "Monte Carlo runs per LA")(
      "seed", po::value<Seed>()->default_value(Seed{20250123}, "20250123"), "master seed")(
      "threads", po::value<int>()->default_value(0), "OpenMP threads per process (0: all cores)")(
      "out", po::value<std::string>()->default_value("out/forecast-all"), "output directory")(
      "data-dir", po::value<std::string>()->default_value(""),
      "data directory (default: the embedded data/)")("quiet", "no progress on stderr");
  po::variables_map vm;
  const CommandSpec spec{
      "sendcast forecast-all [--years H] [--runs N] [--la NAME ...] [--out DIR]",
      "LA-level projections for every LA in the data from its latest January census: total, age\n"
      "bands and placement groups with intervals, in the backtest's forecasts.csv layout (actual\n"
      "empty). Same engine and calibration as `run` and `backtest`. Under mpirun, LAs are split\n"
      "across ranks and the output is identical to a single process.",
      "sendcast forecast-all --years 5 --runs 200 --out out/forecast-all"};
  if (!parse_options(args, options, spec, vm, out)) return EXIT_OK;
  BacktestConfig config;
  config.origins = {0};
  config.horizon = vm["years"].as<int>();
  if (vm.count("la")) config.las = vm["la"].as<std::vector<std::string>>();
  config.runs = vm["runs"].as<int>();
  config.seed = vm["seed"].as<Seed>().value;
  config.threads = vm["threads"].as<int>();
  config.baselines = false;
  config.progress = !vm.count("quiet") && isatty(STDERR_FILENO);
  const Location cl{"command line"};
  check_range(cl, "--years", config.horizon, 1, 30);
  check_range(cl, "--runs", config.runs, 1, 1'000'000);

  const sim::Cluster cluster;
  std::optional<io::StagedOutputDir> staged;
  if (cluster.root()) staged.emplace(vm["out"].as<std::string>());
  const io::DataContext data = io::load_data_context(vm["data-dir"].as<std::string>());
  const BacktestResult r = run_backtest(data, config, cluster);
  if (!cluster.root()) return EXIT_OK;
  io::write_forecasts_csv(staged->path() / "forecasts.csv", r.forecasts, false);
  std::vector<std::vector<std::string>> skipped;
  for (const auto& s : r.skipped)
    skipped.push_back({s.la_code, s.la_name, std::to_string(s.origin), s.reason});
  io::write_rows_csv(staged->path() / "skipped.csv", {"la_code", "la_name", "origin", "reason"},
                     skipped);
  staged->commit();
  char line[200];
  std::snprintf(line, sizeof line,
                "%d LAs forecast, %d runs each, %d years, in %.1f s on %d process(es)\n",
                r.la_origins, config.runs, config.horizon, r.seconds, cluster.size());
  out << line << "Results: " << io::display_path(staged->target())
      << "/ (forecasts.csv, skipped.csv)\n";
  return EXIT_OK;
}

}  // namespace sendcast::cli
