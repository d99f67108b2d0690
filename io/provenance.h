#pragma once
// What every output file records about how it was made (after OpenMC's statepoint
// attributes): versions, time, seed, runs, scenario, input hashes, and which inputs are real
// data and which are illustrative defaults.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sendcast::io {

struct Provenance {
  std::string format_version = "1";
  std::string sendcast_version;
  std::string git_sha;
  std::string timestamp;  //!< UTC, ISO 8601
  std::uint64_t seed = 0;
  int runs = 0;
  int horizon = 0;
  std::string scenario_name;
  std::string scenario_file;
  std::string scenario_hash;
  std::string scenario_text;
  std::string command_line;
  std::vector<std::pair<std::string, std::string>> inputs;  //!< file, content hash
  std::vector<std::string> assumptions;                     //!< plain sentences
};

//! The current UTC time as 2026-11-23T07:00:00Z.
std::string utc_timestamp();

}  // namespace sendcast::io
