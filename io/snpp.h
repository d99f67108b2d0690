#pragma once
// ONS subnational population projections (SNPP) in the published CSV layout:
// AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP, then one column per mid-year (2022 ... 2047).
#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "io/codes.h"

namespace sendcast::io {

//! Mid-year population of one area by single year of age 0..25 (persons).
struct AreaPopulation {
  std::string code;
  std::string name;
  std::string source;                                //!< the file its rows came from
  std::map<int, std::array<double, N_AGES>> by_age;  //!< mid-year -> persons by age
  std::map<int, double> all_ages;                    //!< mid-year -> "All ages" persons
  bool has_year(int year) const { return by_age.count(year) != 0; }
};

struct PopulationProjection {
  std::vector<std::string> sources;             //!< files read, for provenance
  std::map<std::string, AreaPopulation> areas;  //!< by ONS code
  const AreaPopulation* find(const std::string& code) const;
};

//! Reads one or more SNPP files and merges them. Rows other than COMPONENT "Population" are
//! skipped; SEX "persons" is used, or males + females where a file has only those. Ages over
//! 25 are ignored except "All ages"; "90 and over" is accepted. Every area with any age row
//! must have all ages 0..25 for every year column: a gap is an error naming file and line.
PopulationProjection read_snpp(const std::vector<std::filesystem::path>& files);

}  // namespace sendcast::io
