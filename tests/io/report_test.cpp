// report.html as a reader gets it: every section there (or a line saying what provides it), no
// script and nothing fetched, text escaped, the published numbers shown; and the pieces behind
// it (headline, per-run differences, SVG charts, the sufficiency adapter).
#include "io/report_html.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "cli/forecast_job.h"
#include "io/error.h"
#include "io/sufficiency_summary.h"
#include "io/svg_chart.h"
#include "scenarios/scenario.h"

namespace sendcast::io {
namespace {

namespace fs = std::filesystem;

//! A small Dudley baseline forecast, made once: without the place matching (the demand alone),
//! or with the baseline's illustrative capacity register.
cli::ForecastJob forecast(bool with_capacity) {
  auto scenario = scenarios::load_scenario(SENDCAST_SOURCE_DIR "/scenarios/dudley/baseline.toml");
  if (!with_capacity) scenario.capacity.register_file.clear();
  scenario.runs = 200;
  cli::ForecastOptions options;
  options.data_dir = SENDCAST_SOURCE_DIR "/data";
  return cli::run_forecast(scenario, options);
}

const cli::ForecastJob& dudley() {
  static const cli::ForecastJob job = forecast(false);
  return job;
}

ReportInput dudley_input() {
  const auto& job = dudley();
  return {job.summary, job.history, job.parameters, job.provenance, &job.results};
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

sim::Summary flat(double v) {
  sim::Summary s;
  s.mean = s.p05 = s.p10 = s.p25 = s.p50 = s.p75 = s.p90 = s.p95 = v;
  return s;
}

//! Every optional section, with made-up but plausible numbers.
struct Sections {
  SufficiencySection sufficiency;
  FinanceSection finance;
  BenchmarkSection benchmark;
  BacktestSection backtest;
  ScenarioComparison comparison;

  explicit Sections(int origin) {
    for (int y = origin; y <= origin + 7; ++y) {
      PlaceRow need{y, "state_special", "C&L", 120.0, flat(130), 10, 14, 18, 0.7};
      sufficiency.by_need_area.push_back(need);
      PlaceRow phase{y,
                     "resourced_provision",
                     y == origin + 7 ? "secondary" : "primary",
                     std::nullopt,
                     flat(40),
                     3,
                     5,
                     7,
                     0.4};
      sufficiency.by_phase.push_back(phase);
      sufficiency.overflow.push_back({y, "overflow", "all", std::nullopt, flat(y - origin)});
      finance.rows.push_back(
          {y, "hnb_spend", "all", std::nullopt, flat(60e6 + 1e6 * (y - origin))});
      finance.rows.push_back({y, "dsg_deficit", "all", std::nullopt, flat(2e6 * (y - origin))});
      finance.rows.push_back({y, "dsg_spend", "NMISS", std::nullopt, flat(9e6)});
      finance.rows.push_back({y, "dsg_children", "NMISS", std::nullopt, flat(158)});
      comparison.difference.push_back({y, "total", "all", std::nullopt, flat(-(y - origin))});
      comparison.difference.push_back({y, "placement", "state_special", std::nullopt, flat(-1)});
    }
    sufficiency.notes.push_back("Illustrative capacities.");
    benchmark.rows = {
        {"E08000027", "Dudley", "self", "EHCPs per 1,000 aged 0-25", 2025, 44.1},
        {"E08000028", "Sandwell", "regional_peer", "EHCPs per 1,000 aged 0-25", 2025, 38.0}};
    benchmark.notes.push_back("Dudley has the highest rate among its peers.");
    models::AccuracyTable table;
    table[{"sendcast", "total", 1}] = {{100, 102, 95, 105, 90, 110, 85, 115}};
    table[{"cagr4", "total", 1}] = {{100, 110, 95, 105, 90, 112, 85, 115}};
    backtest = backtest_section(table, "1 LA, origins 2021 to 2022");
    comparison.label_a = "baseline";
    comparison.label_b = "inclusion";
  }
  void attach(ReportInput& in) const {
    in.sufficiency = &sufficiency, in.finance = &finance, in.benchmark = &benchmark;
    in.backtest = &backtest, in.comparison = &comparison;
  }
};

TEST(ReportHtml, HasEverySectionAndFetchesNothing) {
  const std::string html = report_html(dudley_input());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* id : {"headline", "fan-charts", "groups", "not-included", "assumptions"})
    EXPECT_TRUE(has(html, "<section id=\"" + std::string(id) + "\">")) << id;
  EXPECT_TRUE(has(html, "How to read a fan chart"));
  for (const char* group : {"By age band", "By primary need", "By placement group", "By township"})
    EXPECT_TRUE(has(html, group)) << group;
  // Self-contained: no script, no URL, nothing loaded from anywhere.
  EXPECT_FALSE(has(html, "<script"));
  EXPECT_FALSE(has(html, "http"));
  EXPECT_FALSE(has(html, "src="));
  EXPECT_FALSE(has(html, "@import"));
  EXPECT_FALSE(has(html, "url("));
  for (const std::regex href("href=\"([^\"]*)\"");
       const auto& m :
       std::vector<std::smatch>(std::sregex_iterator(html.begin(), html.end(), href), {}))
    EXPECT_EQ(m[1].str().front(), '#') << "only in-page links: " << m[1];
  // Valid-ish structure: every element we open is closed.
  for (const char* tag : {"section", "svg", "table", "figure", "div", "ul", "p", "h2", "h3"})
    EXPECT_EQ(count(html, "<" + std::string(tag) + ">") + count(html, "<" + std::string(tag) + " "),
              count(html, "</" + std::string(tag) + ">"))
        << tag;
  EXPECT_TRUE(has(html, "@media print"));
}

TEST(ReportHtml, ShowsThePublishedNumbersAndTheProvenance) {
  const std::string html = report_html(dudley_input());
  EXPECT_TRUE(has(html, "EHC plan forecast: Dudley"));
  EXPECT_TRUE(has(html, "<div class=\"big\">3,805</div>"));  // January 2025, published
  EXPECT_TRUE(has(html, "published (SEN2)"));
  EXPECT_TRUE(has(html, "January 2030 (5 years)"));
  EXPECT_TRUE(has(html, "January 2035 (10 years)"));
  EXPECT_TRUE(has(html, "<td>2025</td><td class=\"n\">3,805</td>"));
  EXPECT_TRUE(has(html, "Seed</th><td>20250123</td>"));
  EXPECT_TRUE(has(html, "Runs</th><td>200</td>"));
  EXPECT_TRUE(has(html, "caseload.csv"));
  EXPECT_TRUE(has(html, "tag real\">real data"));
  EXPECT_TRUE(has(html, "tag illustrative\">illustrative"));  // the township split
  EXPECT_TRUE(has(html, "Scenario file as run"));
  EXPECT_TRUE(has(html, "Brierley Hill"));
}

TEST(ReportHtml, EscapesEveryText) {
  ReportInput in = dudley_input();
  in.parameters.la_name = "Brent & <Harrow>";
  in.provenance.scenario_name = "\"quoted\" & <b>bold</b>";
  in.provenance.assumptions.push_back("Illustrative: a <script>alert(1)</script> & more");
  const std::string html = report_html(in);
  EXPECT_TRUE(has(html, "Brent &amp; &lt;Harrow&gt;"));
  EXPECT_TRUE(has(html, "&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"));
  EXPECT_FALSE(has(html, "<Harrow>"));
  EXPECT_FALSE(has(html, "<script"));
  EXPECT_FALSE(has(html, "<b>bold"));
}

TEST(ReportHtml, AbsentSectionsSayWhatProvidesThem) {
  const std::string html = report_html(dudley_input());
  EXPECT_TRUE(has(html, "capacity.register"));
  EXPECT_TRUE(has(html, "High Needs Block allocation"));
  EXPECT_TRUE(has(html, "sendcast benchmark --la Dudley"));
  EXPECT_TRUE(has(html, "sendcast backtest --la Dudley"));
  EXPECT_TRUE(has(html, "sendcast report A/results.h5 B/results.h5"));
  for (const char* id : {"sufficiency", "finance", "benchmark", "backtest", "comparison"})
    EXPECT_FALSE(has(html, "id=\"" + std::string(id) + "\"")) << "no empty heading for " << id;
}

TEST(ReportHtml, RendersEveryOptionalSectionWithData) {
  ReportInput in = dudley_input();
  const Sections sections(in.parameters.origin);
  sections.attach(in);
  const std::string html = report_html(in);
  for (const char* id : {"sufficiency", "finance", "benchmark", "backtest", "comparison"})
    EXPECT_TRUE(has(html, "<section id=\"" + std::string(id) + "\">")) << id;
  EXPECT_FALSE(has(html, "id=\"not-included\""));
  EXPECT_TRUE(has(html, "State special · C&amp;L"));  // heat table row
  EXPECT_TRUE(has(html, "Extra places needed so that demand is met in 9 runs out of 10"));
  EXPECT_TRUE(has(html, "SCAP view"));
  EXPECT_TRUE(has(html, "<td>Resourced provision / SEN unit</td><td>primary</td><td>2030</td>"));
  EXPECT_TRUE(has(html, "Cumulative DSG deficit"));
  EXPECT_TRUE(has(html, "Independent and non-maintained special (NMISS)"));
  EXPECT_TRUE(has(html, "£9m"));
  EXPECT_TRUE(has(html, "Dudley has the highest rate among its peers."));
  EXPECT_TRUE(has(html, "<strong>sendcast</strong>"));
  EXPECT_TRUE(has(html, "2.0%"));  // sendcast's median error
  EXPECT_TRUE(has(html, "Difference in all EHC plans"));
  EXPECT_FALSE(has(html, "http"));
  EXPECT_FALSE(has(html, "<script"));
}

TEST(ReportHtml, HeadlineTakesTheOriginAndTheBiggestPressures) {
  const Headline h = compute_headline(dudley_input());
  EXPECT_EQ(h.origin, 2025);
  EXPECT_DOUBLE_EQ(h.base, 3805);
  EXPECT_TRUE(h.published);
  ASSERT_EQ(h.years.size(), 3u);
  EXPECT_EQ(h.years[0].year, 2028);
  EXPECT_EQ(h.years[2].horizon, 10);
  for (const auto& y : h.years) {
    EXPECT_LE(y.total.p05, y.total.p50);
    EXPECT_LE(y.total.p50, y.total.p95);
    EXPECT_GE(y.p_growth25, 0);
    EXPECT_LE(y.p_growth25, 1);
  }
  EXPECT_EQ(h.pressure_year, 2030);
  ASSERT_FALSE(h.pressures.empty());
  for (std::size_t i = 1; i < h.pressures.size(); ++i)
    if (h.pressures[i].breakdown == h.pressures[i - 1].breakdown) {
      EXPECT_GE(h.pressures[i - 1].then.p50 - h.pressures[i - 1].base,
                h.pressures[i].then.p50 - h.pressures[i].base);
    }
}

sim::RunResults tiny_results(int runs, std::int32_t shift) {
  sim::RunResults r;
  r.runs = runs, r.years = 2, r.first_year = 2025;
  r.data.assign(static_cast<std::size_t>(runs) * r.years * r.layout.columns(), 0);
  for (int run = 0; run < runs; ++run)
    for (int y = 0; y < r.years; ++y)
      r.data[(static_cast<std::size_t>(run) * r.years + y) * r.layout.columns() +
             r.layout.total()] = 100 + run * 10 + y + shift;
  return r;
}

TEST(SummariseDifference, TakesQuantilesOfPerRunDifferences) {
  const sim::RunResults a = tiny_results(5, 0), b = tiny_results(5, 7);
  const auto rows = summarise_difference(a, b, {"total", "placement", "no_such_breakdown"});
  int total_rows = 0;
  for (const auto& r : rows) {
    ASSERT_TRUE(r.forecast);
    EXPECT_FALSE(r.actual);
    if (r.breakdown == "total") {
      ++total_rows;
      // Runs spread from 100 to 140, yet every per-run difference is 7: no spread at all.
      EXPECT_DOUBLE_EQ(r.forecast->p05, 7);
      EXPECT_DOUBLE_EQ(r.forecast->p95, 7);
      EXPECT_DOUBLE_EQ(r.forecast->sd, 0);
    } else {
      EXPECT_DOUBLE_EQ(r.forecast->p50, 0);
    }
  }
  EXPECT_EQ(total_rows, 2);
}

TEST(SummariseDifference, RefusesForecastsThatCannotBePaired) {
  EXPECT_THROW(summarise_difference(tiny_results(5, 0), tiny_results(6, 0), {"total"}), InputError);
  sim::RunResults later = tiny_results(5, 0);
  later.first_year = 2024;
  EXPECT_THROW(summarise_difference(tiny_results(5, 0), later, {"total"}), InputError);
}

TEST(SufficiencyAdapter, MapsPlacesNeededScapAndOverflow) {
  std::vector<SufficiencyRow> rows;
  auto row = [&](int year, const char* measure, const char* group, const char* phase,
                 const char* area, double p50) {
    SufficiencyRow r;
    r.year = year, r.measure = measure, r.group = group, r.phase = phase, r.need_area = area;
    r.summary = flat(p50);
    r.summary.p90 = p50 + 4;
    r.p80 = p50 + 2;
    r.probability_positive = 0.6;
    rows.push_back(r);
  };
  row(2026, "demand", "state_special", "all", "C&L", 500);
  row(2026, "places_needed", "state_special", "all", "C&L", 12);
  row(2026, "places_needed", "state_special", "all", "all", 20);  // group total: not a cell
  row(2030, "scap_demand", "resourced_provision", "primary", "all", 90);
  row(2030, "scap_places_needed", "resourced_provision", "primary", "all", 6);
  row(2026, "overflow", "state_special", "all", "all", 8);
  row(2026, "overflow", "all", "all", "all", 9);
  row(2026, "independent_placements", "independent_special", "all", "all", 170);
  const SufficiencySection s = sufficiency_section(rows, {"note"});
  ASSERT_EQ(s.by_need_area.size(), 1u);
  const PlaceRow& p = s.by_need_area[0];
  EXPECT_EQ(p.provision, "state_special");
  EXPECT_EQ(p.group, "C&L");
  EXPECT_DOUBLE_EQ(p.demand.p50, 500);
  EXPECT_DOUBLE_EQ(p.needed50, 12);
  EXPECT_DOUBLE_EQ(p.needed80, 14);
  EXPECT_DOUBLE_EQ(p.needed90, 16);
  EXPECT_DOUBLE_EQ(p.p_overflow, 0.6);
  ASSERT_EQ(s.by_phase.size(), 1u);
  EXPECT_EQ(s.by_phase[0].group, "primary");
  EXPECT_DOUBLE_EQ(s.by_phase[0].demand.p50, 90);
  ASSERT_EQ(s.overflow.size(), 3u);
  EXPECT_EQ(s.overflow[0].category, "all");  // the total first
  EXPECT_EQ(s.overflow[1].category, "state_special");
  EXPECT_EQ(s.overflow[2].breakdown, "independent_placements");
  EXPECT_EQ(s.notes, std::vector<std::string>{"note"});
}

TEST(ReportHtml, RendersTheSufficiencyOfARealForecast) {
  const cli::ForecastJob job = forecast(true);
  ASSERT_TRUE(job.sufficiency) << "the Dudley baseline names a capacity register";
  ReportInput in{job.summary, job.history, job.parameters, job.provenance, &job.results};
  const SufficiencySection s =
      sufficiency_section(job.sufficiency->summary, {job.sufficiency->note});
  EXPECT_FALSE(s.by_need_area.empty());
  EXPECT_FALSE(s.overflow.empty());
  in.sufficiency = &s;
  const std::string html = report_html(in);
  EXPECT_TRUE(has(html, "<section id=\"sufficiency\">"));
  EXPECT_TRUE(has(html, "Children without a suitable place"));
  EXPECT_TRUE(has(html, "not real schools"));
}

TEST(FinanceSection, RollsUpSpendAndTheDeficitInsideEachRun) {
  const auto& job = dudley();
  ASSERT_TRUE(job.finance) << "Dudley has High Needs Block allocations in data/finance/";
  const auto& f = *job.finance;
  const FinanceSection s = finance_section(f.results, f.income, f.opening_balance, 0, {"n"});
  const int years = f.results.years;
  // The same per-run deficit paths as deficit.csv's (io::summarise_finance), computed apart.
  ASSERT_EQ(f.summary.deficit.size(), static_cast<std::size_t>(years));
  int checked = 0;
  for (const auto& r : s.rows) {
    ASSERT_TRUE(r.forecast);
    EXPECT_LE(r.forecast->p05, r.forecast->p50);
    EXPECT_LE(r.forecast->p50, r.forecast->p95);
    const auto& d = f.summary.deficit[r.year - f.results.first_year];
    if (r.breakdown == "dsg_deficit") {
      EXPECT_NEAR(r.forecast->p50, d.cumulative.p50, 1e-6 * std::abs(d.cumulative.p50));
      EXPECT_NEAR(r.forecast->p95, d.cumulative.p95, 1e-6 * std::abs(d.cumulative.p95));
      ++checked;
    }
    if (r.breakdown == "hnb_spend") {
      EXPECT_NEAR(r.forecast->p50, d.spend.p50, 1e-6 * d.spend.p50);
      ++checked;
    }
    if (r.breakdown == "hnb_allocation") {
      EXPECT_DOUBLE_EQ(r.forecast->p05, d.income);
      EXPECT_DOUBLE_EQ(r.forecast->p95, d.income);
    }
  }
  EXPECT_EQ(checked, 2 * years);
  // DSG management plan order: every category's children, then TOTAL.
  std::vector<std::string> first_year;
  for (const auto& r : s.rows)
    if (r.breakdown == "dsg_children" && r.year == f.results.first_year)
      first_year.push_back(r.category);
  EXPECT_EQ(first_year, (std::vector<std::string>{"MmSoA", "RPSEN", "MdSSA", "NMISS", "HspAP",
                                                  "P16FE", "OTHER", "TOTAL"}));
  ASSERT_EQ(s.p_above_threshold.size(), static_cast<std::size_t>(years));
  for (const auto& [year, p] : s.p_above_threshold) {
    EXPECT_GE(p, 0);
    EXPECT_LE(p, 1);
  }
  ReportInput in = dudley_input();
  in.finance = &s;
  const std::string html = report_html(in);
  EXPECT_TRUE(has(html, "<section id=\"finance\">"));
  EXPECT_TRUE(has(html, "DSG management plan (unmitigated)"));
  EXPECT_TRUE(has(html, "Cumulative DSG deficit at 31 March"));
  EXPECT_TRUE(has(html, "Chance of a cumulative deficit"));
  EXPECT_TRUE(has(html, "2025-26"));
}

TEST(FinanceSection, RefusesIncomeThatDoesNotCoverEveryYear) {
  const auto& f = *dudley().finance;
  std::vector<double> short_income(f.income.begin(), f.income.end() - 1);
  EXPECT_THROW(finance_section(f.results, short_income, f.opening_balance, 0, {}), InputError);
  sim::CostResults none;
  EXPECT_THROW(finance_section(none, {}, 0, 0, {}), InputError);
}

TEST(ReportHtml, WriteFailsWithTheFileNamed) {
  const fs::path bad = "/nonexistent-dir/report.html";
  try {
    write_report_html(bad, dudley_input());
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/report.html"), std::string::npos);
  }
}

TEST(ReportHtml, WritesTheFile) {
  const fs::path file =
      fs::temp_directory_path() / ("sendcast_report_" + std::to_string(::getpid()) + ".html");
  write_report_html(file, dudley_input());
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), report_html(dudley_input()));
  fs::remove(file);
}

