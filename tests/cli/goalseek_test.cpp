// Mitigated against unmitigated on the Dudley baseline (common random numbers), and goal-seek:
// it converges, its answer meets the target when re-run from scratch, the value just below
// does not, and targets it cannot meet or cannot read are clear errors.
#include "cli/goalseek_job.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include "io/csv.h"
#include "io/error.h"
#include "scenarios/scenario.h"

namespace sendcast::cli {
namespace {

namespace fs = std::filesystem;

scenarios::Scenario small_baseline() {
  scenarios::Scenario s =
      scenarios::load_scenario(SENDCAST_SOURCE_DIR "/scenarios/dudley/baseline.toml");
  s.runs = 60;
  s.years = 6;
  return s;
}

//! One shared calibration: the tests only change levers.
ForecastJob& prepared() {
  static ForecastJob job = prepare_forecast(small_baseline(), {});
  return job;
}

std::vector<double> total_spend(const ForecastJob& job) {
  const sim::CostResults& r = job.finance->results;
  std::vector<double> out;
  for (int run = 0; run < r.runs; ++run)
    for (int y = 0; y < r.years; ++y) out.push_back(r.total_spend(run, y));
  return out;
}

TEST(Mitigation, FewerNewPlansNeverRaiseSpendOrDeficitInAnyRun) {
  ForecastJob& job = prepared();
  const scenarios::Scenario base = small_baseline();
  job.scenario = base;
  simulate_forecast(job, {}, false);
  ASSERT_TRUE(job.finance.has_value());
  ASSERT_TRUE(job.sufficiency.has_value());  // overflow and vacancies are costed too
  const std::vector<double> unmitigated = total_spend(job);
  const Target deficit = parse_target("deficit <= 0 by 2030-31", {"test"});
  const std::vector<double> deficit_before = target_metric(job, deficit);

  job.scenario = base;
  find_lever("joiner_rate", {"test"}).apply(job.scenario, 0.2, job.parameters);
  simulate_forecast(job, {}, false);
  const std::vector<double> mitigated = total_spend(job);
  const std::vector<double> deficit_after = target_metric(job, deficit);
  ASSERT_EQ(mitigated.size(), unmitigated.size());
  int lower = 0;
  for (std::size_t i = 0; i < mitigated.size(); ++i) {
    EXPECT_LE(mitigated[i], unmitigated[i] + 1e-6) << "run-year " << i;
    lower += mitigated[i] < unmitigated[i];
  }
  EXPECT_GT(lower, 0);
  for (std::size_t r = 0; r < deficit_after.size(); ++r)
    EXPECT_LE(deficit_after[r], deficit_before[r] + 1e-6) << "run " << r;
}

TEST(Mitigation, CostsFromTheMatchingDoNotDependOnThreadCount) {
  ForecastJob& job = prepared();
  job.scenario = small_baseline();
  ForecastOptions one, two;
  one.threads = 1;
  two.threads = 2;
  simulate_forecast(job, one, false);
  const sim::CostResults a = job.finance->results;
  simulate_forecast(job, two, false);
  const sim::CostResults& b = job.finance->results;
  EXPECT_EQ(a.placement_spend, b.placement_spend);
  EXPECT_EQ(a.children, b.children);
  EXPECT_EQ(a.transport_spend, b.transport_spend);
}

TEST(GoalSeek, ConvergesAndItsAnswerMeetsTheTargetWhenReRun) {
  ForecastJob& job = prepared();
  const scenarios::Scenario base = small_baseline();
  const Lever& lever = find_lever("joiner_rate", {"test"});
  // A threshold halfway between the median deficits at no change and at 30% fewer new plans,
  // so that the answer lies strictly inside the range.
  Target target = parse_target("deficit <= 0 by 2029-30", {"test"});
  const GoalSeekOptions options;
  const Evaluation none = evaluate_lever(job, base, lever, 0.0, target, options, {});
  const Evaluation strong = evaluate_lever(job, base, lever, 0.3, target, options, {});
  ASSERT_LT(strong.p50, none.p50);
  target.threshold = 0.5 * (none.p50 + strong.p50);

  GoalSeekOptions reporting = options;  // progress: every evaluation, numbered, as it ends
  std::vector<std::pair<int, double>> reported;
  reporting.evaluated = [&](const Evaluation& e, int number) {
    reported.emplace_back(number, e.value);
  };
  const GoalSeekResult r = goal_seek(job, base, lever, target, reporting, {});
  ASSERT_TRUE(r.met);
  ASSERT_EQ(reported.size(), r.evaluations.size());
  for (std::size_t i = 0; i < reported.size(); ++i) {
    EXPECT_EQ(reported[i].first, static_cast<int>(i + 1));
    EXPECT_EQ(reported[i].second, r.evaluations[i].value);
  }
  EXPECT_FALSE(r.no_change);
  EXPECT_GT(r.answer.value, 0.0);
  EXPECT_LT(r.answer.value, 0.3);
  EXPECT_LE(r.bracket_high - r.bracket_low, lever.tolerance);
  EXPECT_EQ(r.answer.value, r.bracket_high);
  EXPECT_EQ(r.evaluations.size(), static_cast<std::size_t>(1 + r.scanned + r.iterations));
  EXPECT_LE(r.scanned, 3);  // 0.3 is at most the third step of 0.1125

  // Re-run from a fresh calibration: the same numbers, so the answer meets it and the value
  // at the bottom of the final bracket does not.
  ForecastJob fresh = prepare_forecast(base, {});
  const Evaluation again = evaluate_lever(fresh, base, lever, r.answer.value, target, options, {});
  EXPECT_TRUE(again.meets);
  EXPECT_DOUBLE_EQ(again.p50, r.answer.p50);
  EXPECT_FALSE(evaluate_lever(fresh, base, lever, r.bracket_low, target, options, {}).meets);
}

TEST(GoalSeek, SimulatingOnlyUpToTheTargetYearChangesNothingThere) {
  ForecastJob& job = prepared();
  const scenarios::Scenario base = small_baseline();  // 6 years: financial years to 2030-31
  const Target target = parse_target("deficit <= 0 by 2027-28", {"test"});
  const scenarios::Scenario cut = up_to_target(base, target, job.parameters.origin);
  ASSERT_EQ(job.parameters.origin, 2025);
  EXPECT_EQ(cut.years, 3);
  const Lever& lever = find_lever("joiner_rate", {"test"});
  job.scenario = base;
  lever.apply(job.scenario, 0.1, job.parameters);
  simulate_forecast(job, {}, false);
  const std::vector<double> full = target_metric(job, target);
  job.scenario = cut;
  lever.apply(job.scenario, 0.1, job.parameters);
  simulate_forecast(job, {}, false);
  EXPECT_EQ(target_metric(job, target), full);
  EXPECT_EQ(up_to_target(base, parse_target("gap <= 0 by 2035-36", {"t"}), 2025).years, 6);
}

TEST(GoalSeek, HigherProbabilityNeedsAtLeastAsLargeAChange) {
  ForecastJob& job = prepared();
  const scenarios::Scenario base = small_baseline();
  const Lever& lever = find_lever("joiner_rate", {"test"});
  Target target = parse_target("deficit <= 0 by 2029-30", {"test"});
  GoalSeekOptions p90;
  p90.probability = 0.9;
  // A threshold the median misses with no change and 90% of runs meet at the lever's maximum:
  // halfway between the two, so that both searches have an answer to find.
  const Evaluation none = evaluate_lever(job, base, lever, 0.0, target, {}, {});
  const Evaluation most = evaluate_lever(job, base, lever, lever.max, target, p90, {});
  ASSERT_LT(most.at_probability, none.p50) << "the lever's maximum should lower the deficit";
  target.threshold = (none.p50 + most.at_probability) / 2;
  const GoalSeekResult median = goal_seek(job, base, lever, target, {}, {});
  const GoalSeekResult likely = goal_seek(job, base, lever, target, p90, {});
  ASSERT_TRUE(median.met && likely.met);
  EXPECT_GE(likely.answer.value, median.answer.value);
  EXPECT_LE(likely.answer.at_probability, target.threshold);
}

TEST(GoalSeek, ScanFindsAnAnswerALeverOvershoots) {
  // Extra places cut independent placements, but 2,000 of them mostly stand vacant and still
  // cost place funding: the top of the range misses a target a few hundred places meet.
  ForecastJob& job = prepared();
  const scenarios::Scenario base = small_baseline();
  const Lever& lever = find_lever("places_added", {"test"});
  Target target = parse_target("gap <= 0 by 2029-30", {"test"});
  const Evaluation none = evaluate_lever(job, base, lever, 0, target, {}, {});
  target.threshold = none.p50 - 1e6;
  ASSERT_FALSE(evaluate_lever(job, base, lever, lever.max, target, {}, {}).meets);
  const GoalSeekResult r = goal_seek(job, base, lever, target, {}, {});
  ASSERT_TRUE(r.met);
  EXPECT_GT(r.answer.value, 0);
  EXPECT_LE(r.answer.value, 500);
  EXPECT_EQ(r.answer.value, std::floor(r.answer.value));  // whole places
  EXPECT_EQ(r.bracket_high - r.bracket_low, 1);
}

TEST(GoalSeek, UnreachableTargetIsReportedNotMet) {
  ForecastJob& job = prepared();
  const Target target = parse_target("deficit <= -1000m by 2029-30", {"test"});
  const GoalSeekResult r =
      goal_seek(job, small_baseline(), find_lever("joiner_rate", {"test"}), target, {}, {});
  EXPECT_FALSE(r.met);
  EXPECT_EQ(r.evaluations.size(), 9u);  // the minimum and eight scan steps, no bisection
  EXPECT_EQ(r.evaluations.back().value, 0.9);
}

std::string target_error(const std::string& text) {
  try {
    parse_target(text, {"command line"});
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(GoalSeekTarget, ReadsMetricComparisonAmountAndYear) {
  const Target t = parse_target("spend < 45.5m by 2027-28", {"x"});
  EXPECT_EQ(t.metric, TargetMetric::Spend);
  EXPECT_TRUE(t.strict);
  EXPECT_DOUBLE_EQ(t.threshold, 45.5e6);
  EXPECT_EQ(t.financial_year, 2027);
  EXPECT_DOUBLE_EQ(parse_target("gap <= -250k by 2030-31", {"x"}).threshold, -250e3);
  EXPECT_DOUBLE_EQ(parse_target("deficit <= 0 by 2030-31", {"x"}).threshold, 0);
}

TEST(GoalSeekTarget, BadTargetsSayWhatWasExpected) {
  EXPECT_NE(target_error("deficit = 0 by 2030-31").find("unknown comparison \"=\""),
            std::string::npos);
  EXPECT_NE(target_error("debt <= 0 by 2030-31").find("unknown metric \"debt\""),
            std::string::npos);
  EXPECT_NE(target_error("deficit <= lots by 2030-31").find("expected an amount"),
            std::string::npos);
  EXPECT_NE(target_error("deficit <= 0 by 2030").find("financial year like 2030-31"),
            std::string::npos);
  EXPECT_NE(target_error("deficit <= 0 in 2030-31").find("expected \"by\""), std::string::npos);
  EXPECT_NE(target_error("deficit <= 0").find("command line: '--target'"), std::string::npos)
      << target_error("deficit <= 0");
  EXPECT_NE(target_error("deficit <= 0").find("deficit <= 0 by 2030-31"), std::string::npos);
}

TEST(GoalSeekTarget, UnknownLeverListsTheLevers) {
  try {
    find_lever("budget", {"command line"});
    FAIL();
  } catch (const InputError& e) {
    const std::string m = e.what();
    for (const char* name : {"joiner_rate", "resourced_share", "places_added", "ceasing_16_19"})
      EXPECT_NE(m.find(name), std::string::npos) << m;
  }
}

// --- the command, as a user meets it -------------------------------------------------------

struct Result {
  int status;
  std::string output;
};

//! `program args 2>&1` (program: sendcast unless given), its status and output.
Result run(const std::string& args, const std::string& program = SENDCAST_BINARY) {
  const std::string cmd = program + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) out += buf.data();
  return {WEXITSTATUS(pclose(pipe)), out};
}

fs::path temp_dir(const std::string& name) {
  return fs::temp_directory_path() /
         ("sendcast_goalseek_" + name + "_" + std::to_string(::getpid()));
}

TEST(GoalSeekCommand, CannotMeetIsAnErrorAndEveryEvaluationIsWritten) {
  const fs::path dir = temp_dir("unmet");
  const Result r = run("goalseek --scenario " SENDCAST_SOURCE_DIR
                       "/scenarios/dudley/baseline.toml --target \"deficit <= -1000m by "
                       "2029-30\" --lever joiner_rate --runs 20 --years 6 --out " +
                       dir.string());
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("cannot be met inside the lever's range"), std::string::npos) << r.output;
  const auto t = io::CsvTable::read(dir / "goalseek.csv");
  EXPECT_EQ(t.rows(), 9u);
  EXPECT_EQ(t.cell(8, t.column("meets")), "no");
  fs::remove_all(dir);
}

// On a terminal (a pseudo-terminal from util-linux's script) each evaluation is reported on
// stderr as it ends; --quiet, or stderr not a terminal, reports none.
TEST(GoalSeekCommand, ReportsEachEvaluationOnATerminalUnlessQuiet) {
  if (std::system("script -q -c true /dev/null > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "util-linux script cannot open a pseudo-terminal here";
  const fs::path dir = temp_dir("progress");
  const std::string command = std::string(SENDCAST_BINARY) +
                              " goalseek --scenario " SENDCAST_SOURCE_DIR
                              "/scenarios/dudley/baseline.toml --target 'gap <= 20m by 2029-30' "
                              "--lever joiner_rate --runs 20 --years 6 --out " +
                              dir.string();
  const Result terminal = run("-c \"" + command + "\" /dev/null", "script -qe");
  EXPECT_EQ(terminal.status, 0) << terminal.output;
  EXPECT_NE(terminal.output.find("evaluation 1: joiner_rate = 0: gap in 2029-30 median "),
            std::string::npos)
      << terminal.output;
  const auto t = io::CsvTable::read(dir / "goalseek.csv");
  const std::string last = "evaluation " + std::to_string(t.rows()) + ": ";
  EXPECT_NE(terminal.output.find(last), std::string::npos) << terminal.output;
  EXPECT_EQ(terminal.output.find("evaluation " + std::to_string(t.rows() + 1) + ": "),
            std::string::npos);
  const Result quiet = run("-c \"" + command + " --quiet\" /dev/null", "script -qe");
  EXPECT_EQ(quiet.status, 0) << quiet.output;
  EXPECT_NE(quiet.output.find("Smallest joiner_rate"), std::string::npos) << quiet.output;
  EXPECT_EQ(quiet.output.find("evaluation 1:"), std::string::npos) << quiet.output;
  const Result piped = run(command.substr(std::string(SENDCAST_BINARY).size() + 1));
  EXPECT_EQ(piped.status, 0) << piped.output;
  EXPECT_EQ(piped.output.find("evaluation 1:"), std::string::npos) << piped.output;
  fs::remove_all(dir);
}

TEST(FinanceInputs, ScenarioCostTableAndOverridesAreUsedAndBadOnesNamed) {
  const fs::path dir = temp_dir("costs");
  fs::create_directories(dir);
  std::ofstream(dir / "bad.csv") << "line,need_area,place_gbp,top_up_gbp,fee_gbp,fixed_gbp,growth,"
                                    "inflation,prices,source\n"
                                    "mainstream,C&I,,-7500,,,,0.02,2025-26,typo\n";
  std::ofstream(dir / "bad.toml") << "include = \"" SENDCAST_SOURCE_DIR
                                     "/scenarios/dudley/baseline.toml\"\n"
                                     "name = \"bad costs\"\n[finance]\ncost_table = \"bad.csv\"\n";
  Result r = run("run --scenario " + (dir / "bad.toml").string() + " --runs 5 --years 2 --quiet " +
                 "--out " + (dir / "out").string());
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("bad.csv:2: column 'top_up_gbp': negative cost"), std::string::npos)
      << r.output;
  std::ofstream(dir / "bad_key.toml") << "include = \"" SENDCAST_SOURCE_DIR
                                         "/scenarios/dudley/baseline.toml\"\n"
                                         "name = \"bad key\"\n[finance]\n"
                                         "opening_deficit_gbp = -13.6e6\n";
  r = run("run --scenario " + (dir / "bad_key.toml").string() + " --runs 5 --years 2 --quiet");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("bad_key.toml:4: 'finance.opening_deficit_gbp': expected a number >= 0"),
            std::string::npos)
      << r.output;
  fs::remove_all(dir);
}

TEST(FinanceInputs, UnitCostOverrideRaisesSpendByTheHandCheckedAmount) {
  // Independent special fees up by 10,000 in every need area: NMISS spend in 2025-26 rises by
  // 10,000 per child-year in every run, and nothing else moves.
  ForecastJob& job = prepared();
  scenarios::Scenario base = small_baseline();
  job.scenario = base;
  simulate_forecast(job, {}, false);
  const sim::CostResults before = job.finance->results;
  models::UnitCostOverride o;
  o.placement = Placement::IndependentSpecial;
  o.fee_gbp = 70000;  // C&I and SEMH were 60,000, C&L and SP 50,000
  job.scenario.finance.unit_costs = {o};
  simulate_forecast(job, {}, false);
  const sim::CostResults& after = job.finance->results;
  const int nmiss = 3;
  ASSERT_EQ(models::DSG_CATEGORY_CODES[nmiss], "NMISS");
  EXPECT_EQ(after.children, before.children);
  bool rose = false;
  for (int run = 0; run < before.runs; ++run) {
    const double more = after.placement_spend[after.index(run, 0, nmiss)] -
                        before.placement_spend[before.index(run, 0, nmiss)];
    const double children = before.children[before.index(run, 0, nmiss)];
    EXPECT_GE(more, 10000 * children - 1e-3);  // at least 10,000 each (20,000 for C&L, SP)
    EXPECT_LE(more, 20000 * children + 1e-3);
    rose = rose || more > 0;
    EXPECT_EQ(after.placement_spend[after.index(run, 0, 2)],
              before.placement_spend[before.index(run, 0, 2)]);  // MdSSA unchanged
  }
  EXPECT_TRUE(rose);
}

TEST(GoalSeekCommand, HelpHasAnExample) {
  const Result r = run("goalseek --help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find("sendcast goalseek --scenario scenarios/dudley/baseline.toml"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("ceasing_16_19"), std::string::npos);
}

}  // namespace
}  // namespace sendcast::cli
