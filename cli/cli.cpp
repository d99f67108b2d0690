#include "cli/cli.h"

#include <charconv>
#include <exception>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <system_error>

#include "cli/options.h"
#include "io/data_dir.h"
#include "io/error.h"
#include "io/interrupt.h"
#include "sendcast_version.h"

namespace sendcast::cli {

namespace {

struct Command {
  const char* name;
  const char* summary;
  std::function<int(const std::vector<std::string>&, std::ostream&)> run;
};

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"run", "forecast EHC plans for a scenario (default: Dudley baseline)", run_command},
      {"compare", "run-by-run differences between two runs (B - A), e.g. a new base",
       compare_command},
      {"goalseek", "smallest lever change meeting a finance target, e.g. deficit <= 0 by 2030-31",
       goalseek_command},
      {"backtest", "rolling-origin forecast accuracy against published history and baselines",
       backtest_command},
      {"forecast-all", "LA-level forecasts for every LA (splits LAs across MPI ranks)",
       forecast_all_command},
      {"benchmark", "the LA beside its statistical neighbours, regional peers, region and England",
       benchmark_command},
      {"report", "rebuild report.html and workbook.xlsx from results.h5; compare two",
       report_command},
      {"data", "inspect the embedded published data (list-las, summary)", data_command},
  };
  return list;
}

void print_help(std::ostream& out) {
  out << "sendcast " << version_string() << "\n"
      << "Monte Carlo forecasts of EHC plans and specialist place sufficiency for English LAs.\n\n"
      << "usage: sendcast <command> [options]      sendcast <command> --help\n\ncommands:\n";
  for (const auto& c : commands())
    out << "  " << std::left << std::setw(14) << c.name << c.summary << "\n";
  out << "\noptions:\n  --help       this text\n  --version    version and git SHA\n\n"
      << "example: sendcast data summary --la Dudley\n";
}

//! Says that nothing was written, and which earlier results were kept as they were.
void report_interrupt(const Interrupted& e, std::ostream& err) {
  err << "sendcast: " << e.what() << ": stopped before writing any results";
  for (const auto& dir : abandoned_outputs()) {
    if (std::filesystem::exists(dir))
      err << "; the earlier results in " << io::display_path(dir) << " are untouched";
    else
      err << "; nothing was written to " << io::display_path(dir);
  }
  err << "\n";
}

}  // namespace

std::string version_string() {
  return std::string(SENDCAST_VERSION) + " (git " + SENDCAST_GIT_SHA + ")";
}

void validate(boost::any& v, const std::vector<std::string>& values, Seed*, int) {
  po::validators::check_first_occurrence(v);
  const std::string& text = po::validators::get_single_string(values);
  // from_chars reads digits only into an unsigned value: no sign, no spaces, no wrapping.
  Seed seed;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, seed.value);
  if (text.empty() || error != std::errc() || stop != end) throw po::invalid_option_value(text);
  v = seed;
}

bool parse_options(const std::vector<std::string>& args, po::options_description options,
                   const CommandSpec& spec, po::variables_map& vm, std::ostream& out,
                   const po::positional_options_description* positional) {
  options.add_options()("help,h", "show this help");
  try {
    auto parser = po::command_line_parser(args).options(options);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      out << "usage: " << spec.usage << "\n\n"
          << spec.about << "\n\n"
          << options << "\nexample:\n  " << spec.example << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError({"command line"}, std::string(e.what()) + " (see --help)");
  }
  return true;
}

int dispatch(const std::vector<std::string>& args, std::ostream& out) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_help(out);
    return args.empty() ? EXIT_INPUT : EXIT_OK;
  }
  if (args[0] == "--version") {
    out << "sendcast " << version_string() << "\n";
    return EXIT_OK;
  }
  for (const auto& c : commands())
    if (args[0] == c.name) return c.run({args.begin() + 1, args.end()}, out);
  throw InputError({"command line"},
                   "unknown command " + in_quotes(args[0]) + " (see sendcast --help)");
}

int run_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    return dispatch(args, out);
  } catch (const Interrupted& e) {
    report_interrupt(e, err);
    return e.exit_code();
  } catch (const InputError& e) {
    err << "sendcast: error: " << e.what() << "\n";
    return EXIT_INPUT;
  } catch (const std::exception& e) {
    err << "sendcast: internal error: " << e.what() << "\n";
    return EXIT_INTERNAL;
  }
}

}  // namespace sendcast::cli
