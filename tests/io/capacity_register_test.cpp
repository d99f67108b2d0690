// The capacity inputs: the register CSV, township distances, the scenario's [capacity]
// section and the capacity timeline, each with its error messages (file, line, field).
#include "io/capacity_register.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "io/township_distances.h"
#include "scenarios/capacity_plan.h"
#include "scenarios/scenario.h"

namespace sendcast::io {
namespace {

namespace fs = std::filesystem;

const fs::path SOURCE(SENDCAST_SOURCE_DIR);
const std::vector<std::string> DUDLEY = {
    "Brierley Hill", "Dudley", "North Dudley (Sedgley/Coseley/Gornal)", "Halesowen", "Stourbridge"};
const std::string HEADER =
    "id,name,type,township,age_min,age_max,needs,places,opens,closes,place_funding,top_up\n";

std::string error_of(const std::string& rows) {
  try {
    parse_capacity_register(HEADER + rows, "reg.csv", DUDLEY);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// ------------------------------------------------------------------------------ register

TEST(CapacityRegister, TheDudleyIllustrativeRegisterMatchesTheJanuary2025Counts) {
  const auto reg = read_capacity_register(SOURCE / "data/capacity/dudley_illustrative.csv", DUDLEY);
  int special = 0, bases = 0, ap = 0, n_special = 0, n_ap = 0, units_2023 = 0;
  for (const Provision& p : reg.provisions) {
    switch (served_placement(p.type)) {
      case Placement::StateSpecial:
        special += p.places, ++n_special;
        break;
      case Placement::ResourcedProvision:
        bases += p.places;
        if (p.opens == 2023 && p.age_max <= 11) ++units_2023;
        break;
      case Placement::AlternativeProvision:
        ap += p.places, ++n_ap;
        break;
      default:
        break;
    }
    // Generic names only: a kind of provision and a letter or code, never a real school.
    const bool generic =
        p.name.rfind("Special school ", 0) == 0 || p.name.rfind("Resourced provision ", 0) == 0 ||
        p.name.rfind("SEN unit ", 0) == 0 || p.name.rfind("Pupil referral unit ", 0) == 0 ||
        p.name.rfind("Alternative provision ", 0) == 0;
    EXPECT_TRUE(generic) << p.name;
  }
  // SEN2 January 2025: 1,100 in state special schools, 119 in bases and units, 9 in AP/PRU.
  EXPECT_EQ(n_special, 7);
  EXPECT_EQ(n_ap, 2);
  EXPECT_EQ(units_2023, 4);
  EXPECT_GE(special, 1100);
  EXPECT_LE(special, 1150);
  EXPECT_GE(bases, 119);
  EXPECT_LE(bases, 140);
  EXPECT_GE(ap, 9);
  EXPECT_LE(ap, 20);
}

TEST(CapacityRegister, ReadsEveryColumn) {
  const auto reg = parse_capacity_register(
      HEADER +
          "X1,\"Unit X, primary\",sen_unit,Dudley,4,10,ASD;c&l,12,2023,2031,6000,8500\n"
          "X2,Any school,special,Halesowen,2,19,any,100,,,,\n",
      "reg.csv", DUDLEY);
  ASSERT_EQ(reg.provisions.size(), 2u);
  const Provision& x = reg.provisions[0];
  EXPECT_EQ(x.name, "Unit X, primary");
  EXPECT_EQ(x.type, ProvisionType::SenUnit);
  EXPECT_EQ(served_placement(x.type), Placement::ResourcedProvision);
  EXPECT_EQ(x.designation[static_cast<int>(Need::ASD)], Fit::Exact);
  EXPECT_EQ(x.designation[static_cast<int>(Need::MLD)], Fit::Area);
  EXPECT_EQ(x.designation[static_cast<int>(Need::SLCN)], Fit::None);
  EXPECT_EQ(x.places, 12);
  EXPECT_FALSE(x.open_in(2022));
  EXPECT_TRUE(x.open_in(2023));
  EXPECT_TRUE(x.open_in(2030));
  EXPECT_FALSE(x.open_in(2031));
  EXPECT_DOUBLE_EQ(x.top_up, 8500);
  EXPECT_EQ(x.where.line, 2);
  const Provision& y = reg.provisions[1];
  EXPECT_EQ(y.opens, 0);
  EXPECT_EQ(y.closes, 0);
  EXPECT_TRUE(y.open_in(2000));
  for (Fit f : y.designation) EXPECT_EQ(f, Fit::Any);
}

TEST(CapacityRegister, DesignationsKeepTheClosestFit) {
  Designation d{};
  EXPECT_TRUE(add_designation("any", d));
  EXPECT_TRUE(add_designation("SEMH", d));
  EXPECT_TRUE(add_designation("sp", d));
  EXPECT_FALSE(add_designation("autism", d));
  EXPECT_EQ(d[static_cast<int>(Need::SEMH)], Fit::Exact);
  EXPECT_EQ(d[static_cast<int>(Need::HI)], Fit::Area);
  EXPECT_EQ(d[static_cast<int>(Need::ASD)], Fit::Any);
}

struct BadRow {
  std::string rows;
  std::vector<std::string> expected;  //!< parts of the message
};

TEST(CapacityRegister, EveryErrorNamesFileLineAndColumn) {
  const std::string ok = "S1,School,special,Dudley,2,19,any,100,,,,\n";
  const std::vector<BadRow> cases = {
      {"S1,School,special,Dudly,2,19,any,100,,,,\n",
       {"reg.csv:2: column 'township': unknown township \"Dudly\"", "Halesowen"}},
      {"S1,School,special,Dudley,2,19,ASD;autism,100,,,,\n",
       {"reg.csv:2: column 'needs': unknown need \"autism\"", "C&I"}},
      {"S1,School,special,Dudley,12,9,any,100,,,,\n",
       {"reg.csv:2: column 'age_max': age_max 9 is below age_min 12"}},
      {"S1,School,special,Dudley,2,26,any,100,,,,\n",
       {"reg.csv:2: column 'age_max': age 26 is outside 0 to 25"}},
      {"S1,School,special,Dudley,-1,19,any,100,,,,\n",
       {"reg.csv:2: column 'age_min': age -1 is outside"}},
      {"S1,School,special,Dudley,2,19,any,-4,,,,\n",
       {"reg.csv:2: column 'places': negative places: -4"}},
      {ok + "S1,Other,special,Dudley,2,19,any,10,,,,\n",
       {"reg.csv:3: column 'id': duplicate id \"S1\""}},
      {"S1,School,free_school,Dudley,2,19,any,100,,,,\n",
       {"reg.csv:2: column 'type': unknown provision type \"free_school\"", "sen_unit"}},
      {"S1,School,special,Dudley,2,19,any,many,,,,\n",
       {"reg.csv:2: column 'places': expected a number of places, found \"many\""}},
      {"S1,School,special,Dudley,2,19,any,10,2030,2028,,\n",
       {"reg.csv:2: column 'closes': closes 2028 is not after opens 2030"}},
      {"S1,School,special,Dudley,2,19,any,10,1990,,,\n",
       {"reg.csv:2: column 'opens': expected a census year from 2000"}},
      {"S1,School,special,Dudley,2,19,;,10,,,,\n", {"reg.csv:2: column 'needs': empty need"}},
      {",School,special,Dudley,2,19,any,10,,,,\n", {"reg.csv:2: column 'id': empty"}},
      {"S1,School,special,Dudley,2,19,any,10,,,-5,\n",
       {"reg.csv:2: column 'place_funding': expected a non-negative amount"}},
  };
  for (const BadRow& c : cases) {
    const std::string message = error_of(c.rows);
    ASSERT_FALSE(message.empty()) << c.rows;
    for (const auto& part : c.expected) EXPECT_NE(message.find(part), std::string::npos) << message;
  }
  EXPECT_EQ(error_of(ok), "");
}

TEST(CapacityRegister, MissingColumnsAndEmptyFilesAreErrors) {
  try {
    parse_capacity_register("id,name,type\nS1,x,special\n", "reg.csv", DUDLEY);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("reg.csv:1: missing required column 'township'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(parse_capacity_register(HEADER, "reg.csv", DUDLEY), InputError);
  EXPECT_THROW(read_capacity_register("/no/such/register.csv", DUDLEY), InputError);
}

// ---------------------------------------------------------------------- township distances

TEST(TownshipDistances, HaversineMatchesAKnownDistance) {
  // London (51.5074, -0.1278) to Paris (48.8566, 2.3522): about 343.5 km.
  EXPECT_NEAR(haversine_km(51.5074, -0.1278, 48.8566, 2.3522), 343.5, 1.0);
  EXPECT_DOUBLE_EQ(haversine_km(52.5, -2.1, 52.5, -2.1), 0.0);
}

TEST(TownshipDistances, DudleysTownCentresAreAFewKilometresApart) {
  const auto d =
      read_township_distances(SOURCE / "data/geography/dudley_township_centres.csv", DUDLEY);
  ASSERT_EQ(d.townships, DUDLEY);
  for (std::size_t a = 0; a < DUDLEY.size(); ++a) {
    EXPECT_DOUBLE_EQ(d.at(a, a), 0.0);
    for (std::size_t b = 0; b < DUDLEY.size(); ++b) {
      EXPECT_DOUBLE_EQ(d.at(a, b), d.at(b, a));
      if (a != b) {
        EXPECT_GT(d.at(a, b), 2.0);
        EXPECT_LT(d.at(a, b), 13.0);
      }
    }
  }
}

class CapacityFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("sendcast_capacity_" + std::string(test->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  fs::path dir_;
};

TEST_F(CapacityFiles, CentresMustNameEveryTownshipOnce) {
  const auto unknown = write("c.csv", "township,latitude,longitude\nAtlantis,52,-2\n");
  try {
    read_township_distances(unknown, {"A", "B"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("c.csv:2: column 'township': unknown township"),
              std::string::npos)
        << e.what();
  }
  const auto missing = write("m.csv", "township,latitude,longitude\nA,52,-2\n");
  EXPECT_THROW(read_township_distances(missing, {"A", "B"}), InputError);
  const auto bad = write("b.csv", "township,latitude,longitude\nA,95,-2\nB,52,-2\n");
  EXPECT_THROW(read_township_distances(bad, {"A", "B"}), InputError);
}

// ------------------------------------------------------------------ scenario [capacity]

std::string scenario_error(const std::string& text) {
  try {
    scenarios::parse_scenario(text, "/tmp/sendcast/s.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(CapacityScenario, TheShippedScenariosCarryTheRegisterAndTheNewBase) {
  const auto base = scenarios::load_scenario(SOURCE / "scenarios/dudley/baseline.toml");
  EXPECT_EQ(base.capacity.register_file.filename(), "dudley_illustrative.csv");
  EXPECT_TRUE(fs::exists(base.capacity.register_file));
  EXPECT_TRUE(fs::exists(base.townships.centres_file));
  EXPECT_EQ(base.capacity.overflow, scenarios::CapacityOverflow::Independent);
  const auto more = scenarios::load_scenario(SOURCE / "scenarios/dudley/new_base_2027.toml");
  ASSERT_EQ(more.capacity.additions.size(), 1u);
  const Provision& b7 = more.capacity.additions[0];
  EXPECT_EQ(b7.id, "B7");
  EXPECT_EQ(b7.type, ProvisionType::ResourcedProvision);
  EXPECT_EQ(b7.places, 24);
  EXPECT_EQ(b7.opens, 2027);
  EXPECT_EQ(b7.age_min, 11);
  EXPECT_EQ(b7.designation[static_cast<int>(Need::ASD)], Fit::Area);
  EXPECT_EQ(more.capacity.register_file, base.capacity.register_file);
  EXPECT_EQ(more.seed, base.seed);
  EXPECT_EQ(more.runs, base.runs);
}

TEST(CapacityScenario, ReadsEveryKey) {
  const auto s = scenarios::parse_scenario(R"(
name = "x"
[townships]
centres_file = "c.csv"
[capacity]
register = "reg.csv"
overflow = "awaiting"
[capacity.policy]
divert_to_resourced_provision = 0.25
[[capacity.change]]
id = "B3"
year = 2027
places = +24
[[capacity.change]]
id = "S2"
year = 2029
close = true
[[capacity.add]]
id = "N1"
name = "New"
type = "special"
township = "Dudley"
age_min = 4
age_max = 19
needs = ["ASD", "SEMH"]
places = 60
opens = 2028
closes = 2040
place_funding = 10000
top_up = 20000
)",
                                           "/tmp/sendcast/s.toml");
  EXPECT_EQ(s.capacity.register_file, fs::path("/tmp/sendcast/reg.csv"));
  EXPECT_EQ(s.townships.centres_file, fs::path("/tmp/sendcast/c.csv"));
  EXPECT_EQ(s.capacity.overflow, scenarios::CapacityOverflow::Awaiting);
  EXPECT_DOUBLE_EQ(s.capacity.divert_to_resourced_provision, 0.25);
  ASSERT_EQ(s.capacity.changes.size(), 2u);
  EXPECT_EQ(s.capacity.changes[0].places, 24);
  EXPECT_EQ(s.capacity.changes[0].where.line, 10);
  EXPECT_TRUE(s.capacity.changes[1].close);
  ASSERT_EQ(s.capacity.additions.size(), 1u);
  EXPECT_EQ(s.capacity.additions[0].needs, "ASD;SEMH");
  EXPECT_EQ(s.capacity.additions[0].closes, 2040);
  EXPECT_EQ(s.capacity.additions[0].where.line, 18);
}

TEST(CapacityScenario, ErrorsNameFileLineAndKey) {
  auto addition = [](const std::string& needs) {
    return "[[capacity.add]]\nid = \"N\"\nname = \"n\"\ntype = \"special\"\n"
           "township = \"Dudley\"\nage_min = 4\nage_max = 19\nneeds = " +
           needs + "\nplaces = 5\n";
  };
  const std::string add = addition("[\"any\"]");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[capacity]\nregster = \"r.csv\"\n", "s.toml:3: 'capacity.regster': unknown key"},
      {"[capacity]\noverflow = \"sea\"\n", "s.toml:3: 'capacity.overflow': unknown overflow"},
      {"[capacity.policy]\ndivert_to_resourced_provision = 1.5\n",
       "s.toml:3: 'capacity.policy.divert_to_resourced_provision': expected a number from 0 to 1"},
      {"[[capacity.change]]\nid = \"B3\"\nyear = 2027\n",
       "s.toml:2: 'capacity.change': expected places"},
      {"[[capacity.change]]\nid = \"B3\"\nyear = 2027\nplaces = 4\nclose = true\n",
       "s.toml:2: 'capacity.change': give either places"},
      {"[[capacity.change]]\nid = \"B3\"\nyear = 2027\nplaces = 0\n",
       "s.toml:5: 'capacity.change.places': a change of 0 places"},
      {"[[capacity.change]]\nyear = 2027\nplaces = 4\n",
       "'capacity.change.id': required key is missing"},
      {"[[capacity.change]]\nid = \"B3\"\nyear = 2027\nplace = 4\n",
       "s.toml:5: 'capacity.change.place': unknown key"},
      {add + "type2 = 1\n", "'capacity.add.type2': unknown key"},
      {"[[capacity.add]]\nid = \"N\"\nname = \"n\"\ntype = \"school\"\n",
       "s.toml:5: 'capacity.add.type': unknown provision type \"school\""},
      {addition("[\"ASD\", \"autism\"]"),
       "s.toml:9: 'capacity.add.needs': unknown need \"autism\""},
      {addition("[]"), "s.toml:9: 'capacity.add.needs': empty list"},
      {"[[capacity.add]]\nid = \"N\"\nname = \"n\"\ntype = \"special\"\ntownship = \"Dudley\"\n"
       "age_min = 12\nage_max = 9\nneeds = [\"any\"]\nplaces = 5\n",
       "s.toml:8: 'capacity.add.age_max': age_max 9 is below age_min 12"},
      {"[[capacity.add]]\nid = \"N\"\nname = \"n\"\ntype = \"special\"\ntownship = \"Dudley\"\n"
       "age_min = 2\nage_max = 19\nneeds = [\"any\"]\nplaces = -5\n",
       "s.toml:10: 'capacity.add.places': expected a value from 0"},
      {add + "\n" + add, "'capacity.add.id': duplicate id \"N\""},
  };
  for (const auto& [text, expected] : cases) {
    const std::string message = scenario_error("name = \"x\"\n" + text);
    EXPECT_NE(message.find(expected), std::string::npos) << text << "\n-> " << message;
  }
}

// -------------------------------------------------------------------- capacity timeline

TEST_F(CapacityFiles, TheTimelineAppliesChangesAdditionsAndClosures) {
  write("reg.csv", HEADER +
                       "B3,Base,resourced_provision,Dudley,11,15,C&I,10,,,,\n"
                       "S2,School,special,Halesowen,4,19,any,50,,2030,,\n");
  const auto s = scenarios::load_scenario(write("s.toml", R"(name = "t"
[capacity]
register = "reg.csv"
[[capacity.change]]
id = "B3"
year = 2027
places = +24
[[capacity.change]]
id = "B3"
year = 2029
places = -4
[[capacity.change]]
id = "N1"
year = 2028
close = true
[[capacity.add]]
id = "N1"
name = "New"
type = "sen_unit"
township = "Stourbridge"
age_min = 4
age_max = 10
needs = ["SEMH"]
places = 8
opens = 2026
)"));
  const auto reg = read_capacity_register(s.capacity.register_file, DUDLEY);
  const auto plan =
      scenarios::capacity_plan(s, reg, zero_distances(DUDLEY), 2025, 6);  // 2025 .. 2031
  ASSERT_EQ(plan.provisions.size(), 3u);
  EXPECT_EQ(plan.provisions[0].places, (std::vector<std::int32_t>{10, 10, 34, 34, 30, 30, 30}));
  EXPECT_EQ(plan.provisions[1].places, (std::vector<std::int32_t>{50, 50, 50, 50, 50, 0, 0}));
  EXPECT_EQ(plan.provisions[2].places, (std::vector<std::int32_t>{0, 8, 8, 0, 0, 0, 0}));
  EXPECT_EQ(plan.provisions[2].township, 4);
  EXPECT_EQ(plan.years, 7);
}

TEST_F(CapacityFiles, TimelineErrorsNameTheScenarioLine) {
  write("reg.csv", HEADER + "B3,Base,resourced_provision,Dudley,11,15,C&I,10,,,,\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[[capacity.change]]\nid = \"B9\"\nyear = 2027\nplaces = 4\n",
       "s.toml:4: 'capacity.change.id': unknown provision id \"B9\""},
      {"[[capacity.add]]\nid = \"B3\"\nname = \"n\"\ntype = \"special\"\ntownship = \"Dudley\"\n"
       "age_min = 4\nage_max = 19\nneeds = [\"any\"]\nplaces = 5\n",
       "s.toml:4: 'capacity.add.id': id \"B3\" is already used at"},
      {"[[capacity.add]]\nid = \"N\"\nname = \"n\"\ntype = \"special\"\ntownship = \"Lye\"\n"
       "age_min = 4\nage_max = 19\nneeds = [\"any\"]\nplaces = 5\n",
       "s.toml:4: 'capacity.add.township': unknown township \"Lye\""},
  };
  for (const auto& [text, expected] : cases) {
    const auto s = scenarios::load_scenario(
        write("s.toml", "name = \"t\"\n[capacity]\nregister = \"reg.csv\"\n" + text));
    const auto reg = read_capacity_register(s.capacity.register_file, DUDLEY);
    try {
      scenarios::capacity_plan(s, reg, zero_distances(DUDLEY), 2025, 5);
      ADD_FAILURE() << "no error for " << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace sendcast::io
