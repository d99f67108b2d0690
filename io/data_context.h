#pragma once
// Everything read from the data directory once per process: the SEN2 tables for every area,
// the ONS projections embedded in data/ons/, and the statistical neighbours.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "io/neighbours.h"
#include "io/sen2_tables.h"
#include "io/snpp.h"

namespace sendcast::io {

struct DataContext {
  std::filesystem::path data_dir;
  Sen2Tables tables;
  PopulationProjection population;  //!< every data/ons/*.csv[.gz], merged
};

//! Reads the SEN2 tables and every SNPP file in `<data_dir>/ons/`.
DataContext load_data_context(const std::string& explicit_data_dir = "");

}  // namespace sendcast::io
