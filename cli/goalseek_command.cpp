// `sendcast goalseek`: the smallest change of one lever that meets a finance target.
#include <unistd.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/cli.h"
#include "cli/goalseek_job.h"
#include "cli/options.h"
#include "io/csv_writer.h"
#include "io/data_dir.h"
#include "io/error.h"
#include "io/output_dir.h"

namespace sendcast::cli {

namespace {

std::string millions(double gbp) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s\u00a3%.3fm", gbp < 0 ? "-" : "", std::abs(gbp) / 1e6);
  return buf;
}

std::string lever_text(const Lever& lever, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, lever.integer ? "%.0f" : "%.4g", value);
  return buf;
}

std::string levers_help() {
  std::string out = "levers:\n";
  for (const Lever& l : levers())
    out += "  " + l.name + " [" + lever_text(l, l.min) + ", " + lever_text(l, l.max) +
           "]: " + l.meaning + "\n";
  return out;
}

void print_result(std::ostream& out, const GoalSeekResult& r, const Lever& lever,
                  const Target& target, double probability, const ForecastJob& job,
                  double seconds) {
  const std::string where = probability == 0.5 ? std::string("in the median run")
                                               : "at probability " + io::format_number(probability);
  out << job.parameters.la_name << ", scenario \"" << job.scenario.name
      << "\": " << job.scenario.runs << " runs, seed " << job.scenario.seed << "\n";
  out << "Target: " << target.text << " (" << where << ")\n";
  const Evaluation& a = r.answer;
  if (r.no_change)
    out << "Met with no change: " << lever.name << " = " << lever_text(lever, a.value) << ".\n";
  else
    out << "Smallest " << lever.name << " meeting the target: " << lever_text(lever, a.value)
        << "  (bracket " << lever_text(lever, r.bracket_low) << " fails, "
        << lever_text(lever, r.bracket_high) << " meets; " << r.scanned << " scan steps, "
        << r.iterations << " bisection steps, " << r.evaluations.size() << " evaluations)\n";
  out << "  " << TARGET_METRIC_NAMES[static_cast<int>(target.metric)] << " in "
      << models::financial_year_label(target.financial_year) << " at that value: median "
      << millions(a.p50) << " (90% interval " << millions(a.p05) << " to " << millions(a.p95)
      << ")";
  if (probability != 0.5)
    out << "; quantile " << io::format_number(probability) << ": " << millions(a.at_probability);
  out << "\n";
  if (job.finance && job.finance->illustrative)
    out << "  Unit costs are illustrative (" << job.finance->cost_table_file
        << "), not the LA's own rates: set [finance] in the scenario.\n";
  char timing[96];
  std::snprintf(timing, sizeof timing, "%.1f s", seconds);
  out << "  " << timing << " in all.\n";
}

}  // namespace

