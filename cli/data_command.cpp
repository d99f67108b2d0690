// `sendcast data list-las` and `sendcast data summary --la <name|code>`.
#include <iomanip>

#include "cli/cli.h"
#include "cli/options.h"
#include "io/data_context.h"
#include "io/data_dir.h"
#include "io/error.h"
#include "io/la_history.h"
#include "io/snpp.h"
#include "io/summary.h"

namespace sendcast::cli {

namespace {

int list_las(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options("options");
  options.add_options()("data-dir", po::value<std::string>()->default_value(""),
                        "data directory (default: the embedded data/)");
  po::variables_map vm;
  const CommandSpec spec{
      "sendcast data list-las [--data-dir DIR]",
      "Lists every local authority in the SEN2 data: ONS code, DfE number, name, region.",
      "sendcast data list-las"};
  if (!parse_options(args, options, spec, vm, out)) return EXIT_OK;
  const auto data_dir = io::resolve_data_dir(vm["data-dir"].as<std::string>());
  const auto tables = io::load_sen2_tables(data_dir);
  out << std::left << std::setw(11) << "code" << std::setw(6) << "la" << std::setw(36) << "name"
      << "region\n";
  int n = 0;
  for (const auto& a : tables.areas) {
    if (a.level != "Local authority") continue;
    out << std::setw(11) << a.code << std::setw(6) << a.old_code << std::setw(36) << a.name
        << a.region << "\n";
    ++n;
  }
  out << n << " local authorities\n";
  return EXIT_OK;
}

int summary(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options("options");
  options.add_options()("la", po::value<std::string>()->required(),
                        "local authority: name, ONS code or DfE number; also a region or England")(
      "data-dir", po::value<std::string>()->default_value(""),
      "data directory (default: the embedded data/)");
  po::variables_map vm;
  const CommandSpec spec{
      "sendcast data summary --la <name|code> [--data-dir DIR]",
      "Prints an area's published history: January caseload 2010-2025 with growth, new plans,\n"
      "ceased plans and requests by year, population 0-25 and plans per 1,000 where ONS\n"
      "projections are embedded, placement mix 2019-2025 and primary need mix.",
      "sendcast data summary --la Dudley"};
  if (!parse_options(args, options, spec, vm, out)) return EXIT_OK;
  const io::DataContext data = io::load_data_context(vm["data-dir"].as<std::string>());
  const io::Area& area = io::find_area(data.tables.areas, vm["la"].as<std::string>());
  io::print_history_summary(out, io::build_la_history(data.tables, area, &data.population));
  return EXIT_OK;
}

}  // namespace

int data_command(const std::vector<std::string>& args, std::ostream& out) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    out << "usage: sendcast data <list-las|summary> [options]\n\n"
        << "  list-las   every local authority in the data: code, number, name, region\n"
        << "  summary    one area's published history (--la <name|code>)\n\n"
        << "example: sendcast data summary --la Dudley\n";
    return args.empty() ? EXIT_INPUT : EXIT_OK;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "list-las") return list_las(rest, out);
  if (args[0] == "summary") return summary(rest, out);
  throw InputError({"command line"},
                   "unknown data subcommand " + in_quotes(args[0]) + " (see sendcast data --help)");
}

}  // namespace sendcast::cli
