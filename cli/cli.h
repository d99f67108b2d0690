#pragma once
// The command line: subcommands, their options, help and version. `main` only calls
// dispatch() and maps errors to exit codes, so every command can be tested in-process.
#include <ostream>
#include <string>
#include <vector>

namespace sendcast::cli {

//! Exit codes: 0 success, 2 bad input or usage (InputError), 1 anything else; 130 and 143
//! after SIGINT and SIGTERM (128 + the signal, io/interrupt.h).
constexpr int EXIT_OK = 0;
constexpr int EXIT_INTERNAL = 1;
constexpr int EXIT_INPUT = 2;

//! Runs `sendcast <args...>` (args excludes the program name). Throws InputError on bad
//! input or usage; prints results to `out`.
int dispatch(const std::vector<std::string>& args, std::ostream& out);

//! dispatch() with the errors caught and printed to `err` as "sendcast: error: ...", and an
//! interrupt reported with the output directories it left untouched.
int run_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

std::string version_string();

// Subcommands, one file each.
int data_command(const std::vector<std::string>& args, std::ostream& out);
int run_command(const std::vector<std::string>& args, std::ostream& out);
int compare_command(const std::vector<std::string>& args, std::ostream& out);
int backtest_command(const std::vector<std::string>& args, std::ostream& out);
int report_command(const std::vector<std::string>& args, std::ostream& out);
int benchmark_command(const std::vector<std::string>& args, std::ostream& out);
int goalseek_command(const std::vector<std::string>& args, std::ostream& out);
int forecast_all_command(const std::vector<std::string>& args, std::ostream& out);

}  // namespace sendcast::cli
