#include "scenarios/scenario.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>

#include "io/codes.h"
#include "io/error.h"
#include "io/hash.h"

namespace sendcast::scenarios {
namespace {

namespace fs = std::filesystem;

const fs::path DUDLEY = fs::path(SENDCAST_SOURCE_DIR) / "scenarios" / "dudley";
const fs::path DATA = fs::path(SENDCAST_SOURCE_DIR) / "data";

int need(Need n) {
  return static_cast<int>(n);
}
int placement(Placement p) {
  return static_cast<int>(p);
}

//! The message of the InputError that parsing `text` raises ("" if none).
std::string error_of(const std::string& text, const fs::path& file = "/tmp/sendcast/s.toml") {
  try {
    parse_scenario(text, file);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

void expect_error(const std::string& text, std::initializer_list<std::string> parts) {
  const std::string message = error_of(text);
  ASSERT_FALSE(message.empty()) << "no error for:\n" << text;
  for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
}

//! A fresh folder of scenario files for one test, removed afterwards.
class ScenarioFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("sendcast_scenario_" + std::string(test->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path file = dir_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
  }
  fs::path dir_;
};

// --- the shipped Dudley scenarios ---------------------------------------------------------

TEST(ShippedScenarios, BaselineLoads) {
  const Scenario s = load_scenario(DUDLEY / "baseline.toml");
  EXPECT_EQ(s.name, "Dudley baseline");
  EXPECT_EQ(s.la, "Dudley");
  EXPECT_EQ(s.start_year, 0);
  EXPECT_EQ(s.years, 10);
  EXPECT_EQ(s.runs, 10000);
  EXPECT_EQ(s.seed, 20250123u);
  ASSERT_EQ(s.population.files.size(), 1u);
  EXPECT_EQ(
      s.population.files[0],
      (DATA / "ons" / "snpp2022_migcat23_persons_blackcountry_age0-25.csv").lexically_normal());
  EXPECT_TRUE(s.population.files[0].is_absolute());
  EXPECT_TRUE(fs::exists(s.population.files[0]));
  EXPECT_TRUE(s.population.use);
  EXPECT_TRUE(fs::exists(s.townships.split_file));
  EXPECT_EQ(s.townships.split_file.filename(), "dudley_ward_to_township_2004wards.csv");
  EXPECT_EQ(s.trend.model, TrendModel::Damped);
  EXPECT_DOUBLE_EQ(s.trend.damping, 0.75);
  EXPECT_EQ(s.trend.fit_years, 6);
  EXPECT_TRUE(s.joiner_multipliers.empty());
  EXPECT_TRUE(s.leaver_multipliers.empty());
  EXPECT_EQ(s.hash.size(), 16u);
  EXPECT_NE(s.source_text.find("Dudley baseline"), std::string::npos);
}

TEST(ShippedScenarios, InclusionAddsOneJoinerMultiplierToTheBaseline) {
  const Scenario base = load_scenario(DUDLEY / "baseline.toml");
  const Scenario s = load_scenario(DUDLEY / "inclusion.toml");
  EXPECT_EQ(s.name, "Ordinarily available inclusion: new plans 10% lower from 2026");
  ASSERT_EQ(s.joiner_multipliers.size(), 1u);
  EXPECT_DOUBLE_EQ(s.joiner_multipliers[0].factor, 0.9);
  EXPECT_EQ(s.joiner_multipliers[0].from_year, 2026);
  EXPECT_EQ(s.joiner_multipliers[0].to_year, LAST_YEAR);
  EXPECT_EQ(s.population.files, base.population.files);
  EXPECT_EQ(s.townships.split_file, base.townships.split_file);
  EXPECT_EQ(s.trend.model, TrendModel::Damped);
  EXPECT_NE(s.hash, base.hash);
  EXPECT_EQ(s.source_text.find("include"), std::string::npos);
  EXPECT_DOUBLE_EQ(joiner_multiplier(s, 2025, need(Need::ASD), 7), 1.0);
  EXPECT_DOUBLE_EQ(joiner_multiplier(s, 2026, need(Need::ASD), 7), 0.9);
}

TEST(ShippedScenarios, TrendContinuesOverridesOnlyTheModel) {
  const Scenario s = load_scenario(DUDLEY / "trend_continues.toml");
  EXPECT_EQ(s.name, "Trend continues");
  EXPECT_EQ(s.trend.model, TrendModel::Continue);
  EXPECT_DOUBLE_EQ(s.trend.damping, 0.75);
  EXPECT_EQ(s.la, "Dudley");
  EXPECT_EQ(s.population.files.size(), 1u);
  EXPECT_EQ(trend_model_name(s.trend.model), "continue");
}

// --- defaults -----------------------------------------------------------------------------

TEST(ScenarioDefaults, OnlyANameGivesEveryDefault) {
  const Scenario d = default_scenario();
  EXPECT_EQ(d.name, "default");
  EXPECT_TRUE(d.file.empty());
  const Scenario s = parse_scenario("name = \"default\"\n", "/tmp/sendcast/s.toml");
  EXPECT_EQ(s.hash, d.hash);
  EXPECT_EQ(s.source_text, d.source_text);
  for (const Scenario* x : {&d, &s}) {
    EXPECT_EQ(x->description, "");
    EXPECT_EQ(x->la, "Dudley");
    EXPECT_EQ(x->start_year, 0);
    EXPECT_EQ(x->years, 10);
    EXPECT_EQ(x->runs, 10000);
    EXPECT_EQ(x->seed, 20250123u);
    EXPECT_TRUE(x->population.files.empty());
    EXPECT_TRUE(x->population.use);
    EXPECT_TRUE(x->townships.split_file.empty());
    EXPECT_EQ(x->trend.model, TrendModel::Damped);
    EXPECT_DOUBLE_EQ(x->trend.damping, 0.75);
    EXPECT_DOUBLE_EQ(x->trend.long_run_growth, 0.0);
    EXPECT_EQ(x->trend.fit_years, 6);
    EXPECT_EQ(x->trend.converge_years, 5);
    EXPECT_TRUE(x->joiner_multipliers.empty());
    EXPECT_TRUE(x->placement_shifts.empty());
  }
}

TEST(ScenarioDefaults, MultiplierKeysDefaultToEverything) {
  const Scenario s =
      parse_scenario("name = 'x'\n[[leavers.multiplier]]\nfactor = 2\n", "/tmp/sendcast/s.toml");
  ASSERT_EQ(s.leaver_multipliers.size(), 1u);
  const RateMultiplier& m = s.leaver_multipliers[0];
  EXPECT_DOUBLE_EQ(m.factor, 2.0);  // an integer is accepted for a float key
  EXPECT_EQ(m.from_year, 0);
  EXPECT_EQ(m.effective_from(2025), 2026);
  EXPECT_EQ(m.effective_from(0), 0);
  EXPECT_EQ(m.to_year, LAST_YEAR);
  EXPECT_EQ(m.age_min, 0);
  EXPECT_EQ(m.age_max, MAX_AGE);
  for (bool b : m.needs) EXPECT_TRUE(b);
  for (bool b : m.placements) EXPECT_TRUE(b);
}

TEST(ScenarioDefaults, EveryKeyRead) {
  const Scenario s = parse_scenario(R"(
name = "all"
description = "every key"
la = "E08000028"
start_year = 2024
years = 5
runs = 200
seed = 7
[population]
files = ["a.csv", "sub/b.csv"]
use = false
[townships]
split_file = "t.csv"
[trend]
model = "converge_to_england"
damping = 1
long_run_growth = -0.02
fit_years = 4
converge_years = 8
[[joiners.placement_shift]]
from = "state_special"
to = "resourced_provision"
share = 0.1
ages = [5, 15]
[[leavers.multiplier]]
factor = 1.5
needs = ["C&L", "hi"]
placements = ["post16_fe"]
ages = [16, 25]
to_year = 2030
)",
                                    "/tmp/sendcast/s.toml");
  EXPECT_EQ(s.description, "every key");
  EXPECT_EQ(s.la, "E08000028");
  EXPECT_EQ(s.start_year, 2024);
  EXPECT_EQ(s.years, 5);
  EXPECT_EQ(s.runs, 200);
  EXPECT_EQ(s.seed, 7u);
  ASSERT_EQ(s.population.files.size(), 2u);
  EXPECT_EQ(s.population.files[1], fs::path("/tmp/sendcast/sub/b.csv"));
  EXPECT_FALSE(s.population.use);
  EXPECT_EQ(s.townships.split_file, fs::path("/tmp/sendcast/t.csv"));
  EXPECT_EQ(s.trend.model, TrendModel::ConvergeToEngland);
  EXPECT_DOUBLE_EQ(s.trend.damping, 1.0);
  EXPECT_DOUBLE_EQ(s.trend.long_run_growth, -0.02);
  EXPECT_EQ(s.trend.fit_years, 4);
  EXPECT_EQ(s.trend.converge_years, 8);
  ASSERT_EQ(s.placement_shifts.size(), 1u);
  const PlacementShift& shift = s.placement_shifts[0];
  EXPECT_EQ(shift.from, Placement::StateSpecial);
  EXPECT_EQ(shift.to, Placement::ResourcedProvision);
  EXPECT_DOUBLE_EQ(shift.share, 0.1);
  EXPECT_TRUE(shift.applies(2025, s.start_year, 5));
  EXPECT_FALSE(shift.applies(2024, s.start_year, 5));  // from_year defaults to start_year + 1
  EXPECT_FALSE(shift.applies(2025, s.start_year, 16));
  ASSERT_EQ(s.leaver_multipliers.size(), 1u);
  const RateMultiplier& m = s.leaver_multipliers[0];
  // C&L = MLD, SLD, PMLD, SPLD; plus HI (codes are case-insensitive).
  for (int n = 0; n < N_NEEDS; ++n) {
    const Need code = static_cast<Need>(n);
    const bool expected = need_area(code) == NeedArea::CL || code == Need::HI;
    EXPECT_EQ(m.needs[n], expected) << NEED_CODES[n];
  }
  for (int p = 0; p < N_PLACEMENTS; ++p)
    EXPECT_EQ(m.placements[p], p == placement(Placement::PostSixteenFe)) << PLACEMENT_CODES[p];
}

// --- includes -----------------------------------------------------------------------------

TEST_F(ScenarioFiles, IncludeMergesTablesAndAppendsTableArrays) {
  write("base/base.toml", R"(
name = "base"
runs = 500
[population]
files = ["pop.csv"]
[trend]
damping = 0.5
fit_years = 4
[[joiners.multiplier]]
factor = 0.5
needs = ["ASD"]
)");
  const fs::path child = write("child.toml", R"(
include = "base/base.toml"
name = "child"
[trend]
model = "flat"
fit_years = 5
[[joiners.multiplier]]
factor = 3
)");
  const Scenario s = load_scenario(child);
  EXPECT_EQ(s.name, "child");
  EXPECT_EQ(s.runs, 500);
  EXPECT_EQ(s.trend.model, TrendModel::Flat);
  EXPECT_DOUBLE_EQ(s.trend.damping, 0.5);
  EXPECT_EQ(s.trend.fit_years, 5);
  ASSERT_EQ(s.joiner_multipliers.size(), 2u);
  EXPECT_DOUBLE_EQ(s.joiner_multipliers[0].factor, 0.5);  // the base's first
  EXPECT_DOUBLE_EQ(s.joiner_multipliers[1].factor, 3.0);
  // The base's relative path stays relative to the base, and source_text shows it relative
  // to the including file.
  ASSERT_EQ(s.population.files.size(), 1u);
  EXPECT_EQ(s.population.files[0], (dir_ / "base" / "pop.csv").lexically_normal());
  EXPECT_NE(s.source_text.find("base/pop.csv"), std::string::npos) << s.source_text;
  EXPECT_EQ(s.source_text.find(dir_.string()), std::string::npos) << s.source_text;
  EXPECT_DOUBLE_EQ(joiner_multiplier(s, 2030, need(Need::ASD), 3), 1.5);
  EXPECT_DOUBLE_EQ(joiner_multiplier(s, 2030, need(Need::HI), 3), 3.0);
}

TEST_F(ScenarioFiles, AnEmptyArrayDropsTheBasesTables) {
  write("base.toml", "name = 'base'\n[[joiners.multiplier]]\nfactor = 0.5\n");
  const fs::path child =
      write("child.toml", "include = 'base.toml'\nname = 'child'\n[joiners]\nmultiplier = []\n");
  EXPECT_EQ(load_scenario(dir_ / "base.toml").joiner_multipliers.size(), 1u);
  EXPECT_TRUE(load_scenario(child).joiner_multipliers.empty());
}

TEST_F(ScenarioFiles, ErrorInAnIncludedFileNamesThatFile) {
  write("base.toml", "name = 'base'\n\nyears = 0\n");
  const fs::path child = write("child.toml", "include = 'base.toml'\nname = 'child'\n");
  try {
    load_scenario(child);
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_EQ(error.where().file, (dir_ / "base.toml").string());
    EXPECT_EQ(error.where().line, 3);
  }
}

TEST_F(ScenarioFiles, IncludeCycleIsAnError) {
  write("a.toml", "include = 'b.toml'\nname = 'a'\n");
  write("b.toml", "include = 'a.toml'\nname = 'b'\n");
  const fs::path self = write("self.toml", "name = 'self'\ninclude = 'self.toml'\n");
  try {
    load_scenario(dir_ / "a.toml");
    FAIL() << "no error";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("include cycle"), std::string::npos) << message;
    EXPECT_NE(message.find("a.toml -> "), std::string::npos) << message;
    EXPECT_NE(message.find("b.toml -> "), std::string::npos) << message;
  }
  EXPECT_THROW(load_scenario(self), InputError);
}

TEST_F(ScenarioFiles, MissingIncludeIsAnErrorAtTheIncludeLine) {
  const fs::path file = write("s.toml", "name = 's'\ninclude = 'nowhere.toml'\n");
  try {
    load_scenario(file);
    FAIL() << "no error";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("s.toml:2: 'include'"), std::string::npos) << message;
    EXPECT_NE(message.find("no such file"), std::string::npos) << message;
  }
}

// --- errors -------------------------------------------------------------------------------

TEST(ScenarioErrors, UnknownKeyNamesFileLineKeyAndTheAllowedKeys) {
  expect_error("name = 'x'\n[trend]\nmodle = 'flat'\n",
               {"/tmp/sendcast/s.toml:3: 'trend.modle': unknown key", "model, damping"});
  expect_error("name = 'x'\nrun = 5\n", {"s.toml:2: 'run': unknown key", "runs"});
  expect_error("name = 'x'\n[[joiners.multiplier]]\nfactor = 1\nneed = ['ASD']\n",
               {"s.toml:4: 'joiners.multiplier.need': unknown key", "needs"});
  // placements are for leavers only: joiners have no placement yet.
  expect_error("name = 'x'\n[[joiners.multiplier]]\nfactor = 1\nplacements = ['ap_pru']\n",
               {"s.toml:4: 'joiners.multiplier.placements': unknown key"});
  expect_error("name = 'x'\n[joiners.include]\n", {"'joiners.include': unknown key"});
}

TEST(ScenarioErrors, WrongType) {
  expect_error("name = 'x'\nruns = \"many\"\n",
               {"s.toml:2: 'runs': expected an integer, found string"});
  expect_error("name = 'x'\nyears = 10.5\n", {"'years': expected an integer, found float"});
  expect_error("name = 'x'\n[population]\nuse = 1\n",
               {"'population.use': expected true or false, found integer"});
  expect_error("name = 'x'\ntrend = 3\n", {"'trend': expected a table ([trend]), found integer"});
  expect_error("name = 'x'\n[joiners.multiplier]\nfactor = 1\n",
               {"'joiners.multiplier': expected an array of tables ([[joiners.multiplier]])"});
  expect_error("name = 42\n", {"'name': expected a string, found integer"});
}

TEST(ScenarioErrors, OutOfRange) {
  expect_error("name = 'x'\n[[joiners.multiplier]]\nfactor = -0.1\n",
               {"s.toml:3: 'joiners.multiplier.factor': expected a number >= 0, found -0.1"});
  expect_error("name = 'x'\n[trend]\ndamping = 0\n", {"'trend.damping'", "(0, 1]"});
  expect_error("name = 'x'\n[trend]\ndamping = 1.5\n", {"'trend.damping'", "from 0 to 1"});
  expect_error("name = 'x'\nyears = 0\n", {"'years': expected a value from 1 to 30, found 0"});
  expect_error("name = 'x'\nruns = 0\n", {"'runs'"});
  expect_error("name = 'x'\nseed = -1\n", {"'seed'"});
  expect_error("name = 'x'\n[trend]\nlong_run_growth = nan\n", {"'trend.long_run_growth'"});
  expect_error(
      "name = 'x'\n[[joiners.placement_shift]]\nfrom = 'ap_pru'\nto = 'mainstream'\n"
      "share = 1.5\n",
      {"'joiners.placement_shift.share'"});
}

TEST(ScenarioErrors, Ages) {
  const std::string head = "name = 'x'\n[[joiners.multiplier]]\nfactor = 1\n";
  expect_error(head + "ages = [5, 30]\n",
               {"s.toml:4: 'joiners.multiplier.ages': expected a value from 0 to 25, found 30"});
  expect_error(head + "ages = [-1, 3]\n", {"'joiners.multiplier.ages'"});
  expect_error(head + "ages = [10, 5]\n", {"min age 10 is above max age 5"});
  expect_error(head + "ages = [1, 2, 3]\n", {"two ages, found 3 values"});
}

TEST(ScenarioErrors, Codes) {
  expect_error("name = 'x'\n[[joiners.multiplier]]\nfactor = 1\nneeds = ['ASD', 'ADHD']\n",
               {"s.toml:4: 'joiners.multiplier.needs': unknown need \"ADHD\"", "C&I"});
  expect_error("name = 'x'\n[[joiners.multiplier]]\nfactor = 1\nneeds = []\n", {"empty list"});
  expect_error("name = 'x'\n[[leavers.multiplier]]\nfactor = 1\nplacements = ['college']\n",
               {"unknown placement group \"college\"", "post16_fe"});
  expect_error("name = 'x'\n[trend]\nmodel = 'linear'\n", {"unknown trend model \"linear\""});
  expect_error(
      "name = 'x'\n[[joiners.placement_shift]]\nfrom = 'ap_pru'\nto = 'ap_pru'\nshare = 0.1\n",
      {"s.toml:4: 'joiners.placement_shift.to': same placement group as 'from'"});
}

TEST(ScenarioErrors, Years) {
  expect_error("name = 'x'\n[[joiners.multiplier]]\nfactor = 1\nfrom_year = 2030\nto_year = 2028\n",
               {"s.toml:5: 'joiners.multiplier.to_year': to_year 2028 is before from_year 2030"});
  expect_error(
      "name = 'x'\nstart_year = 2025\n[[leavers.multiplier]]\nfactor = 1\nto_year = 2025\n",
      {"to_year 2025 is before the first projected year 2026"});
  expect_error("name = 'x'\nstart_year = 1999\n", {"'start_year'"});
}

TEST(ScenarioErrors, MissingRequiredKeys) {
  expect_error("years = 5\n", {"/tmp/sendcast/s.toml: 'name': required key is missing"});
  expect_error("name = 'x'\n\n[[joiners.multiplier]]\nneeds = ['ASD']\n",
               {"s.toml:3: 'joiners.multiplier.factor': required key is missing"});
  expect_error("name = 'x'\n[[joiners.placement_shift]]\nfrom = 'ap_pru'\nshare = 0.1\n",
               {"'joiners.placement_shift.to': required key is missing"});
  expect_error("name = ''\n", {"'name': expected a non-empty string"});
}

TEST(ScenarioErrors, SyntaxErrorHasTomlsLine) {
  expect_error("name = 'x'\nyears = 10\nruns = = 3\n", {"/tmp/sendcast/s.toml:3: TOML syntax"});
  expect_error("name = 'x'\nname = 'y'\n", {"s.toml:2:", "name"});
}

TEST(ScenarioErrors, NonexistentFile) {
  try {
    load_scenario("/nonexistent/sendcast/missing.toml");
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(),
                 "/nonexistent/sendcast/missing.toml: cannot read scenario file: "
                 "no such file");
  }
}

