// `sendcast benchmark --la <name|code>`: the LA beside its statistical neighbours, regional
// peers, region and England, with national percentiles and neighbours' projected growth.
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli/backtest_job.h"
#include "cli/benchmark_table.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "io/csv.h"
#include "io/csv_writer.h"
#include "io/data_dir.h"
#include "io/error.h"
#include "io/output_dir.h"
#include "sim/cluster.h"

namespace sendcast::cli {

int benchmark_command(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options("options");
  options.add_options()("la", po::value<std::string>()->required(),
                        "local authority (name, ONS code or DfE number)")(
      "peers", po::value<std::vector<std::string>>(),
      "regional peers (repeatable; default: see --help text)")(
      "year", po::value<int>()->default_value(0), "January census year (default: latest)")(
      "runs", po::value<int>()->default_value(500),
      "Monte Carlo runs for each group LA's projection (0: none)")(
      "years", po::value<int>()->default_value(5), "projection horizon for the group's growth")(
      "out", po::value<std::string>(), "output directory (default out/benchmark-<la>/)")(
      "data-dir", po::value<std::string>()->default_value(""),
      "data directory (default: the embedded data/)")("quiet", "no progress on stderr");
  po::variables_map vm;
  const CommandSpec spec{
      "sendcast benchmark --la <name|code> [--peers NAME ...] [--year Y] [--runs N] [--out DIR]",
      "Compares an LA with its 10 DfE statistical neighbours, its regional peers (Dudley: "
      "Sandwell,\n"
      "Walsall, Wolverhampton, from data/neighbours/regional_peers.csv; other LAs: LAs of the "
      "same\n"
      "kind in the region), its region and England, 2019 to the latest census: plans per 1,000\n"
      "aged 0-25 (ONS, where embedded), growth, new and ceased plans per 100 plans, requests "
      "assessed,\n"
      "conversion, placement and need mix; rank in the group and national percentile; and each\n"
      "group LA's projected growth. Writes benchmark.csv and projections.csv.",
      "sendcast benchmark --la Dudley --runs 200"};
  if (!parse_options(args, options, spec, vm, out)) return EXIT_OK;
  const io::DataContext data = io::load_data_context(vm["data-dir"].as<std::string>());
  const io::Area& la = io::find_area(data.tables.areas, vm["la"].as<std::string>());
  const BenchmarkTable table = benchmark_table(
      data, la,
      vm.count("peers") ? vm["peers"].as<std::vector<std::string>>() : std::vector<std::string>{},
      vm["year"].as<int>());
  const auto& group = table.group;
  const auto& values = table.values;
  const int year = table.year;
  const std::string dir =
      vm.count("out") ? vm["out"].as<std::string>() : "out/benchmark-" + la.code;
  io::StagedOutputDir staged(dir);
  io::write_rows_csv(staged.path() / "benchmark.csv", benchmark_csv_header(),
                     benchmark_csv_rows(table));

  out << la.name << " (" << la.code << ") against " << group.size() - 3
      << " LAs: statistical neighbours and regional peers, January " << year << "\n";
  for (const auto& s : table.sentences) out << "  " << s << "\n";
  const int runs = vm["runs"].as<int>();
  std::vector<std::vector<std::string>> projections;
  if (runs > 0) {
    BacktestConfig config;
    config.origins = {0};
    config.horizon = vm["years"].as<int>();
    config.runs = runs;
    config.baselines = false;
    config.progress = !vm.count("quiet") && isatty(STDERR_FILENO);
    for (const auto& m : group)
      if (m.role != "region" && m.role != "england") config.las.push_back(m.area->code);
    const sim::Cluster single = sim::Cluster::local();
    const BacktestResult r = run_backtest(data, config, single);
    out << "\nProjected EHC plans, January " << year + config.horizon
        << " (median and 90% interval)\n";
    for (const auto& f : r.forecasts) {
      if (f.measure != "total" || f.target - f.origin != config.horizon) continue;
      std::string role;
      for (const auto& m : group)
        if (m.area->code == f.la_code) role = m.role;
      double base = 0;
      for (std::size_t g = 0; g < group.size(); ++g)
        if (group[g].area->code == f.la_code && values[g].at(year).count("plans"))
          base = values[g].at(year).at("plans");
      const double growth = base > 0 ? 100 * (f.forecast.p50 / base - 1) : 0;
      projections.push_back({f.la_code, f.la_name, role, std::to_string(f.target),
                             io::format_number(base), io::format_number(f.forecast.p50),
                             io::format_number(f.forecast.p05), io::format_number(f.forecast.p95),
                             io::format_number(growth)});
      char line[200];
      std::snprintf(line, sizeof line, "  %-24s %-22s %7.0f -> %7.0f (%6.0f to %6.0f)  %+5.0f%%\n",
                    f.la_name.c_str(), role.c_str(), base, f.forecast.p50, f.forecast.p05,
                    f.forecast.p95, growth);
      out << line;
    }
  }
  io::write_rows_csv(
      staged.path() / "projections.csv",
      {"la_code", "la_name", "role", "target", "plans_now", "p50", "p05", "p95", "growth_pct"},
      projections);
  staged.commit();
  out << "\nResults: " << io::display_path(staged.target())
      << "/ (benchmark.csv, projections.csv)\n";
  return EXIT_OK;
}

}  // namespace sendcast::cli
