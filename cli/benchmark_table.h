#pragma once
// The benchmarking table: an LA beside its statistical neighbours, regional peers, region and
// England on every published measure, with its rank in the group and its national percentile.
// Written by `sendcast benchmark` (benchmark.csv) and drawn in the report of every forecast.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/data_context.h"
#include "io/report_html.h"

namespace sendcast::cli {

struct BenchmarkMember {
  const io::Area* area = nullptr;
  std::string role;  //!< self, statistical_neighbour, regional_peer, region, england
};

//! One area's value of one metric in one January.
struct BenchmarkEntry {
  std::string la_code, la_name, role, metric;
  int year = 0;
  double value = 0;
  //! At the latest year, for LAs: rank from the highest in the group, the group's size, and
  //! the share of all English LAs at or below the value (0-100).
  std::optional<int> group_rank, group_size;
  std::optional<double> national_percentile;
};

struct BenchmarkTable {
  std::string la_name;
  int year = 0;  //!< January census year ranked
  std::vector<BenchmarkMember> group;
  //! Per group member: year -> metric -> value (2019 to `year`).
  std::vector<std::map<int, std::map<std::string, double>>> values;
  std::vector<BenchmarkEntry> entries;
  std::vector<std::string> sentences;  //!< one per metric the LA has, in metric order
};

//! The LA (self first), its 10 DfE statistical neighbours, its regional peers (`peers` if
//! given, else data/neighbours/regional_peers.csv, else LAs of the same kind in the region),
//! its region and England.
std::vector<BenchmarkMember> comparison_group(const io::DataContext& data, const io::Area& la,
                                              const std::vector<std::string>& peers);

//! Every metric of models::benchmark_metrics() for the group, 2019 to `year` (0: the LA's
//! latest census). Throws InputError unless `la` is a local authority.
BenchmarkTable benchmark_table(const io::DataContext& data, const io::Area& la,
                               const std::vector<std::string>& peers, int year);

//! benchmark.csv's header and rows.
std::vector<std::string> benchmark_csv_header();
std::vector<std::vector<std::string>> benchmark_csv_rows(const BenchmarkTable& table);
//! benchmark.csv read back (only `entries`, `la_name` and `year` are filled).
BenchmarkTable read_benchmark_csv(const std::filesystem::path& file);

//! The report's benchmarking section: the charted measures at the latest year, with a sentence
//! for each giving the LA's rank in its group and its national percentile.
io::BenchmarkSection benchmark_report_section(const BenchmarkTable& table);

//! The benchmarking section for a forecast's report: the LA at its origin census among its
//! group. nullopt when the area is not a local authority or the origin is before 2020.
std::optional<io::BenchmarkSection> forecast_benchmark(const io::DataContext& data,
                                                       const std::string& la_code, int origin);

}  // namespace sendcast::cli
