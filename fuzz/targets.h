#pragma once
// What each libFuzzer target does with one input, shared with the regression replay in
// tests/hardening/bad_input_test.cpp so that a crash found once stays fixed. Every function
// must return normally for any bytes: an InputError is the correct answer to bad input,
// anything else (a crash, a sanitizer report, another exception type) is a bug.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "io/capacity_register.h"
#include "io/csv.h"
#include "io/error.h"
#include "io/snpp.h"
#include "scenarios/scenario.h"

namespace sendcast::fuzz {

//! Parses `text` as CSV and reads every cell as a count and as a number.
inline void csv_one_input(std::string_view text) {
  try {
    const io::CsvTable table = io::CsvTable::parse(std::string(text), "fuzz.csv");
    for (std::size_t row = 0; row < table.rows(); ++row)
      for (std::size_t col = 0; col < table.columns(); ++col) {
        io::is_missing_marker(table.cell(row, col));
        try {
          table.count(row, col);
        } catch (const InputError&) {
        }
        try {
          table.number(row, col);
        } catch (const InputError&) {
        }
      }
    for (const std::string& name : table.header()) table.column(name);
  } catch (const InputError&) {
  }
}

//! A file of this process's own, so that parallel fuzzing jobs do not share one.
inline std::filesystem::path scratch_file(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("sendcast-fuzz-" + std::to_string(::getpid()) + "-" + name);
}

//! Writes `text` to a scratch .csv file and reads it as an SNPP file.
inline void snpp_one_input(std::string_view text) {
  const std::filesystem::path file = scratch_file("snpp.csv");
  std::ofstream(file, std::ios::binary).write(text.data(), static_cast<long>(text.size()));
  try {
    io::read_snpp({file});
  } catch (const InputError&) {
  }
  std::filesystem::remove(file);
}

//! Parses `text` as a scenario that claims to live beside the scenario seeds, so that an
//! include of a seed ("baseline.toml") merges real files. scenario.toml itself does not exist.
inline void scenario_one_input(std::string_view text) {
  try {
    scenarios::parse_scenario(text, SENDCAST_SOURCE_DIR "/fuzz/corpus/scenario/scenario.toml");
  } catch (const InputError&) {
  }
}

//! Reads `text` as a capacity register for Dudley's five townships.
inline void capacity_register_one_input(std::string_view text) {
  static const std::vector<std::string> townships = {"Brierley Hill", "Dudley", "Halesowen",
                                                     "Stourbridge",
                                                     "North Dudley (Sedgley/Coseley/Gornal)"};
  try {
    io::parse_capacity_register(std::string(text), "fuzz.csv", townships);
  } catch (const InputError&) {
  }
}

}  // namespace sendcast::fuzz
