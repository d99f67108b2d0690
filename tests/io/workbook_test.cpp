// workbook.xlsx read back as an analyst's Excel would: the sheets in order, numbers stored as
// numbers (not text), frozen header rows and autofilters, and one line on each sheet whose data
// the run does not have. The file is unzipped with `unzip -p` (Debian's unzip package).
#include "io/workbook_xlsx.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <regex>

#include "cli/forecast_job.h"
#include "io/error.h"
#include "scenarios/scenario.h"

namespace sendcast::io {
namespace {

namespace fs = std::filesystem;

const cli::ForecastJob& dudley() {
  static const cli::ForecastJob job = [] {
    auto scenario = scenarios::load_scenario(SENDCAST_SOURCE_DIR "/scenarios/dudley/baseline.toml");
    scenario.capacity.register_file.clear();  // the demand alone: quicker
    scenario.runs = 100;
    cli::ForecastOptions options;
    options.data_dir = SENDCAST_SOURCE_DIR "/data";
    return cli::run_forecast(scenario, options);
  }();
  return job;
}

ReportInput dudley_input() {
  const auto& job = dudley();
  return {job.summary, job.history, job.parameters, job.provenance, &job.results};
}

//! One member of the zip archive, as text; fails the test if unzip is missing.
std::string member(const fs::path& xlsx, const std::string& name) {
  const std::string cmd = "unzip -p '" + xlsx.string() + "' '" + name + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return "";
  std::string out;
  std::array<char, 65536> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "unzip -p " << name << ": " << out.substr(0, 300)
                                    << " (unzip is installed by scripts/install-deps.sh)";
  return out;
}

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

bool matches(const std::string& text, const std::string& pattern) {
  return std::regex_search(text, std::regex(pattern));
}

sim::Summary flat(double v) {
  sim::Summary s;
  s.mean = s.p05 = s.p10 = s.p25 = s.p50 = s.p75 = s.p90 = s.p95 = v;
  return s;
}

class Workbook : public ::testing::Test {
 protected:
  fs::path file = fs::temp_directory_path() /
                  ("sendcast_workbook_test_" + std::to_string(::getpid()) + ".xlsx");
  void TearDown() override { fs::remove(file); }
};

TEST_F(Workbook, HasTheSheetsInOrder) {
  write_workbook_xlsx(file, dudley_input());
  const std::string book = member(file, "xl/workbook.xml");
  std::size_t at = 0;
  for (const char* sheet : {"Summary", "Caseload", "Sufficiency", "SCAP", "Finance", "Benchmark",
                            "Backtest", "Comparison", "Assumptions"}) {
    const auto found = book.find("<sheet name=\"" + std::string(sheet) + "\"", at);
    ASSERT_NE(found, std::string::npos) << sheet << " missing or out of order";
    at = found;
  }
}

TEST_F(Workbook, CaseloadHoldsNumbersWithFrozenHeaderAndFilter) {
  write_workbook_xlsx(file, dudley_input());
  const std::string caseload = member(file, "xl/worksheets/sheet2.xml");
  // Row 2 is the first history row: 2010, total, 1,645 published, stored as numbers.
  EXPECT_TRUE(matches(caseload, R"(<c r="A2"( s="\d+")?><v>2010</v></c>)"))
      << caseload.substr(0, 2000);
  EXPECT_TRUE(matches(caseload, R"(<c r="E2" s="\d+"><v>1645</v></c>)"));
  // Dudley, January 2025: 3,805 published, a number in the `actual` column.
  EXPECT_TRUE(matches(caseload, R"(<c r="E\d+" s="\d+"><v>3805</v></c>)"));
  // The 2025 forecast of the total: every quantile 3,805 (the origin is the published state).
  EXPECT_TRUE(matches(caseload, R"(<c r="K\d+" s="\d+"><v>3805</v></c>)"));
  EXPECT_FALSE(matches(caseload, R"re(<c r="E([2-9]|[1-9]\d+)"[^>]*t="s"[^>]*><v>)re"))
      << "actuals stored as text";
  EXPECT_TRUE(has(caseload, "state=\"frozen\""));
  EXPECT_TRUE(has(caseload, "topLeftCell=\"A2\""));
  EXPECT_TRUE(matches(caseload, R"(<autoFilter ref="A1:N\d+"/>)"));
  const std::string strings = member(file, "xl/sharedStrings.xml");
  for (const char* s : {"breakdown", "p50", "township", "Halesowen", "State special"})
    EXPECT_TRUE(has(strings, s)) << s;
}

TEST_F(Workbook, SummaryAndAssumptionsCarryTheHeadlineAndProvenance) {
  write_workbook_xlsx(file, dudley_input());
  const std::string summary = member(file, "xl/worksheets/sheet1.xml");
  EXPECT_TRUE(matches(summary, R"(<c r="A5"( s="\d+")?><v>2025</v></c>)"));
  EXPECT_TRUE(matches(summary, R"(<c r="D5" s="\d+"><v>3805</v></c>)"));
  EXPECT_TRUE(has(summary, "<autoFilter ref=\"A4:I"));
  const std::string strings = member(file, "xl/sharedStrings.xml");
  EXPECT_TRUE(has(strings, "EHC plan forecast: Dudley (E08000027)"));
  EXPECT_TRUE(has(strings, "20250123"));  // the seed
  EXPECT_TRUE(has(strings, "real data"));
  EXPECT_TRUE(has(strings, "illustrative default"));
  EXPECT_TRUE(has(strings, "data/sen2/release-2025/caseload.csv"));
}

TEST_F(Workbook, AbsentSheetsSayWhatProvidesThem) {
  write_workbook_xlsx(file, dudley_input());
  const std::string strings = member(file, "xl/sharedStrings.xml");
  EXPECT_TRUE(has(strings, "capacity.register"));
  EXPECT_TRUE(has(strings, "no High Needs Block allocation for Dudley"));
  EXPECT_TRUE(has(strings, "sendcast benchmark --la Dudley"));
  EXPECT_TRUE(has(strings, "sendcast report A/results.h5 B/results.h5"));
  const std::string finance = member(file, "xl/worksheets/sheet5.xml");
  EXPECT_TRUE(matches(finance, R"(<c r="A1" s="\d+" t="s"><v>\d+</v></c>)"));
  EXPECT_FALSE(has(finance, "<c r=\"A2\""));  // one line, no empty table
}

TEST_F(Workbook, SectionSheetsHoldTheirNumbers) {
  ReportInput in = dudley_input();
  SufficiencySection sufficiency;
  FinanceSection finance;
  for (int y = 2025; y <= 2032; ++y) {
    sufficiency.by_need_area.push_back(
        {y, "state_special", "C&L", 120.0, flat(130), 10, 14, 18, 0.75});
    sufficiency.by_phase.push_back(
        {y, "state_special", "primary", std::nullopt, flat(60), 1, 2, 3, 0.25});
    finance.rows.push_back({y, "dsg_spend", "NMISS", std::nullopt, flat(9e6)});
    finance.rows.push_back({y, "dsg_children", "NMISS", std::nullopt, flat(158)});
  }
  in.sufficiency = &sufficiency;
  in.finance = &finance;
  write_workbook_xlsx(file, in);
  const std::string need = member(file, "xl/worksheets/sheet3.xml");
  EXPECT_TRUE(matches(need, R"(<c r="L2" s="\d+"><v>18</v></c>)"));    // places needed, 90%
  EXPECT_TRUE(matches(need, R"(<c r="M2" s="\d+"><v>0.75</v></c>)"));  // chance of overflow
  EXPECT_TRUE(matches(need, R"(<autoFilter ref="A1:M9"/>)"));
  const std::string scap = member(file, "xl/worksheets/sheet4.xml");
  EXPECT_FALSE(matches(scap, R"(<c r="E2")")) << "places unknown by phase: left blank";
  const std::string dsg = member(file, "xl/worksheets/sheet5.xml");
  EXPECT_TRUE(matches(dsg, R"(<c r="C2" s="\d+"><v>9000000</v></c>)"));
  EXPECT_TRUE(matches(dsg, R"(<c r="C3" s="\d+"><v>158</v></c>)"));
  const std::string strings = member(file, "xl/sharedStrings.xml");
  EXPECT_TRUE(has(strings, "2025-26"));  // financial years across
  const std::string styles = member(file, "xl/styles.xml");
  EXPECT_TRUE(has(styles, "formatCode=\"#,##0\""));
  EXPECT_TRUE(has(styles, "formatCode=\"0%\""));
}

TEST_F(Workbook, FinanceAndBacktestSheetsHoldARealForecastsNumbers) {
  ReportInput in = dudley_input();
  const auto& job = dudley();
  ASSERT_TRUE(job.finance);
  const auto& fj = *job.finance;
  const FinanceSection finance =
      finance_section(fj.results, fj.income, fj.opening_balance, 0, {"note"});
  in.finance = &finance;
  BacktestSection backtest;
  backtest.la_name = "Dudley";
  backtest.past.push_back({2022, 2025, 3805, flat(4145), 4000.0, "cagr4"});
  in.backtest = &backtest;
  write_workbook_xlsx(file, in);
  const std::string strings = member(file, "xl/sharedStrings.xml");
  for (const char* s : {"MmSoA", "TOTAL", "High Needs Block", "cumulative deficit (GBP)",
                        "chance of a deficit", "2025-26", "baseline p50"})
    EXPECT_TRUE(has(strings, s)) << s;
  const std::string dsg = member(file, "xl/worksheets/sheet5.xml");
  EXPECT_TRUE(has(dsg, "<pane xSplit=\"2\" ySplit=\"1\"")) << "headers and labels frozen";
  // The first year's MmSoA children: the median of the per-run child-years, as a number.
  const auto& first = finance.rows.front();
  ASSERT_EQ(first.category, "MmSoA");
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(dsg, m, std::regex(R"(<c r="C2" s="\d+"><v>([0-9.eE+-]+)</v></c>)")));
  EXPECT_NEAR(std::stod(m[1]), first.forecast->p50, 1e-9 * first.forecast->p50);
  const std::string bt = member(file, "xl/worksheets/sheet7.xml");
  EXPECT_TRUE(matches(bt, R"(<c r="D2" s="\d+"><v>3805</v></c>)"));
  EXPECT_TRUE(matches(bt, R"(<c r="E2" s="\d+"><v>4145</v></c>)"));
  EXPECT_TRUE(has(bt, "<autoFilter ref=\"A1:K2\"/>"));
}

TEST_F(Workbook, UnwritablePathIsAnInputErrorNamingTheFile) {
  const fs::path bad = "/nonexistent-dir/workbook.xlsx";
  try {
    write_workbook_xlsx(bad, dudley_input());
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/workbook.xlsx"), std::string::npos);
  }
}

}  // namespace
}  // namespace sendcast::io
