// Benchmarking as the report and `sendcast benchmark` use it: Dudley among its statistical
// neighbours, regional peers, region and England on the published data, with ranks and national
// percentiles, the CSV read back, and the report's section built from either.
#include "cli/benchmark_table.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "io/csv_writer.h"
#include "io/error.h"

namespace sendcast::cli {
namespace {

namespace fs = std::filesystem;

const io::DataContext& data() {
  static const io::DataContext d = io::load_data_context(SENDCAST_SOURCE_DIR "/data");
  return d;
}

const BenchmarkTable& dudley() {
  static const BenchmarkTable t =
      benchmark_table(data(), io::find_area(data().tables.areas, "Dudley"), {}, 0);
  return t;
}

const BenchmarkEntry* find(const BenchmarkTable& t, const std::string& code,
                           const std::string& metric, int year) {
  for (const auto& e : t.entries)
    if (e.la_code == code && e.metric == metric && e.year == year) return &e;
  return nullptr;
}

TEST(BenchmarkTable, PutsDudleyAmongItsNeighboursOnPublishedData) {
  const BenchmarkTable& t = dudley();
  EXPECT_EQ(t.year, 2025);
  ASSERT_FALSE(t.group.empty());
  EXPECT_EQ(t.group.front().role, "self");
  auto count = [&](const std::string& role) {
    return std::count_if(t.group.begin(), t.group.end(),
                         [&](const auto& m) { return m.role == role; });
  };
  EXPECT_EQ(count("statistical_neighbour"), 10);
  EXPECT_GE(count("regional_peer"), 1);
  EXPECT_EQ(count("region"), 1);
  EXPECT_EQ(count("england"), 1);
  const BenchmarkEntry* plans = find(t, "E08000027", "plans", 2025);
  ASSERT_TRUE(plans);
  EXPECT_DOUBLE_EQ(plans->value, 3805);  // SEN2, January 2025
  ASSERT_TRUE(plans->group_rank && plans->group_size && plans->national_percentile);
  EXPECT_GE(*plans->group_rank, 1);
  EXPECT_LE(*plans->group_rank, *plans->group_size);
  EXPECT_GT(*plans->national_percentile, 0);
  EXPECT_LE(*plans->national_percentile, 100);
  const BenchmarkEntry* history = find(t, "E08000027", "plans", 2019);
  ASSERT_TRUE(history);
  EXPECT_DOUBLE_EQ(history->value, 1926);
  EXPECT_FALSE(history->group_rank) << "ranks are for the latest year only";
  EXPECT_FALSE(t.sentences.empty());
}

TEST(BenchmarkTable, TheReportSectionChartsTheLaWithItsRankAndNationalPercentile) {
  const io::BenchmarkSection s = benchmark_report_section(dudley());
  ASSERT_FALSE(s.charted.empty());
  EXPECT_EQ(s.charted.size(), s.notes.size());
  for (const auto& n : s.notes) {
    EXPECT_NE(n.find("Dudley"), std::string::npos) << n;
    EXPECT_NE(n.find("of English LAs are at or below it"), std::string::npos) << n;
  }
  EXPECT_TRUE(std::any_of(s.rows.begin(), s.rows.end(),
                          [](const auto& r) { return r.role == "self" && r.la_name == "Dudley"; }));
}

TEST(BenchmarkTable, CsvReadsBackToTheSameSection) {
  const fs::path file =
      fs::temp_directory_path() / ("sendcast_benchmark_" + std::to_string(::getpid()) + ".csv");
  io::write_rows_csv(file, benchmark_csv_header(), benchmark_csv_rows(dudley()));
  const BenchmarkTable back = read_benchmark_csv(file);
  fs::remove(file);
  EXPECT_EQ(back.la_name, "Dudley");
  EXPECT_EQ(back.year, 2025);
  ASSERT_EQ(back.entries.size(), dudley().entries.size());
  const io::BenchmarkSection a = benchmark_report_section(dudley()),
                             b = benchmark_report_section(back);
  EXPECT_EQ(a.charted, b.charted);
  EXPECT_EQ(a.notes, b.notes);
}

TEST(BenchmarkTable, OnlyLocalAuthoritiesAreBenchmarked) {
  EXPECT_THROW(benchmark_table(data(), io::find_area(data().tables.areas, "England"), {}, 0),
               InputError);
  EXPECT_FALSE(
      forecast_benchmark(data(), io::find_area(data().tables.areas, "England").code, 2025));
  EXPECT_FALSE(forecast_benchmark(data(), "E08000027", 2015)) << "no published mix before 2019";
  EXPECT_TRUE(forecast_benchmark(data(), "E08000027", 2025));
}

}  // namespace
}  // namespace sendcast::cli