int goalseek_command(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options("options");
  options.add_options()("scenario", po::value<std::string>()->required(), "scenario file (TOML)")(
      "target", po::value<std::string>()->required(),
      "e.g. \"deficit <= 0 by 2030-31\" (deficit | spend | gap, <= | <, GBP with m/k)")(
      "lever", po::value<std::string>()->required(),
      "joiner_rate | resourced_share | places_added | ceasing_16_19")(
      "probability", po::value<double>()->default_value(0.5),
      "the target must hold at this quantile of the runs (0.5: the median; 0.9: in 90% of runs)")(
      "runs", po::value<int>()->default_value(500), "Monte Carlo runs per evaluation")(
      "seed", po::value<Seed>(), "master seed, 0 to 2^64 - 1 (default: the scenario's)")(
      "years", po::value<int>(), "years to project (default: the scenario's)")(
      "threads", po::value<int>()->default_value(0), "OpenMP threads (0: all cores)")(
      "out", po::value<std::string>()->default_value("."), "directory for goalseek.csv")(
      "data-dir", po::value<std::string>()->default_value(""),
      "data directory (default: the embedded data/)")("quiet", "no progress on stderr");
  const CommandSpec spec{
      "sendcast goalseek --scenario FILE --target \"deficit <= 0 by 2030-31\" --lever NAME "
      "[--probability P] [--runs N] [--seed S] [--out DIR] [--quiet]",
      "Finds the smallest change of one lever that meets a finance target in the median run (or\n"
      "at --probability): scans the lever's range in 8 equal steps for the first value that\n"
      "meets it, then bisects between that and the step before. Every evaluation re-simulates the\n"
      "same calibrated forecast with the same seed and runs (common random numbers), so they\n"
      "differ only by the lever. Writes goalseek.csv (one row per evaluation) to --out; exits\n"
      "non-zero when the target cannot be met inside the lever's range. On a terminal, each\n"
      "evaluation is reported on stderr as it ends (--quiet: not).\n\n" +
          levers_help(),
      "sendcast goalseek --scenario scenarios/dudley/baseline.toml --target \"gap <= 0 by "
      "2030-31\" --lever joiner_rate --runs 200"};
  po::variables_map vm;
  if (!parse_options(args, options, spec, vm, out)) return EXIT_OK;
  const Location cl{"command line"};
  const Target target = parse_target(vm["target"].as<std::string>(), cl);
  const Lever& lever = find_lever(vm["lever"].as<std::string>(), cl);
  GoalSeekOptions gs;
  gs.probability = vm["probability"].as<double>();
  check(gs.probability > 0 && gs.probability < 1, cl, "--probability",
        "expected a probability strictly between 0 and 1");
  check_range(cl, "--runs", vm["runs"].as<int>(), 1, 10'000'000);
  check_range(cl, "--threads", vm["threads"].as<int>(), 0, 4096);

  scenarios::Scenario scenario = scenarios::load_scenario(vm["scenario"].as<std::string>());
  scenario.runs = vm["runs"].as<int>();
  if (vm.count("seed")) scenario.seed = vm["seed"].as<Seed>().value;
  if (vm.count("years")) scenario.years = vm["years"].as<int>();
  check_range(cl, "--years", scenario.years, 1, 30);
  const std::filesystem::path dir = vm["out"].as<std::string>();
  io::create_output_directory(dir);  // checked now, not after the search

  ForecastOptions fo;
  fo.threads = vm["threads"].as<int>();
  fo.data_dir = vm["data-dir"].as<std::string>();
  // Progress: each evaluation's runs (after its first second) and a line when it ends.
  fo.progress = !vm.count("quiet") && isatty(STDERR_FILENO);
  if (fo.progress)
    gs.evaluated = [&](const Evaluation& e, int number) {
      std::fprintf(
          stderr, "evaluation %d: %s = %s: %s in %s %s %s, %s (%.1f s)\n", number,
          lever.name.c_str(), lever_text(lever, e.value).c_str(),
          std::string(TARGET_METRIC_NAMES[static_cast<int>(target.metric)]).c_str(),
          models::financial_year_label(target.financial_year).c_str(),
          gs.probability == 0.5 ? "median" : ("at " + io::format_number(gs.probability)).c_str(),
          millions(e.at_probability).c_str(), e.meets ? "meets the target" : "not met", e.seconds);
    };
  const auto start = std::chrono::steady_clock::now();
  ForecastJob job = prepare_forecast(scenario, fo);
  const GoalSeekResult r = goal_seek(job, scenario, lever, target, gs, fo);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::filesystem::path csv = dir / "goalseek.csv";
  write_goalseek_csv(csv, r, lever, target, gs.probability);
  if (!r.met) {
    const Evaluation& e = r.evaluations.back();
    throw InputError(cl, "--target",
                     "cannot be met inside the lever's range: at " + lever.name + " = " +
                         lever_text(lever, lever.max) + " (its maximum) the " +
                         std::string(TARGET_METRIC_NAMES[static_cast<int>(target.metric)]) +
                         " in " + models::financial_year_label(target.financial_year) +
                         " is still " + millions(e.at_probability) + " at probability " +
                         io::format_number(gs.probability) + " (each evaluation in " +
                         io::display_path(csv) + ")");
  }
  print_result(out, r, lever, target, gs.probability, job, seconds);
  out << "Each evaluation: " << io::display_path(csv) << "\n";
  return EXIT_OK;
}

}  // namespace sendcast::cli
