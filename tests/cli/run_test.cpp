// `sendcast run` as a user meets it: the files it writes, their contract, reproducibility
// across thread counts, and that a failed run leaves earlier results alone.
#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "cli/forecast_job.h"
#include "io/error.h"
#include "io/full_state_h5.h"
#include "io/results_h5.h"
#include "scenarios/scenario.h"

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

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class RunCommand : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("sendcast_run_test_" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(RunCommand, WritesResultsAndSummaryForTheDudleyBaseline) {
  const Result r = run("run --scenario " SENDCAST_SOURCE_DIR
                       "/scenarios/dudley/baseline.toml --runs 200 --quiet --out " +
                       (dir / "base").string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Dudley (E08000027)"), std::string::npos);
  EXPECT_NE(r.output.find("2025  3,805 (published)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("township split"),
            std::string::npos);  // the illustrative assumption is said
  const std::string csv = slurp(dir / "base" / "summary.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "year,breakdown,category,actual,mean,sd,p05,p10,p25,p50,p75,p90,p95");
  EXPECT_NE(csv.find("\n2019,total,all,1926,"), std::string::npos);  // history rows carry actuals
  EXPECT_NE(csv.find("\n2035,total,all,,"), std::string::npos);      // the horizon
  EXPECT_NE(csv.find(",township,Halesowen,"), std::string::npos);
  const auto total = io::read_breakdown_h5(dir / "base" / "results.h5", "total");
  EXPECT_EQ(total.runs, 200);
  EXPECT_EQ(total.years, 11);
  EXPECT_EQ(total.census_years.front(), 2025);
  for (int run = 0; run < total.runs; ++run) EXPECT_EQ(total.counts[run * total.years], 3805);
  EXPECT_EQ(io::read_attribute_h5(dir / "base" / "results.h5", "seed"), "20250123");
  EXPECT_EQ(io::read_attribute_h5(dir / "base" / "results.h5", "la_code"), "E08000027");
  EXPECT_NE(io::read_attribute_h5(dir / "base" / "results.h5", "input_hashes").find("caseload.csv"),
            std::string::npos);
  EXPECT_FALSE(io::read_attribute_h5(dir / "base" / "results.h5", "scenario_hash").empty());
  // Per-run costs are kept, so that `sendcast report` can rebuild the finance section.
  ASSERT_TRUE(io::has_finance_h5(dir / "base" / "results.h5"));
  const io::StoredFinance finance = io::read_finance_h5(dir / "base" / "results.h5");
  EXPECT_EQ(finance.results.runs, 200);
  EXPECT_EQ(finance.results.years, 10);
  EXPECT_EQ(finance.results.first_year, 2025);
  EXPECT_EQ(finance.income.size(), 10u);
  EXPECT_GT(finance.opening_balance, 13.609e6);  // brought forward from 2021-22, then grown
  EXPECT_TRUE(finance.illustrative);
  for (double c : finance.results.children) EXPECT_GE(c, 0);
  const std::string html = slurp(dir / "base" / "report.html");
  for (const char* id : {"finance", "benchmark", "backtest", "sufficiency"})
    EXPECT_NE(html.find("<section id=\"" + std::string(id) + "\">"), std::string::npos) << id;
  EXPECT_NE(html.find("Dudley: past forecasts of all EHC plans"), std::string::npos);
}

// results.h5's per-run arrays are encoded chunk by chunk in parallel (256 runs a chunk) and
// written raw: 300 runs make a whole chunk and a zero-padded edge chunk, and every value must
// read back through HDF5's own filters exactly as the run made it.
TEST_F(RunCommand, PerRunArraysReadBackExactlyAcrossChunkEdges) {
  scenarios::Scenario s =
      scenarios::load_scenario(SENDCAST_SOURCE_DIR "/scenarios/dudley/baseline.toml");
  s.runs = 300;
  s.years = 3;
  const cli::ForecastJob job = cli::run_forecast(s, {});
  ASSERT_TRUE(job.sufficiency);
  const fs::path file = dir / "results.h5";
  io::write_results_h5(file, job.results, job.parameters, job.history, job.provenance, 2);
  const auto& r = job.sufficiency->results;
  io::append_sufficiency_h5(file, r, job.sufficiency->model->setup(), true, "note", 2);
  const int cols = job.results.layout.columns();
  for (const auto& b : job.results.layout.breakdowns()) {
    const io::StoredBreakdown stored = io::read_breakdown_h5(file, b.name);
    ASSERT_EQ(stored.runs, 300);
    ASSERT_EQ(stored.years, 4);
    const int k = static_cast<int>(b.categories.size());
    ASSERT_EQ(stored.categories, k);
    for (int run = 0; run < 300; ++run)
      for (int y = 0; y < 4; ++y)
        for (int c = 0; c < k; ++c)
          ASSERT_EQ(stored.counts[(run * 4 + y) * k + c],
                    job.results.data[(run * 4 + y) * cols + b.offset + c])
              << b.name << " run " << run << " year " << y << " category " << c;
  }
  const io::StoredSufficiency stored = io::read_sufficiency_h5(file);
  EXPECT_EQ(stored.demand, r.demand);
  EXPECT_EQ(stored.overflow, r.overflow);
  ASSERT_EQ(stored.placed.size(), r.demand.size());
  for (std::size_t i = 0; i < r.demand.size(); ++i)
    ASSERT_EQ(stored.placed[i], r.demand[i] - r.overflow[i]) << i;
  EXPECT_EQ(stored.occupied, r.occupied);
  EXPECT_EQ(stored.vacancies, r.vacancies);
  EXPECT_EQ(stored.placed_outside_township, r.placed_outside_township);
  EXPECT_EQ(stored.diverted, r.diverted);
  std::int64_t overflow = 0;
  for (auto v : r.overflow) overflow += v;
  EXPECT_GT(overflow, 0);  // the arrays compared are not all zero
}

TEST_F(RunCommand, TimingsListEveryPhaseAndTheirTotal) {
  const Result r = run("run --la Sandwell --runs 20 --years 2 --quiet --timings --out " +
                       (dir / "timed").string());
  ASSERT_EQ(r.status, 0) << r.output;
  const auto at = r.output.find("Timings (wall seconds):");
  ASSERT_NE(at, std::string::npos) << r.output;
  std::istringstream lines(r.output.substr(at));
  std::string line;
  std::getline(lines, line);
  std::vector<std::string> phases;
  double sum = 0, total = -1;
  while (std::getline(lines, line)) {
    const auto last = line.find_last_of(' ');
    ASSERT_NE(last, std::string::npos) << line;
    const double seconds = std::stod(line.substr(last + 1));
    EXPECT_GE(seconds, 0) << line;
    std::string name = line.substr(0, last);
    name = name.substr(name.find_first_not_of(' '));
    name = name.substr(0, name.find_last_not_of(' ') + 1);
    if (name == "total") {
      total = seconds;
      break;
    }
    phases.push_back(name);
    sum += seconds;
  }
  EXPECT_EQ(phases, (std::vector<std::string>{"data and calibration", "simulation", "summaries",
                                              "results.h5, after the summaries", "CSV files",
                                              "benchmarking and past forecasts",
                                              "report, workbook and commit"}));
  EXPECT_NEAR(total, sum, 0.05);  // each figure is rounded to 0.01 s
  // Without the option the section is not printed.
  const Result quiet =
      run("run --la Sandwell --runs 20 --years 2 --quiet --out " + (dir / "untimed").string());
  ASSERT_EQ(quiet.status, 0) << quiet.output;
  EXPECT_EQ(quiet.output.find("Timings"), std::string::npos);
}

TEST_F(RunCommand, ReportRebuildsTheSameFinanceFromResultsH5) {
  ASSERT_EQ(run("run --runs 50 --years 4 --quiet --out " + (dir / "f").string()).status, 0);
  const Result r = run("report " + (dir / "f" / "results.h5").string() + " --out " +
                       (dir / "rebuilt.html").string());
  ASSERT_EQ(r.status, 0) << r.output;
  // Everything but the timestamp-free sections may differ in provenance; the finance section
  // is computed from the same per-run costs, so it is the same text.
  auto finance = [](const std::string& html) {
    const auto a = html.find("<section id=\"finance\">");
    return a == std::string::npos ? std::string() : html.substr(a, html.find("</section>", a) - a);
  };
  const std::string original = finance(slurp(dir / "f" / "report.html"));
  EXPECT_FALSE(original.empty());
  EXPECT_EQ(finance(slurp(dir / "rebuilt.html")), original);
}

TEST_F(RunCommand, FinanceInResultsH5IsCheckedBothWays) {
  // An LA without High Needs Block allocations in data/finance/: no /finance, and reading it
  // names the file.
  ASSERT_EQ(
      run("run --la Cornwall --runs 20 --years 3 --quiet --out " + (dir / "c").string()).status, 0);
  const fs::path h5 = dir / "c" / "results.h5";
  EXPECT_FALSE(io::has_finance_h5(h5));
  try {
    io::read_finance_h5(h5);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(h5.string()), std::string::npos) << e.what();
  }
  io::StoredFinance bad;
  bad.results.runs = 2, bad.results.years = 3;
  bad.results.children.assign(5, 0.0);  // not runs x years x categories
  EXPECT_THROW(io::append_finance_h5(h5, bad), InputError);
  EXPECT_FALSE(io::has_finance_h5(h5));
}

TEST_F(RunCommand, AnOriginBeforeTheAllocationsForecastsWithoutFinance) {
  const Result r =
      run("run --start-year 2019 --years 4 --runs 50 --quiet --out " + (dir / "old").string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(io::has_finance_h5(dir / "old" / "results.h5"));
  EXPECT_FALSE(fs::exists(dir / "old" / "deficit.csv"));
  const std::string html = slurp(dir / "old" / "report.html");
  EXPECT_NE(html.find("no High Needs Block allocation for Dudley from January 2019"),
            std::string::npos);
}

TEST_F(RunCommand, OneAndTwoThreadsWriteTheSameNumbers) {
  const std::string common = "run --la Sandwell --runs 100 --years 5 --quiet --seed 42 ";
  ASSERT_EQ(run(common + "--threads 1 --out " + (dir / "t1").string()).status, 0);
  ASSERT_EQ(run(common + "--threads 2 --out " + (dir / "t2").string()).status, 0);
  EXPECT_EQ(slurp(dir / "t1" / "summary.csv"), slurp(dir / "t2" / "summary.csv"));
  const auto a = io::read_breakdown_h5(dir / "t1" / "results.h5", "age");
  const auto b = io::read_breakdown_h5(dir / "t2" / "results.h5", "age");
  EXPECT_EQ(a.counts, b.counts);
}

// The sufficiency summaries run year by year on the threads: the same rows, in the same order.
TEST_F(RunCommand, OneAndTwoThreadsWriteTheSameSufficiencyRows) {
  const std::string common = "run --scenario " SENDCAST_SOURCE_DIR
                             "/scenarios/dudley/baseline.toml --runs 60 --years 4 "
                             "--quiet ";
  ASSERT_EQ(run(common + "--threads 1 --out " + (dir / "s1").string()).status, 0);
  ASSERT_EQ(run(common + "--threads 2 --out " + (dir / "s2").string()).status, 0);
  const std::string one = slurp(dir / "s1" / "sufficiency.csv");
  EXPECT_GT(std::count(one.begin(), one.end(), '\n'), 1000);
  EXPECT_EQ(one, slurp(dir / "s2" / "sufficiency.csv"));
}

// --threads may exceed the machine's cores: the summaries keep memory per thread, one for each
// thread asked for (sized by the cores, a third thread found none and the run failed).
TEST_F(RunCommand, MoreThreadsThanCoresWriteTheSameRows) {
  const std::string common = "run --scenario " SENDCAST_SOURCE_DIR
                             "/scenarios/dudley/baseline.toml --runs 60 --years 4 --quiet ";
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  const std::string many = std::to_string(std::max(cores, 1L) + 3);
  ASSERT_EQ(run(common + "--threads 1 --out " + (dir / "m1").string()).status, 0);
  const Result r = run(common + "--threads " + many + " --out " + (dir / "mn").string());
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* file : {"summary.csv", "sufficiency.csv", "finance.csv"})
    EXPECT_EQ(slurp(dir / "m1" / file), slurp(dir / "mn" / file)) << file;
}

TEST_F(RunCommand, FullWritesEveryRunsStateCubeConsistentWithItsTotals) {
  // --full: /state [run][year][township][age][need][placement] through results.h5's link.
  // Each run-year's cells add up to that run's total, and 1 and 2 threads write the same cube.
  const std::string args = "run --runs 12 --years 3 --quiet --full --out ";
  ASSERT_EQ(run(args + (dir / "one").string() + " --threads 1").status, 0);
  const Result r = run(args + (dir / "two").string() + " --threads 2");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("state.h5"), std::string::npos) << r.output;
  const auto totals = io::read_breakdown_h5(dir / "two" / "results.h5", "total");
  for (int run_index : {0, 5, 11}) {
    const auto a = io::read_full_state_h5(dir / "one" / "results.h5", run_index);
    const auto b = io::read_full_state_h5(dir / "two" / "state.h5", run_index);
    ASSERT_EQ(a.runs, 12);
    ASSERT_EQ(a.years, 4);
    ASSERT_EQ(a.townships, 5);  // Dudley's townships
    EXPECT_EQ(a.counts, b.counts) << "run " << run_index;
    const std::size_t per_year = a.counts.size() / a.years;
    for (int y = 0; y < a.years; ++y) {
      long long sum = 0;
      for (std::size_t i = 0; i < per_year; ++i) sum += a.counts[y * per_year + i];
      EXPECT_EQ(sum, totals.counts[static_cast<std::size_t>(run_index) * totals.years + y])
          << "run " << run_index << " year " << y;
    }
  }
  EXPECT_THROW(io::read_full_state_h5(dir / "one" / "results.h5", 12), InputError);
  // Without --full there is no cube, and reading one says why.
  ASSERT_EQ(run("run --runs 5 --years 2 --quiet --out " + (dir / "plain").string()).status, 0);
  EXPECT_FALSE(fs::exists(dir / "plain" / "state.h5"));
  try {
    io::read_full_state_h5(dir / "plain" / "results.h5", 0);
    ADD_FAILURE() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--full"), std::string::npos) << e.what();
  }
}

TEST_F(RunCommand, AFailedRunLeavesEarlierResultsUntouched) {
  ASSERT_EQ(
      run("run --la Walsall --runs 50 --years 3 --quiet --out " + (dir / "keep").string()).status,
      0);
  const std::string before = slurp(dir / "keep" / "summary.csv");
  std::ofstream(dir / "bad.toml") << "name = \"bad\"\nruns = \"many\"\n";
  const Result r =
      run("run --scenario " + (dir / "bad.toml").string() + " --out " + (dir / "keep").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("bad.toml:2: 'runs': expected an integer"), std::string::npos)
      << r.output;
  EXPECT_EQ(slurp(dir / "keep" / "summary.csv"), before);
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos)
        << "staging left behind";
}

TEST_F(RunCommand, BadOptionsAreClearErrors) {
  EXPECT_EQ(run("run --runs 0 --out " + (dir / "x").string()).status, 2);
  EXPECT_EQ(run("run --la Nowhere --out " + (dir / "x").string()).status, 2);
  const Result r = run("run --scenario /nonexistent.toml");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("/nonexistent.toml"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "x"));
}

TEST_F(RunCommand, AnLaWithoutPopulationRunsOnTheCountFallback) {
  const Result r =
      run("run --la Cornwall --runs 50 --years 3 --quiet --out " + (dir / "c").string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("joiners are modelled as counts"), std::string::npos);
}

}  // namespace
}  // namespace sendcast
