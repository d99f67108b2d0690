#pragma once
// The DfE Children's Services statistical neighbours (long form: la_code, la_name, SN,
// SN_code, SN_name, SN_prox), and the ward -> township lookup an LA supplies.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sendcast::io {

struct Neighbour {
  int rank = 0;  //!< 1 = closest
  std::string code;
  std::string name;
  std::string closeness;  //!< "Very close", ... (trailing spaces trimmed)
};

//! LA code -> its neighbours ranked 1..N. Ranks must be unique per LA.
std::map<std::string, std::vector<Neighbour>> read_neighbours(const std::filesystem::path& file);

}  // namespace sendcast::io
