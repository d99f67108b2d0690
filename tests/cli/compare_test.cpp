// `sendcast compare` as a user meets it: the sentence, compare.csv, and the refusal to compare
// runs that did not share their random numbers.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/csv.h"
#include "io/results_h5.h"

namespace sendcast {
namespace {

namespace fs = std::filesystem;

struct Result {
  int status;
  std::string output;
};

Result run(const std::string& args) {
  const std::string cmd = std::string(SENDCAST_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) out += buf.data();
  return {WEXITSTATUS(pclose(pipe)), out};
}

class CompareCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::create_directories(dir());
    const std::string scenarios = SENDCAST_SOURCE_DIR "/scenarios/dudley/";
    for (const auto& [name, extra] :
         {std::pair{"baseline", ""}, std::pair{"new_base_2027", ""},
          std::pair{"other_seed", " --seed 7"}, std::pair{"inclusion", ""}}) {
      const std::string file = std::string(name) == "other_seed" ? "baseline" : name;
      const Result r = run("run --scenario " + scenarios + file + ".toml --runs 40 --years 6 " +
                           "--quiet --out " + (dir() / name).string() + extra);
      ASSERT_EQ(r.status, 0) << r.output;
    }
  }
  static void TearDownTestSuite() { fs::remove_all(dir()); }
  static fs::path dir() {
    return fs::temp_directory_path() / ("sendcast_compare_test_" + std::to_string(::getpid()));
  }
};

