#pragma once
// Townships (or any sub-LA areas) and how an LA's population splits across them.
// Dudley ships a ward -> township lookup; with no ward-level population published, the split
// is by ward count (wards have roughly equal electorates): an assumption, stated in outputs.
#include <filesystem>
#include <string>
#include <vector>

namespace sendcast::io {

struct TownshipSplit {
  std::string source;                  //!< file it came from, for provenance
  std::string method;                  //!< e.g. "share of wards (equal-electorate assumption)"
  std::vector<std::string> townships;  //!< in first-seen file order
  std::vector<double> shares;          //!< sums to 1
};

//! Reads a ward lookup with columns `ward_name, township`: share = wards in township / wards.
TownshipSplit read_ward_township_lookup(const std::filesystem::path& file);

//! Reads an explicit split with columns `township, share` (shares > 0, normalised to sum 1).
TownshipSplit read_township_shares(const std::filesystem::path& file);

//! Chooses by header: `ward_name` means a ward lookup, `share` an explicit split.
TownshipSplit read_township_split(const std::filesystem::path& file);

}  // namespace sendcast::io
