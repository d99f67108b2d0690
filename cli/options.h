#pragma once
// Shared option parsing for subcommands: Boost.Program_options with errors turned into
// InputError, and a help text with a worked example.
#include <boost/program_options.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace sendcast::cli {

namespace po = boost::program_options;

struct CommandSpec {
  std::string usage;    //!< "sendcast data summary --la <name|code> [options]"
  std::string about;    //!< one paragraph
  std::string example;  //!< a command that works from the repository root
};

//! Parses `args` into `vm`; returns false (after printing help) when --help was given.
bool parse_options(const std::vector<std::string>& args, po::options_description options,
                   const CommandSpec& spec, po::variables_map& vm, std::ostream& out,
                   const po::positional_options_description* positional = nullptr);

}  // namespace sendcast::cli
