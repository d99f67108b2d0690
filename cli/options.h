#pragma once
// Shared option parsing for subcommands: Boost.Program_options with errors turned into
// InputError, and a help text with a worked example.
#include <boost/program_options.hpp>
#include <cstdint>
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

//! A master seed given on the command line (--seed): a whole number from 0 to 2^64 - 1 written
//! in digits. Boost reads "-1" into an unsigned integer as 2^64 - 1; this type refuses it.
struct Seed {
  std::uint64_t value = 0;
};
//! Boost.Program_options' hook for Seed (found by argument-dependent lookup).
void validate(boost::any& v, const std::vector<std::string>& values, Seed*, int);

//! Parses `args` into `vm`; returns false (after printing help) when --help was given.
bool parse_options(const std::vector<std::string>& args, po::options_description options,
                   const CommandSpec& spec, po::variables_map& vm, std::ostream& out,
                   const po::positional_options_description* positional = nullptr);

}  // namespace sendcast::cli