// --- multipliers and hashes ---------------------------------------------------------------

TEST(ScenarioMultipliers, ApplicableFactorsMultiplyOthersAreIgnored) {
  const Scenario s = parse_scenario(R"(
name = "m"
start_year = 2025
[[joiners.multiplier]]
factor = 0.5
needs = ["C&I"]
[[joiners.multiplier]]
factor = 3
from_year = 2028
to_year = 2029
ages = [5, 10]
[[leavers.multiplier]]
factor = 2
placements = ["post16_fe", "specialist_post16"]
[[leavers.multiplier]]
factor = 1.5
needs = ["SEMH"]
)",
                                    "/tmp/sendcast/s.toml");
  const int asd = need(Need::ASD);
  const int hi = need(Need::HI);
  EXPECT_DOUBLE_EQ(joiner_multiplier(s, 2025, asd, 7), 1.0);  // the origin year itself
  EXPECT_DOUBLE_EQ(joiner_multiplier(s, 2026, asd, 7), 0.5);
  EXPECT_DOUBLE_EQ(joiner_multiplier(s, 2026, hi, 7), 1.0);
  EXPECT_DOUBLE_EQ(joiner_multiplier(s, 2028, asd, 7), 1.5);
  EXPECT_DOUBLE_EQ(joiner_multiplier(s, 2029, hi, 10), 3.0);
  EXPECT_DOUBLE_EQ(joiner_multiplier(s, 2029, hi, 11), 1.0);
  EXPECT_DOUBLE_EQ(joiner_multiplier(s, 2030, asd, 7), 0.5);
  const int fe = placement(Placement::PostSixteenFe);
  const int special = placement(Placement::StateSpecial);
  const int semh = need(Need::SEMH);
  EXPECT_DOUBLE_EQ(leaver_multiplier(s, 2027, asd, 17, fe), 2.0);
  EXPECT_DOUBLE_EQ(leaver_multiplier(s, 2027, asd, 17, special), 1.0);
  EXPECT_DOUBLE_EQ(leaver_multiplier(s, 2027, semh, 17, fe), 3.0);
  EXPECT_DOUBLE_EQ(leaver_multiplier(s, 2027, semh, 17, special), 1.5);
}