TEST(SvgChart, FormatsNumbersForReaders) {
  EXPECT_EQ(svg::format_count(3805), "3,805");
  EXPECT_EQ(svg::format_count(-1234567.4), "-1,234,567");
  EXPECT_EQ(svg::format_count(0.4), "0");
  EXPECT_EQ(svg::format_money(54'390'000), "£54.4m");
  EXPECT_EQ(svg::format_money(10'000'000), "£10m");
  EXPECT_EQ(svg::format_money(61'500), "£61.5k");
  EXPECT_EQ(svg::format_money(-2e6), "-£2m");
  EXPECT_EQ(svg::format_percent(0.714), "71%");
  EXPECT_EQ(svg::escape("a & b < c > \"d\" 'e'"),
            "a &amp; b &lt; c &gt; &quot;d&quot; &#39;e&#39;");
}

TEST(SvgChart, TicksAreRoundAndCoverTheRange) {
  EXPECT_EQ(svg::nice_ticks(0, 7932, 5), (std::vector<double>{0, 2000, 4000, 6000, 8000}));
  EXPECT_EQ(svg::nice_ticks(-3, 9, 4), (std::vector<double>{-5, 0, 5, 10}));
  const auto t = svg::nice_ticks(0, 0, 5);  // a flat series still gets an axis
  EXPECT_GE(t.size(), 2u);
}

TEST(SvgChart, FanChartDrawsHistoryBandsAndMedian) {
  svg::FanSeries s;
  s.title = "Need & <care>";
  s.history = {{2023, 90}, {2024, 95}, {2025, 100}};
  s.outturn = {{2026, 104}};
  for (int y = 2025; y <= 2030; ++y)
    s.forecast.push_back({y, 90.0, 98.0, 100.0 + (y - 2025), 108.0, 115.0});
  const std::string chart = svg::fan_chart(s, {});
  EXPECT_EQ(count(chart, "<polygon"), 2u);   // 90% and 50% bands
  EXPECT_EQ(count(chart, "<polyline"), 2u);  // history and median
  EXPECT_TRUE(has(chart, "Need &amp; &lt;care&gt;"));
  EXPECT_TRUE(has(chart, ">2030</text>"));
  EXPECT_TRUE(has(chart, "published after the forecast began"));
  EXPECT_TRUE(has(chart, "2030: median 105; 50% 98 to 108; 90% 90 to 115"));  // hover text per year
  EXPECT_FALSE(has(chart, "http"));
  EXPECT_TRUE(has(svg::fan_chart(svg::FanSeries{}, {}), "no data"));
}

TEST(SvgChart, HeatTableShadesByProbability) {
  svg::HeatTable t;
  t.row_labels = {"State special · C&L"};
  t.column_labels = {"2026", "2027"};
  t.text = {{"3", "12"}};
  t.shade = {{0.0, 1.0}};
  const std::string chart = svg::heat_table(t);
  EXPECT_TRUE(has(chart, "fill=\"#fff7ec\""));  // lightest: no chance of overflow
  EXPECT_TRUE(has(chart, "fill=\"#7f0000\""));  // darkest: overflow in every run
  EXPECT_TRUE(has(chart, "State special · C&amp;L"));
}

}  // namespace
}  // namespace sendcast::io