TEST_F(CompareCommand, SaysWhatTheNewBaseChangesRunByRun) {
  const fs::path csv = dir() / "compare.csv";
  const Result r = run("compare " + (dir() / "baseline").string() + " " +
                       (dir() / "new_base_2027").string() + " --year 2029 --out " + csv.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("\"New secondary C&I base (24 places) from 2027\" against \"Dudley "
                          "baseline\" changes independent placements in January 2029 by -"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("90% interval"), std::string::npos);
  EXPECT_NE(r.output.find("same in every run"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("illustrative"), std::string::npos);
  const auto t = io::CsvTable::read(csv);
  const std::size_t year = t.column("year"), measure = t.column("measure"),
                    group = t.column("group"), need = t.column("need_area"),
                    phase = t.column("phase"), positive = t.column("probability_positive"),
                    p50 = t.column("p50");
  bool seen = false;
  for (std::size_t row = 0; row < t.rows(); ++row) {
    if (t.cell(row, measure) == "ehc_plans") {
      EXPECT_EQ(t.cell(row, p50), "0");
    }
    if (t.cell(row, measure) != "overflow") continue;
    // More places never raise a group's overflow, nor C&I's (the base's own designation). A
    // broad-fit need area (C&L) can: children the new base takes in early years hold places
    // that later cohorts of that area would have had (seed 5 shows it in resourced C&L too).
    if (t.cell(row, need) == "all" || t.cell(row, need) == "C&I") {
      EXPECT_EQ(t.cell(row, positive), "0") << "overflow rose in some run, line " << t.line(row);
    }
    if (t.cell(row, year) == "2029" && t.cell(row, group) == "resourced_provision" &&
        t.cell(row, need) == "C&I" && t.cell(row, phase) == "all") {
      EXPECT_LT(std::stod(std::string(t.cell(row, p50))), 0);
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
}

// Every overflow, placed and demand row of compare.csv is the mean over runs of B - A, each run's
// sum over the cells of that group, phase and need area, recomputed here from results.h5's
// per-run cell arrays (which compare reads one measure at a time).
TEST_F(CompareCommand, CellMeasuresAreRunByRunSumsOfTheStoredCells) {
  const fs::path csv = dir() / "cells.csv";
  const Result r = run("compare " + (dir() / "baseline").string() + " " +
                       (dir() / "new_base_2027").string() + " --out " + csv.string());
  ASSERT_EQ(r.status, 0) << r.output;
  const io::StoredSufficiency a = io::read_sufficiency_h5(dir() / "baseline" / "results.h5");
  const io::StoredSufficiency b = io::read_sufficiency_h5(dir() / "new_base_2027" / "results.h5");
  const auto t = io::CsvTable::read(csv);
  const std::size_t year = t.column("year"), measure = t.column("measure"),
                    group = t.column("group"), phase = t.column("phase"),
                    area = t.column("need_area"), mean = t.column("mean");
  auto field = [](const std::string& label, int k) {
    std::size_t start = 0;
    for (int i = 0; i < k; ++i) start = label.find('|', start) + 1;
    return label.substr(start, label.find('|', start) - start);
  };
  auto run_sum = [&](const io::StoredSufficiency& s, const std::vector<std::int32_t>& values,
                     int run, int y, const std::string& g, const std::string& p,
                     const std::string& n) {
    long sum = 0;
    for (int c = 0; c < s.cells; ++c) {
      const std::string& label = s.categories[c];
      if ((g == "all" || field(label, 0) == g) && (p == "all" || field(label, 1) == p) &&
          (n == "all" || field(label, 2) == n))
        sum += values[(static_cast<std::size_t>(run) * s.years + y) * s.cells + c];
    }
    return sum;
  };
  int checked = 0, nonzero = 0;
  for (std::size_t row = 0; row < t.rows(); ++row) {
    const std::string m(t.cell(row, measure));
    if (m != "overflow" && m != "placed" && m != "demand") continue;
    const int y = static_cast<int>(std::find(a.census_years.begin(), a.census_years.end(),
                                             std::stoi(std::string(t.cell(row, year)))) -
                                   a.census_years.begin());
    ASSERT_LT(y, a.years);
    const auto& va = m == "overflow" ? a.overflow : m == "placed" ? a.placed : a.demand;
    const auto& vb = m == "overflow" ? b.overflow : m == "placed" ? b.placed : b.demand;
    const std::string g(t.cell(row, group)), p(t.cell(row, phase)), n(t.cell(row, area));
    double total = 0;
    for (int run = 0; run < a.runs; ++run)
      total +=
          static_cast<double>(run_sum(b, vb, run, y, g, p, n) - run_sum(a, va, run, y, g, p, n));
    const double expected = total / a.runs;
    EXPECT_NEAR(std::stod(std::string(t.cell(row, mean))), expected,
                1e-5 * std::max(1.0, std::abs(expected)))
        << "line " << t.line(row) << ": " << m << " " << g << " " << p << " " << n;
    ++checked;
    nonzero += expected != 0;
  }
  EXPECT_GT(checked, 100);
  EXPECT_GT(nonzero, 10);
}

// The DBV "mitigated minus unmitigated" view: fewer new plans lower HNB spend and the
// cumulative deficit in every run (the same children otherwise: common random numbers).
TEST_F(CompareCommand, MitigationLowersSpendAndDeficitInEveryRun) {
  const fs::path csv = dir() / "mitigation.csv";
  const Result r = run("compare " + (dir() / "baseline").string() + " " +
                       (dir() / "inclusion").string() + " --out " + csv.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("High Needs Block, B - A per run"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2030-31  spend -"), std::string::npos) << r.output;
  const auto t = io::CsvTable::read(csv);
  const std::size_t year = t.column("year"), measure = t.column("measure"),
                    group = t.column("group"), positive = t.column("probability_positive"),
                    negative = t.column("probability_negative");
  int deficit_rows = 0, category_rows = 0;
  for (std::size_t row = 0; row < t.rows(); ++row) {
    const std::string m(t.cell(row, measure));
    if (m == "hnb_spend" && t.cell(row, group) != "all") ++category_rows;
    if (m != "cumulative_deficit" && !(m == "hnb_spend" && t.cell(row, group) == "all")) continue;
    EXPECT_EQ(t.cell(row, positive), "0") << m << " rose in some run, line " << t.line(row);
    if (m == "cumulative_deficit") {
      ++deficit_rows;
      EXPECT_EQ(t.cell(row, year).size(), 7u);  // "2025-26"
    }
    if (t.cell(row, year) == "2030-31") {
      EXPECT_EQ(t.cell(row, negative), "1");
    }
  }
  EXPECT_EQ(deficit_rows, 6);       // --years 6: financial years 2025-26 to 2030-31
  EXPECT_EQ(category_rows, 7 * 6);  // every DSG category
}

// A run writes results.h5.crc32; compare and report check results.h5 against it before HDF5
// reads the file (a damaged HDF5 heap can crash HDF5 itself), and refuse a damaged or cut copy
// with exit status 2 and no output. Without the record the file is read unchecked.
TEST_F(CompareCommand, RefusesADamagedResultsFileByItsChecksum) {
  ASSERT_TRUE(fs::exists(dir() / "new_base_2027" / "results.h5.crc32"));
  const fs::path copy = dir() / "damaged";
  fs::remove_all(copy);
  fs::copy(dir() / "new_base_2027", copy);
  const fs::path h5 = copy / "results.h5";
  const std::string a = (dir() / "baseline").string();
  // Unchanged, the copy compares as the original does.
  EXPECT_EQ(
      run("compare " + a + " " + copy.string() + " --out " + (copy / "ok.csv").string()).status, 0);
  const auto size = fs::file_size(h5);
  {
    std::fstream f(h5, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    char byte = 0;
    f.read(&byte, 1);
    f.seekp(static_cast<std::streamoff>(size / 2));
    byte = static_cast<char>(byte ^ 0x10);  // one bit
    f.write(&byte, 1);
  }
  const Result damaged =
      run("compare " + a + " " + copy.string() + " --out " + (copy / "bad.csv").string());
  EXPECT_EQ(damaged.status, 2) << damaged.output;
  EXPECT_NE(damaged.output.find(h5.string() + ": does not match the CRC-32 in results.h5.crc32"),
            std::string::npos)
      << damaged.output;
  EXPECT_FALSE(fs::exists(copy / "bad.csv"));
  const Result report = run("report " + h5.string() + " --out " + (copy / "r.html").string());
  EXPECT_EQ(report.status, 2) << report.output;
  EXPECT_NE(report.output.find("CRC-32"), std::string::npos) << report.output;
  EXPECT_FALSE(fs::exists(copy / "r.html"));
  fs::resize_file(h5, size - 100);
  const Result cut =
      run("compare " + copy.string() + " " + a + " --out " + (copy / "cut.csv").string());
  EXPECT_EQ(cut.status, 2) << cut.output;
  EXPECT_NE(cut.output.find("is " + std::to_string(size - 100) + " bytes, not the " +
                            std::to_string(size)),
            std::string::npos)
      << cut.output;
  // Without the record, an undamaged file is read as before.
  fs::remove(h5);
  fs::copy_file(dir() / "new_base_2027" / "results.h5", h5);
  fs::remove(copy / "results.h5.crc32");
  EXPECT_EQ(
      run("compare " + a + " " + copy.string() + " --out " + (copy / "ok2.csv").string()).status,
      0);
  fs::remove_all(copy);
}

// An output folder is refused only for files sendcast did not write (io/output_dir.cpp lists
// the names): every file the commands write into or beside one must be on that list, or the
// next run into the same folder would be refused. Each command's outputs, then the same command
// again into the same folder.
TEST_F(CompareCommand, EveryCommandCanWriteAgainIntoItsOwnFolder) {
  const fs::path again = dir() / "again";
  const std::string base = (dir() / "baseline").string();
  const std::string scenario = SENDCAST_SOURCE_DIR "/scenarios/dudley/new_base_2027.toml";
  const std::string run_again =
      "run --scenario " + scenario + " --runs 40 --years 6 --full --quiet --out " + again.string();
  ASSERT_EQ(run(run_again).status, 0);
  // What the other commands leave beside a run: comparison.html and .xlsx beside B,
  // compare.csv and goalseek.csv where --out puts them.
  ASSERT_EQ(run("report " + base + "/results.h5 " + (again / "results.h5").string()).status, 0);
  ASSERT_EQ(
      run("compare " + base + " " + again.string() + " --out " + (again / "compare.csv").string())
          .status,
      0);
  ASSERT_EQ(run("goalseek --scenario " + scenario +
                " --target 'gap <= 20m by 2029-30' --lever joiner_rate --runs 10 --years 6 "
                "--quiet --out " +
                again.string())
                .status,
            0);
  ASSERT_TRUE(fs::exists(again / "comparison.html"));
  ASSERT_TRUE(fs::exists(again / "goalseek.csv"));
  const Result rerun = run(run_again);
  EXPECT_EQ(rerun.status, 0) << rerun.output;
  const std::string backtest =
      "backtest --origin 2022 --horizon 1 --la Dudley --runs 10 --quiet "
      "--out " +
      (dir() / "bt").string();
  const std::string benchmark =
      "benchmark --la Dudley --runs 0 --quiet --out " + (dir() / "bm").string();
  const std::string forecast_all =
      "forecast-all --la Dudley --runs 10 --years 2 --quiet --out " + (dir() / "fa").string();
  for (const std::string& command : {backtest, benchmark, forecast_all}) {
    ASSERT_EQ(run(command).status, 0) << command;
    const Result second = run(command);
    EXPECT_EQ(second.status, 0) << command << "\n" << second.output;
  }
}

TEST_F(CompareCommand, RefusesRunsWithDifferentSeeds) {
  const Result r = run("compare " + (dir() / "baseline").string() + " " +
                       (dir() / "other_seed").string() + " --out " + (dir() / "bad.csv").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("'seed': differs from run A"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("common random numbers"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir() / "bad.csv"));
}

// The message shows both runs' numbers of runs (stored as integers, once shown as raw bytes).
TEST_F(CompareCommand, RefusesRunsWithDifferentRunCountsAndSaysBoth) {
  const fs::path fewer = dir() / "fewer_runs";
  const Result made = run("run --scenario " SENDCAST_SOURCE_DIR
                          "/scenarios/dudley/baseline.toml --runs 30 --years 6 --quiet --out " +
                          fewer.string());
  ASSERT_EQ(made.status, 0) << made.output;
  const Result r = run("compare " + (dir() / "baseline").string() + " " + fewer.string() +
                       " --out " + (dir() / "bad_runs.csv").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("'runs': differs from run A (40 in "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(", 30 here)"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir() / "bad_runs.csv"));
}

TEST_F(CompareCommand, RefusesAFolderWithoutResults) {
  const Result r = run("compare " + (dir() / "baseline").string() + " " + dir().string() +
                       "/nothing --out " + (dir() / "bad.csv").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("no results.h5 here"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace sendcast