TEST(ScenarioHash, StableAcrossLayoutAndChangesWithContent) {
  const fs::path file = "/tmp/sendcast/s.toml";
  const Scenario a = parse_scenario("name = 'x'\nyears = 5\n[trend]\nmodel = 'flat'\n", file);
  const Scenario again = parse_scenario("name = 'x'\nyears = 5\n[trend]\nmodel = 'flat'\n", file);
  const Scenario relaid = parse_scenario(
      "# a comment\ntrend.model = \"flat\"\nyears = 5   # reordered\nname = \"x\"\n", file);
  const Scenario changed = parse_scenario("name = 'x'\nyears = 6\n[trend]\nmodel = 'flat'\n", file);
  EXPECT_EQ(a.hash, again.hash);
  EXPECT_EQ(a.hash, relaid.hash);
  EXPECT_NE(a.hash, changed.hash);
  EXPECT_EQ(a.hash.size(), 16u);
  EXPECT_EQ(a.hash, io::hex64(io::fnv1a(a.source_text)));
}

}  // namespace
}  // namespace sendcast::scenarios

namespace sendcast::scenarios {
namespace {

// --- [finance] ----------------------------------------------------------------------------

TEST(ScenarioFinance, DefaultsAreTheCostModelsOwn) {
  const Scenario s = parse_scenario("name = \"x\"\n", "/tmp/sendcast/s.toml");
  const models::FinanceAssumptions defaults;
  EXPECT_EQ(s.finance.cost_table_file, defaults.cost_table_file);
  EXPECT_EQ(s.finance.opening_year, 2021);
  EXPECT_DOUBLE_EQ(s.finance.opening_deficit_gbp, 13.609e6);
  EXPECT_DOUBLE_EQ(s.finance.income_growth, 0.05);
  EXPECT_DOUBLE_EQ(s.finance.transport.per_child_gbp, 7000);
  EXPECT_TRUE(s.finance.unit_costs.empty());
}

TEST(ScenarioFinance, EveryKeyRead) {
  const Scenario s = parse_scenario(R"(name = "x"
[finance]
cost_table = "costs.csv"
allocations = "../alloc.csv"
income_growth = 0.03
opening_year = "2022-23"
opening_deficit_gbp = 5e6
deficit_threshold_gbp = 1000000
[[finance.known_gap]]
year = "2022-23"
gap_gbp = -250000
[[finance.known_gap]]
year = "2023-24"
gap_gbp = 4e6
[[finance.unit_cost]]
placement = "independent_special"
need_area = "SEMH"
fee_gbp = 72000
[[finance.unit_cost]]
placement = "state_special"
top_up_gbp = 15000
inflation = 0.04
[finance.transport]
per_child_gbp = 8000
per_km_gbp = 350
independent_km = 25
inflation = 0.02
prices = "2024-25"
)",
                                    "/tmp/sendcast/dir/s.toml");
  const models::FinanceAssumptions& f = s.finance;
  EXPECT_EQ(f.cost_table_file, "/tmp/sendcast/dir/costs.csv");
  EXPECT_EQ(f.allocations_file, "/tmp/sendcast/alloc.csv");
  EXPECT_DOUBLE_EQ(f.income_growth, 0.03);
  EXPECT_EQ(f.opening_year, 2022);
  EXPECT_DOUBLE_EQ(f.opening_deficit_gbp, 5e6);
  EXPECT_DOUBLE_EQ(f.deficit_threshold_gbp, 1e6);
  ASSERT_EQ(f.known_gaps.size(), 2u);  // replaces the default list
  EXPECT_EQ(f.known_gaps[0], (std::pair<int, double>{2022, -250000}));
  EXPECT_EQ(f.known_gaps[1], (std::pair<int, double>{2023, 4e6}));
  ASSERT_EQ(f.unit_costs.size(), 2u);
  EXPECT_EQ(f.unit_costs[0].placement, Placement::IndependentSpecial);
  EXPECT_EQ(f.unit_costs[0].need_areas, (std::array<bool, 4>{false, false, true, false}));
  EXPECT_EQ(f.unit_costs[0].fee_gbp, 72000);
  EXPECT_FALSE(f.unit_costs[0].top_up_gbp.has_value());
  EXPECT_EQ(f.unit_costs[1].need_areas, (std::array<bool, 4>{true, true, true, true}));
  EXPECT_EQ(f.unit_costs[1].inflation, 0.04);
  EXPECT_DOUBLE_EQ(f.transport.per_child_gbp, 8000);
  EXPECT_DOUBLE_EQ(f.transport.per_km_gbp, 350);
  EXPECT_DOUBLE_EQ(f.transport.independent_km, 25);
  EXPECT_EQ(f.transport.prices, 2024);
}

TEST(ScenarioFinance, OverridesReplaceOnlyTheCellsTheyName) {
  models::CostTable table;
  table.unit[static_cast<int>(Placement::IndependentSpecial)][2].fee_gbp = 60000;
  table.unit[static_cast<int>(Placement::IndependentSpecial)][1].fee_gbp = 50000;
  models::UnitCostOverride o;
  o.placement = Placement::IndependentSpecial;
  o.need_areas = {false, false, true, false};
  o.fee_gbp = 72000;
  models::apply_overrides(table, {o});
  EXPECT_EQ(table.unit[static_cast<int>(Placement::IndependentSpecial)][2].fee_gbp, 72000);
  EXPECT_EQ(table.unit[static_cast<int>(Placement::IndependentSpecial)][1].fee_gbp, 50000);
}

TEST(ScenarioFinance, BadKeysNameFileLineAndKey) {
  expect_error(
      "name = \"x\"\n[finance]\nopening_deficit = 5\n",
      {"/tmp/sendcast/s.toml:3", "finance.opening_deficit", "unknown key", "opening_deficit_gbp"});
  expect_error("name = \"x\"\n[finance]\nopening_deficit_gbp = -5\n",
               {"/tmp/sendcast/s.toml:3", "finance.opening_deficit_gbp", ">= 0", "-5"});
  expect_error("name = \"x\"\n[finance]\ndeficit_threshold_gbp = -1\n",
               {"s.toml:3", "finance.deficit_threshold_gbp", ">= 0"});
  expect_error("name = \"x\"\n[finance]\nopening_year = 2021\n",
               {"s.toml:3", "finance.opening_year", "expected a string"});
  expect_error("name = \"x\"\n[finance]\nopening_year = \"2021-23\"\n",
               {"s.toml:3", "finance.opening_year", "\"2025-26\"", "2021-23"});
  expect_error("name = \"x\"\n[finance]\nincome_growth = 0.9\n",
               {"s.toml:3", "finance.income_growth"});
  expect_error("name = \"x\"\n[[finance.unit_cost]]\nplacement = \"special\"\nfee_gbp = 1\n",
               {"s.toml:3", "finance.unit_cost.placement", "unknown placement group"});
  expect_error(
      "name = \"x\"\n[[finance.unit_cost]]\nplacement = \"state_special\"\n"
      "top_up_gbp = -10\n",
      {"s.toml:4", "finance.unit_cost.top_up_gbp", ">= 0"});
  expect_error("name = \"x\"\n[[finance.unit_cost]]\nplacement = \"state_special\"\n",
               {"s.toml:2", "finance.unit_cost", "at least one of"});
  expect_error(
      "name = \"x\"\n[[finance.unit_cost]]\nplacement = \"state_special\"\n"
      "need_area = \"ASD\"\nfee_gbp = 1\n",
      {"s.toml:4", "finance.unit_cost.need_area", "unknown need area"});
  expect_error("name = \"x\"\n[[finance.known_gap]]\nyear = \"2021-22\"\n",
               {"s.toml:2", "finance.known_gap.gap_gbp", "required key is missing"});
  expect_error(
      "name = \"x\"\n[[finance.known_gap]]\nyear = \"2021-22\"\ngap_gbp = 1\n"
      "[[finance.known_gap]]\nyear = \"2021-22\"\ngap_gbp = 2\n",
      {"s.toml:6", "finance.known_gap.year", "duplicate year 2021-22"});
  expect_error("name = \"x\"\n[finance.transport]\nper_km_gbp = -400\n",
               {"s.toml:3", "finance.transport.per_km_gbp", ">= 0"});
  expect_error("name = \"x\"\n[finance.transport]\nper_mile_gbp = 400\n",
               {"s.toml:3", "finance.transport.per_mile_gbp", "unknown key"});
  expect_error("name = \"x\"\n[finance]\ncost_table = \"\"\n",
               {"s.toml:3", "finance.cost_table", "empty"});
}

}  // namespace
}  // namespace sendcast::scenarios
