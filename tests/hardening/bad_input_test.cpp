// The catalogue of hostile inputs (issue 9): every reader and the scenario loader, each case
// run through the real binary. A case passes when sendcast exits with status 2, stderr starts
// "sendcast: error: " and names the file (with line and field where there is one), and nothing
// was written: the case's folder, including any earlier --out directory, is byte for byte as
// it was before the run. The cases are data (one row each in catalogue()); the helpers below
// build the bad files from the shipped data/.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/targets.h"
#include "io/csv.h"

namespace sendcast {
namespace {

namespace fs = std::filesystem;

const fs::path SOURCE_DIR = SENDCAST_SOURCE_DIR;

// ---------------------------------------------------------------------------------------------
// Files and text.

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void spit(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

std::string replace_all(const std::string& text, std::string_view from, const std::string& to) {
  std::string out;
  out.reserve(text.size());
  std::size_t done = 0;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, done)) {
    out.append(text, done, at - done).append(to);
    done = at + from.size();
  }
  return out.append(text, done);
}

std::string to_crlf(const std::string& text) {
  return replace_all(replace_all(text, "\r\n", "\n"), "\n", "\r\n");
}

//! Every file and folder under `root` with a digest of its bytes: "nothing was written" is
//! this map unchanged.
std::map<std::string, std::size_t> snapshot(const fs::path& root) {
  std::map<std::string, std::size_t> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string name = fs::relative(entry.path(), root).generic_string();
    out[name] = entry.is_regular_file() ? std::hash<std::string>{}(slurp(entry.path())) : 0;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A CSV file as lines of raw fields, so that one cell can be changed and everything else kept
// byte for byte (quotes, BOM, line ends).

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted)
      fields.emplace_back();
    else
      fields.back() += c;
  }
  return fields;
}

std::string join_fields(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t c = 0; c < fields.size(); ++c) out += (c ? "," : "") + fields[c];
  return out;
}

std::string unquoted(std::string field) {
  if (field.rfind("\xEF\xBB\xBF", 0) == 0) field.erase(0, 3);
  if (field.size() >= 2 && field.front() == '"' && field.back() == '"')
    field = field.substr(1, field.size() - 2);
  return field;
}

using Match = std::vector<std::pair<std::string, std::string>>;  //!< column = value, all of them

//! Lines are split into fields only when a case looks at or changes them: the caseload has
//! 100,000 lines of 60 fields.
class CsvText {
 public:
  explicit CsvText(const std::string& text) : crlf_(text.find("\r\n") != std::string::npos) {
    std::istringstream in(replace_all(text, "\r\n", "\n"));
    for (std::string line; std::getline(in, line);) lines_.push_back(line);
    header_ = split_fields(lines_.at(0));
  }

  std::size_t column(const std::string& name) const {
    for (std::size_t c = 0; c < header_.size(); ++c)
      if (unquoted(header_[c]) == name) return c;
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
  //! The 1-based line of the first row matching every (column, value).
  long find(const Match& match) const {
    for (std::size_t i = 1; i < lines_.size(); ++i) {
      if (lines_[i].find(match.front().second) == std::string::npos) continue;
      const std::vector<std::string> fields = split_fields(lines_[i]);
      bool all = true;
      for (const auto& [name, value] : match)
        all = all && unquoted(fields.at(column(name))) == value;
      if (all) return static_cast<long>(i) + 1;
    }
    ADD_FAILURE() << "no row matches " << match.front().second;
    return 1;
  }
  void set(long line, const std::string& name, const std::string& value) {
    change(line, [&](std::vector<std::string>& fields) { fields.at(column(name)) = value; });
  }
  void rename(const std::string& from, const std::string& to) {
    header_[column(from)] = to;
    lines_[0] = join_fields(header_);
  }
  void keep_fields(long line, std::size_t n) {
    change(line, [n](std::vector<std::string>& fields) { fields.resize(n); });
  }
  void erase(long line) { lines_.erase(lines_.begin() + line - 1); }
  void duplicate(long line) { lines_.insert(lines_.begin() + line, lines_[line - 1]); }
  std::string text() const {
    std::string out;
    for (const std::string& line : lines_) out += line + (crlf_ ? "\r\n" : "\n");
    return out;
  }

 private:
  void change(long line, const std::function<void(std::vector<std::string>&)>& edit) {
    std::vector<std::string> fields = split_fields(lines_.at(line - 1));
    edit(fields);
    lines_[line - 1] = join_fields(fields);
  }

  bool crlf_;
  std::vector<std::string> lines_;
  std::vector<std::string> header_;
};

// ---------------------------------------------------------------------------------------------
// A case's own folder: a private copy of data/ when the case edits it, its scenario and files.

class Workspace {
 public:
  explicit Workspace(const std::string& name)
      : root_(fs::temp_directory_path() / ("sendcast_hardening_" + std::to_string(::getpid())) /
              name) {
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~Workspace() {
    fs::remove_all(root_);
    std::error_code ec;
    fs::remove(root_.parent_path(), ec);  // the per-process folder, once empty
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const fs::path& root() const { return root_; }
  //! The case's copy of data/, made on first use.
  fs::path data() {
    const fs::path dir = root_ / "data";
    if (!fs::exists(dir)) fs::copy(SOURCE_DIR / "data", dir, fs::copy_options::recursive);
    return dir;
  }
  //! The shipped file `relative` (in data/) as text, gunzipped.
  static const std::string& shipped(const std::string& relative) {
    static std::map<std::string, std::string> cache;
    auto [it, added] = cache.try_emplace(relative);
    if (added) {
      const fs::path plain = SOURCE_DIR / "data" / relative;
      it->second = io::read_file_text(fs::exists(plain) ? plain : fs::path(plain.string() + ".gz"));
    }
    return it->second;
  }
  //! Replaces data/`relative` (and its .gz) in the copy by plain `text`.
  void replace(const std::string& relative, const std::string& text) {
    const fs::path file = data() / relative;
    fs::remove(file.string() + ".gz");
    spit(file, text);
  }
  //! Writes `text` to `name` in the case's folder, with {src} and {ws} filled in.
  void write(const std::string& name, const std::string& text) const {
    spit(root_ / name, fill(text));
  }
  std::string fill(std::string text) const {
    text = replace_all(std::move(text), "{src}", SOURCE_DIR.string());
    return replace_all(std::move(text), "{ws}", root_.string());
  }

 private:
  fs::path root_;
};

// ---------------------------------------------------------------------------------------------
// The cases.

//! Writes a case's bad input; returns the line the bad cell is on (0 when there is none).
using Prepare = std::function<long(Workspace&)>;

struct BadInput {
  std::string name;
  std::string args;                 //!< {out}, {data}, {ws}, {src} are filled in
  std::vector<std::string> expect;  //!< each must appear in stderr; {line} is prepare()'s
  Prepare prepare = [](Workspace&) { return 0L; };
  bool earlier_results = false;  //!< an earlier run's --out exists and must stay as it was
};

void PrintTo(const BadInput& c, std::ostream* os) {
  *os << c.name;
}

const std::string RUN = "run --runs 20 --years 2 --quiet --out {out} ";
const std::string RUN_DATA = RUN + "--la Dudley --data-dir {data}";
const std::string RUN_SCENARIO = RUN + "--scenario {ws}/scenario.toml";
const std::string BENCHMARK =
    "benchmark --la Dudley --runs 0 --quiet --out {out} --data-dir {data}";
const std::string DUDLEY = "E08000027";
const std::string SNPP = "ons/snpp2022_migcat23_persons_blackcountry_age0-25.csv";
const std::string REGISTER = "capacity/dudley_illustrative.csv";

//! A scenario with the Dudley register, townships and centres; `extra` is appended.
std::string capacity_scenario(const std::string& register_file, const std::string& extra = "") {
  return "name = \"hostile\"\n"
         "[townships]\n"
         "split_file = \"{src}/data/geography/dudley_ward_to_township_2004wards.csv\"\n"
         "centres_file = \"{src}/data/geography/dudley_township_centres.csv\"\n"
         "[capacity]\n"
         "register = \"" +
         register_file + "\"\n" + extra;
}
const std::string DUDLEY_REGISTER = "{src}/data/" + REGISTER;

Prepare scenario(const std::string& text) {
  return [text](Workspace& ws) {
    ws.write("scenario.toml", text);
    return 0L;
  };
}

//! Sets one cell of a data/ file in the case's copy.
Prepare edit_cell(const std::string& file, const Match& row, const std::string& column,
                  const std::string& value) {
  return [=](Workspace& ws) {
    CsvText csv(Workspace::shipped(file));
    const long line = csv.find(row);
    csv.set(line, column, value);
    ws.replace(file, csv.text());
    return line;
  };
}

//! Applies `change` to a data/ file in the case's copy.
Prepare edit_file(const std::string& file, std::function<long(CsvText&)> change) {
  return [=](Workspace& ws) {
    CsvText csv(Workspace::shipped(file));
    const long line = change(csv);
    ws.replace(file, csv.text());
    return line;
  };
}

Prepare rename_column(const std::string& file, const std::string& from, const std::string& to) {
  return edit_file(file, [=](CsvText& csv) {
    csv.rename(from, to);
    return 1L;
  });
}

Prepare replace_file(const std::string& file, const std::string& text) {
  return [=](Workspace& ws) {
    ws.replace(file, text);
    return 0L;
  };
}

//! The Dudley register with one cell changed, read through a capacity scenario.
Prepare register_cell(const std::string& id, const std::string& column, const std::string& value,
                      bool crlf = false) {
  return [=](Workspace& ws) {
    CsvText csv(Workspace::shipped(REGISTER));
    const long line = csv.find({{"id", id}});
    csv.set(line, column, value);
    ws.write("register.csv", crlf ? to_crlf(csv.text()) : csv.text());
    ws.write("scenario.toml", capacity_scenario("register.csv"));
    return line;
  };
}

//! A capacity scenario whose register is `text`.
Prepare register_text(const std::string& text) {
  return [=](Workspace& ws) {
    ws.write("register.csv", text);
    ws.write("scenario.toml", capacity_scenario("register.csv"));
    return 0L;
  };
}

//! A scenario whose townships.split_file is `text`.
Prepare split_file(const std::string& text) {
  return [=](Workspace& ws) {
    ws.write("split.csv", text);
    ws.write("scenario.toml", "name = \"hostile\"\n[townships]\nsplit_file = \"split.csv\"\n");
    return 0L;
  };
}

Prepare make_folder(const std::string& name, Prepare then = nullptr) {
  return [=](Workspace& ws) {
    fs::create_directories(ws.root() / name);
    return then ? then(ws) : 0L;
  };
}

const Match DUDLEY_CASELOAD_2025 = {
    {"new_la_code", DUDLEY}, {"time_period", "202425"}, {"breakdown_topic", "All EHC plans"}};
const Match DUDLEY_AGE_7_2025 = {{"new_la_code", DUDLEY},
                                 {"time_period", "202425"},
                                 {"breakdown_topic", "Child or young persons age"},
                                 {"breakdown", "age 7"}};
const Match DUDLEY_SNPP_AGE_4 = {{"AREA_CODE", DUDLEY}, {"AGE_GROUP", "4"}};

std::vector<BadInput> command_line_cases() {
  return {
      {"UnknownSubcommand", "frobnicate --out {out}", {"command line: unknown command"}},
      {"UnknownDataSubcommand", "data frobnicate", {"command line: unknown data subcommand"}},
      {"UnknownOption", RUN + "--frobnicate", {"command line: unrecognised option '--frobnicate'"}},
      {"RunsNotANumber",
       "run --runs many --out {out}",
       {"command line: the argument ('many')", "--runs"}},
      {"RunsZero", "run --runs 0 --out {out}", {"command line: '--runs': expected a value from 1"}},
      {"RunsHuge", "run --runs 99999999999 --out {out}", {"('99999999999') for option '--runs'"}},
      {"ThreadsNegative", RUN + "--threads -1", {"command line: '--threads'"}},
      // Boost alone would read "-1" into an unsigned seed as 2^64 - 1 and run.
      {"OutFolderHoldsOtherFiles",
       RUN + "--la Dudley",
       {"holds files sendcast did not write (notes.txt)"},
       [](Workspace& ws) {
         ws.write("out/notes.txt", "a user's own file, which a commit would have deleted\n");
         return 0L;
       }},
      {"GoalseekOutIsAFile",
       "goalseek --scenario {src}/scenarios/dudley/baseline.toml --target 'gap <= 20m by "
       "2029-30' --lever joiner_rate --runs 5 --out {ws}/file",
       {"file: output path exists and is not a directory"},
       [](Workspace& ws) {
         ws.write("file", "not a folder\n");
         return 0L;
       }},
      {"SeedNegative", RUN + "--seed -1", {"the argument ('-1') for option '--seed' is invalid"}},
      {"SeedBeyondSixtyFourBits",
       "backtest --origin 2022 --horizon 1 --la Dudley --seed 18446744073709551616 --out {out}",
       {"('18446744073709551616') for option '--seed'"}},
      {"YearsBeyondThirty", "run --years 31 --out {out}", {"command line: '--years'"}},
      {"StartYearBeforeTheData", RUN + "--la Dudley --start-year 2005", {"no January 2005"}},
      {"StartYearAfterTheData", RUN + "--la Dudley --start-year 2040", {"no January 2040"}},
      {"BacktestOriginBeforeTheData",
       "backtest --origin 1990 --la Dudley --out {out}",
       {"command line: '--origin': expected a value from 2011 to 2100, found 1990"}},
      {"BacktestHorizonZero",
       "backtest --origin 2022 --horizon 0 --la Dudley --out {out}",
       {"command line: '--horizon'"}},
      {"UnknownLa", RUN + "--la Atlantis", {"--la: no local authority", "\"Atlantis\""}},
      {"ScenarioDoesNotExist",
       RUN + "--scenario {ws}/nope.toml",
       {"nope.toml: cannot read scenario file: no such file"}},
      {"ScenarioIsAFolder",
       RUN + "--scenario {ws}/folder",
       {"folder: cannot read scenario file: is a folder"},
       make_folder("folder")},
      {"ScenarioIsADevice",
       RUN + "--scenario /dev/zero",
       {"/dev/zero: cannot read scenario file: is not a regular file"}},
      {"DataDirIsAFile",
       RUN + "--la Dudley --data-dir /dev/null",
       {"/dev/null: data directory is not a directory"}},
      {"DataDirDoesNotExist",
       RUN + "--la Dudley --data-dir {ws}/nope",
       {"nope: data directory does not exist"}},
      {"OutIsAFile",
       "run --la Dudley --runs 20 --years 2 --quiet --out {ws}/results.txt",
       {"results.txt: output path exists and is not a directory"},
       [](Workspace& ws) {
         ws.write("results.txt", "earlier results\n");
         return 0L;
       }},
      {"OutUnderFoldersThatDoNotExist",
       "run --la Atlantis --out {ws}/new/deeper/out",
       {"--la: no local authority"}},
  };
}

std::vector<BadInput> scenario_cases() {
  return {
      {"ScenarioTomlSyntax",
       RUN_SCENARIO,
       {"scenario.toml:2: TOML syntax"},
       scenario("name = \"x\"\nyears = \n")},
      {"ScenarioEmpty",
       RUN_SCENARIO,
       {"scenario.toml: 'name': required key is missing"},
       scenario("")},
      {"ScenarioLoneBom",
       RUN_SCENARIO,
       {"scenario.toml: 'name': required key is missing"},
       scenario("\xEF\xBB\xBF")},
      {"ScenarioUnknownKey",
       RUN_SCENARIO,
       {"scenario.toml:2: 'nmae': unknown key"},
       scenario("name = \"x\"\nnmae = \"y\"\n")},
      {"ScenarioRunsIsAString",
       RUN_SCENARIO,
       {"scenario.toml:2: 'runs': expected an integer, found string"},
       scenario("name = \"x\"\nruns = \"many\"\n")},
      {"ScenarioYearsIsAFloat",
       RUN_SCENARIO,
       {"scenario.toml:2: 'years': expected an integer, found float"},
       scenario("name = \"x\"\nyears = 2.5\n")},
      {"ScenarioNegativeRuns",
       RUN_SCENARIO,
       {"scenario.toml:2: 'runs': expected a value from 1"},
       scenario("name = \"x\"\nruns = -5\n")},
      {"ScenarioSeedOverflows",
       RUN_SCENARIO,
       {"scenario.toml:2: TOML syntax"},
       scenario("name = \"x\"\nseed = 99999999999999999999\n")},
      {"ScenarioHugeRuns",
       RUN_SCENARIO,
       {"scenario.toml:2: 'runs': expected a value from 1"},
       scenario("name = \"x\"\nruns = 9223372036854775807\n")},
      {"ScenarioDampingNaN",
       RUN_SCENARIO,
       {"scenario.toml:3: 'trend.damping': expected a number from 0 to 1, found nan"},
       scenario("name = \"x\"\n[trend]\ndamping = nan\n")},
      {"ScenarioFactorInfinite",
       RUN_SCENARIO,
       {"scenario.toml:3: 'joiners.multiplier.factor': expected a number >= 0, found inf"},
       scenario("name = \"x\"\n[[joiners.multiplier]]\nfactor = inf\n")},
      {"ScenarioNegativeFactor",
       RUN_SCENARIO,
       {"scenario.toml:3: 'joiners.multiplier.factor': expected a number >= 0, found -0.5"},
       scenario("name = \"x\"\n[[joiners.multiplier]]\nfactor = -0.5\n")},
      {"ScenarioUnknownTrendModel",
       RUN_SCENARIO,
       {"scenario.toml:3: 'trend.model': unknown trend model \"exponential\""},
       scenario("name = \"x\"\n[trend]\nmodel = \"exponential\"\n")},
      {"ScenarioUnknownNeed",
       RUN_SCENARIO,
       {"scenario.toml:4: 'joiners.multiplier.needs': unknown need \"XYZ\""},
       scenario(
           "name = \"x\"\n[[joiners.multiplier]]\nfactor = 1.1\nneeds = [\"ASD\", \"XYZ\"]\n")},
      {"ScenarioAgeAboveTwentyFive",
       RUN_SCENARIO,
       {"scenario.toml:4: 'joiners.multiplier.ages': expected a value from 0 to 25, found 30"},
       scenario("name = \"x\"\n[[joiners.multiplier]]\nfactor = 1.1\nages = [0, 30]\n")},
      {"ScenarioNegativeAge",
       RUN_SCENARIO,
       {"scenario.toml:4: 'joiners.multiplier.ages': expected a value from 0 to 25, found -1"},
       scenario("name = \"x\"\n[[joiners.multiplier]]\nfactor = 1.1\nages = [-1, 5]\n")},
      {"ScenarioUnknownPlacement",
       RUN_SCENARIO,
       {"scenario.toml:4: 'leavers.multiplier.placements': unknown placement group \"castle\""},
       scenario("name = \"x\"\n[[leavers.multiplier]]\nfactor = 1.1\nplacements = [\"castle\"]\n")},
      {"ScenarioShiftToItself",
       RUN_SCENARIO,
       {"scenario.toml:4: 'joiners.placement_shift.to': same placement group as 'from'"},
       scenario("name = \"x\"\n[[joiners.placement_shift]]\nfrom = \"mainstream\"\n"
                "to = \"mainstream\"\nshare = 0.1\n")},
      {"ScenarioStartYearBeforeTwoThousand",
       RUN_SCENARIO,
       {"scenario.toml:2: 'start_year': expected 0 (the latest census in the data) or a census "
        "year from 2000, found 1990"},
       scenario("name = \"x\"\nstart_year = 1990\n")},
      {"ScenarioEmptyLa",
       RUN_SCENARIO,
       {"scenario.toml:2: 'la': expected a non-empty string"},
       scenario("name = \"x\"\nla = \"\"\n")},
      {"ScenarioIncludesItself",
       RUN_SCENARIO,
       {"scenario.toml:1: 'include': include cycle", "scenario.toml -> "},
       scenario("include = \"scenario.toml\"\nname = \"x\"\n")},
      {"ScenarioIncludeCycleThroughABase",
       RUN_SCENARIO,
       {"base.toml:1: 'include': include cycle"},
       [](Workspace& ws) {
         ws.write("base.toml", "include = \"scenario.toml\"\nname = \"base\"\n");
         ws.write("scenario.toml", "include = \"base.toml\"\nname = \"x\"\n");
         return 0L;
       }},
      {"ScenarioIncludeDoesNotExist",
       RUN_SCENARIO,
       {"scenario.toml:1: 'include': cannot read", "nope.toml\": no such file"},
       scenario("include = \"nope.toml\"\nname = \"x\"\n")},
      {"ScenarioIncludeIsAFolder",
       RUN_SCENARIO,
       {"scenario.toml:1: 'include': cannot read", "is a folder, not a file"},
       make_folder("folder", scenario("include = \"folder\"\nname = \"x\"\n"))},
      {"PopulationFileDoesNotExist",
       RUN_SCENARIO,
       {"nope.csv: file does not exist"},
       scenario("name = \"x\"\n[population]\nfiles = [\"nope.csv\"]\n")},
      {"PopulationFileIsAFolder",
       RUN_SCENARIO,
       {"folder: is a directory, not a file"},
       make_folder("folder", scenario("name = \"x\"\n[population]\nfiles = [\"folder\"]\n"))},
      {"PopulationFileIsADevice",
       RUN_SCENARIO,
       {"/dev/zero: is not a regular file"},
       scenario("name = \"x\"\n[population]\nfiles = [\"/dev/zero\"]\n")},
      {"CapacityRegisterDoesNotExist",
       RUN_SCENARIO,
       {"nope.csv: file does not exist"},
       scenario(capacity_scenario("nope.csv"))},
      {"CapacityChangeForAnUnknownId",
       RUN_SCENARIO,
       {"scenario.toml:7: 'capacity.change.id'", "\"NOPE\""},
       scenario(capacity_scenario(
           DUDLEY_REGISTER, "[[capacity.change]]\nid = \"NOPE\"\nyear = 2026\nplaces = 10\n"))},
      {"CapacityChangeBeforeTheForecast",
       RUN_SCENARIO,
       {"scenario.toml:7: 'capacity.change.year': year 2010 is before the forecast's first census "
        "year 2025"},
       scenario(capacity_scenario(DUDLEY_REGISTER,
                                  "[[capacity.change]]\nid = \"S1\"\nyear = 2010\nplaces = 10\n"))},
      {"CapacityChangeBeforeTwoThousand",
       RUN_SCENARIO,
       {"scenario.toml:9: 'capacity.change.year': expected a value from 2000"},
       scenario(capacity_scenario(DUDLEY_REGISTER,
                                  "[[capacity.change]]\nid = \"S1\"\nyear = 1999\nplaces = 10\n"))},
      {"CapacityChangeBothPlacesAndClose",
       RUN_SCENARIO,
       {"scenario.toml:7: 'capacity.change': give either places"},
       scenario(capacity_scenario(
           DUDLEY_REGISTER,
           "[[capacity.change]]\nid = \"S1\"\nyear = 2026\nplaces = 10\nclose = true\n"))},
      {"CapacityAddDuplicatesARegisterId",
       RUN_SCENARIO,
       {"scenario.toml:7: 'capacity.add.id'", "\"S1\""},
       scenario(capacity_scenario(DUDLEY_REGISTER,
                                  "[[capacity.add]]\nid = \"S1\"\nname = \"New\"\n"
                                  "type = \"special\"\ntownship = \"Dudley\"\nage_min = 4\n"
                                  "age_max = 16\nneeds = [\"any\"]\nplaces = 50\n"))},
      {"CapacityOverflowUnknown",
       RUN_SCENARIO,
       {"scenario.toml:7: 'capacity.overflow': unknown overflow \"sea\""},
       scenario(capacity_scenario(DUDLEY_REGISTER, "overflow = \"sea\"\n"))},
  };
}

std::vector<BadInput> register_and_township_cases() {
  return {
      {"RegisterDuplicateId",
       RUN_SCENARIO,
       {"register.csv:{line}: column 'id': duplicate id \"S1\""},
       register_cell("S2", "id", "S1")},
      {"RegisterUnknownNeed",
       RUN_SCENARIO,
       {"register.csv:{line}: column 'needs': unknown need \"XYZ\""},
       register_cell("S2", "needs", "C&L;XYZ")},
      {"RegisterAgeAboveTwentyFive",
       RUN_SCENARIO,
       {"register.csv:{line}: column 'age_max': age 30 is outside 0 to 25"},
       register_cell("S2", "age_max", "30")},
      {"RegisterNegativePlaces",
       RUN_SCENARIO,
       {"register.csv:{line}: column 'places': negative places: -5"},
       register_cell("S2", "places", "-5")},
      {"RegisterHugePlaces",
       RUN_SCENARIO,
       {"register.csv:{line}: column 'places': expected a number of places"},
       register_cell("S2", "places", "99999999999999999999999")},
      {"RegisterPlacesNotANumber",
       RUN_SCENARIO,
       {"register.csv:{line}: column 'places': expected a number of places, found \"ten\""},
       register_cell("S2", "places", "ten")},
      {"RegisterFundingNaN",
       RUN_SCENARIO,
       {"register.csv:{line}: column 'place_funding': expected a number, found \"NaN\""},
       register_cell("S2", "place_funding", "NaN")},
      {"RegisterUnknownType",
       RUN_SCENARIO,
       {"register.csv:{line}: column 'type': unknown provision type \"castle\""},
       register_cell("S2", "type", "castle")},
      {"RegisterUnknownTownship",
       RUN_SCENARIO,
       {"register.csv:{line}: column 'township': unknown township \"Atlantis\""},
       register_cell("S2", "township", "Atlantis")},
      {"RegisterCrlfErrorNamesTheRightLine",
       RUN_SCENARIO,
       {"register.csv:{line}: column 'age_min': age -2 is outside 0 to 25"},
       register_cell("B1", "age_min", "-2", true)},
      {"RegisterRenamedColumn",
       RUN_SCENARIO,
       {"register.csv:1: missing required column 'needs'"},
       register_text(replace_all(Workspace::shipped(REGISTER), ",needs,", ",designation,"))},
      {"RegisterHeaderOnly",
       RUN_SCENARIO,
       {"register.csv: no provisions"},
       register_text(
           Workspace::shipped(REGISTER).substr(0, Workspace::shipped(REGISTER).find('\n') + 1))},
      {"RegisterLoneBom",
       RUN_SCENARIO,
       {"register.csv: file is empty"},
       register_text("\xEF\xBB\xBF")},
      {"TownshipSplitRenamedColumn",
       RUN_SCENARIO,
       {"split.csv:1: missing required column"},
       split_file("ward,town\nA,B\n")},
      {"TownshipShareNaN",
       RUN_SCENARIO,
       {"split.csv:3: column 'share': expected a number, found \"NaN\""},
       split_file("township,share\nA,0.5\nB,NaN\n")},
      {"TownshipShareNegative",
       RUN_SCENARIO,
       {"split.csv:2: column 'share': expected a positive share, found \"-1\""},
       split_file("township,share\nA,-1\n")},
      {"TownshipCentreLatitudeOutOfRange",
       RUN_SCENARIO,
       {"centres.csv:3: column 'latitude': expected degrees from -90 to 90, found \"123\""},
       [](Workspace& ws) {
         CsvText csv(Workspace::shipped("geography/dudley_township_centres.csv"));
         csv.set(3, "latitude", "123");
         ws.write("centres.csv", csv.text());
         ws.write("scenario.toml",
                  replace_all(capacity_scenario(DUDLEY_REGISTER),
                              "{src}/data/geography/dudley_township_centres.csv", "centres.csv"));
         return 0L;
       }},
  };
}

std::vector<BadInput> sen2_cases() {
  const std::string caseload = "sen2/release-2025/caseload.csv";
  const std::string requests = "sen2/release-2025/requests.csv";
  return {
      {"CaseloadRenamedTotalColumn",
       RUN_DATA,
       {"release-2025/caseload.csv:1: missing required column 'ehcplans'"},
       rename_column(caseload, "ehcplans", "ehc_plans_all")},
      {"CaseloadRenamedLevelColumn",
       RUN_DATA,
       {"release-2025/caseload.csv:1: missing required column 'geographic_level'"},
       rename_column(caseload, "geographic_level", "level")},
      {"CaseloadNegativeCount",
       RUN_DATA,
       {"caseload.csv:{line}: column 'ehcplans': expected a count, found \"-5\""},
       edit_cell(caseload, DUDLEY_CASELOAD_2025, "ehcplans", "-5")},
      {"CaseloadFractionalCount",
       RUN_DATA,
       {"caseload.csv:{line}: column 'ehcplans': expected a count, found \"12.5\""},
       edit_cell(caseload, DUDLEY_CASELOAD_2025, "ehcplans", "12.5")},
      {"CaseloadNaN",
       RUN_DATA,
       {"caseload.csv:{line}: column 'ehcplans': expected a count, found \"NaN\""},
       edit_cell(caseload, DUDLEY_CASELOAD_2025, "ehcplans", "NaN")},
      {"CaseloadHugeCount",
       RUN_DATA,
       {"caseload.csv:{line}: column 'ehcplans': count out of range"},
       edit_cell(caseload, DUDLEY_CASELOAD_2025, "ehcplans", "99999999999999999999")},
      {"CaseloadBadYear",
       RUN_DATA,
       {"caseload.csv:{line}: column 'time_period': expected an academic year like 202425"},
       edit_cell(caseload, DUDLEY_CASELOAD_2025, "time_period", "2024XX")},
      {"CaseloadAgeAboveTwentyFive",
       RUN_DATA,
       {"caseload.csv:{line}: column 'breakdown': expected an age label (ages 0 to 25), found "
        "\"age 30\""},
       edit_cell(caseload, DUDLEY_AGE_7_2025, "breakdown", "age 30")},
      {"CaseloadNegativeAge",
       RUN_DATA,
       {"caseload.csv:{line}: column 'breakdown': expected an age label (ages 0 to 25), found "
        "\"age -3\""},
       edit_cell(caseload, DUDLEY_AGE_7_2025, "breakdown", "age -3")},
      {"CaseloadMissing",
       RUN_DATA,
       {"release-2025/caseload.csv: data file does not exist"},
       [caseload](Workspace& ws) {
         fs::remove(ws.data() / (caseload + ".gz"));
         return 0L;
       }},
      {"CaseloadIsAFolder",
       RUN_DATA,
       {"caseload.csv.gz: is a directory, not a file"},
       [caseload](Workspace& ws) {
         fs::remove(ws.data() / (caseload + ".gz"));
         fs::create_directory(ws.data() / (caseload + ".gz"));
         return 0L;
       }},
      {"RequestsTruncatedGzip",
       RUN_DATA,
       {"requests.csv.gz: cannot decompress"},
       [requests](Workspace& ws) {
         const fs::path gz = ws.data() / (requests + ".gz");
         const std::string bytes = slurp(gz);
         spit(gz, bytes.substr(0, bytes.size() / 2));
         return 0L;
       }},
      {"RequestsEmpty",
       RUN_DATA,
       {"release-2025/requests.csv: file is empty"},
       replace_file(requests, "")},
      {"RequestsLoneBom",
       RUN_DATA,
       {"release-2025/requests.csv: file is empty"},
       replace_file(requests, "\xEF\xBB\xBF")},
      {"RequestsNotACount",
       RUN_DATA,
       {"requests.csv:{line}: column 'requests_received_in_year': expected a count, found "
        "\"1e400\""},
       edit_cell(requests, {{"new_la_code", DUDLEY}, {"time_period", "2023"}},
                 "requests_received_in_year", "1e400")},
      {"NeedsRenamedNeedColumn",
       RUN_DATA,
       {"sen_needs_all_plans.csv:1: missing required column 'number_asd'"},
       rename_column("sen2/release-2025/sen_needs_all_plans.csv", "number_asd", "number_autism")},
      {"NewPlansTruncatedRow",
       RUN_DATA,
       {"newplans.csv:{line}: expected 60 fields, found 12 (truncated or malformed line)"},
       edit_file("sen2/release-2025/newplans.csv",
                 [](CsvText& csv) {
                   const long line = csv.find({{"new_la_code", DUDLEY}});
                   csv.keep_fields(line, 12);
                   return line;
                 })},
      {"CeasedUnterminatedQuote",
       RUN_DATA,
       {"ceased_plans.csv:", "unterminated quoted field (truncated file?)"},
       [](Workspace& ws) {
         const std::string file = "sen2/release-2025/ceased_plans.csv";
         ws.replace(file, Workspace::shipped(file) + "2024,\"Calendar year");
         return 0L;
       }},
      {"CeasedRenamedReasonColumn",
       RUN_DATA,
       {"ceased_plans.csv:1: missing required column 'needs_met'"},
       rename_column("sen2/release-2025/ceased_plans.csv", "needs_met", "met")},
      {"Release2022NegativeCount",
       RUN_DATA,
       {"sen2_mi.csv:{line}: column 'InreqEHC': expected a count, found \"-1\""},
       edit_cell("sen2/release-2022/sen2_mi.csv",
                 {{"new_la_code", DUDLEY}, {"time_period", "2015"}}, "InreqEHC", "-1")},
      {"Release2022AgeBandOutsideRange",
       RUN_DATA,
       {"sen2_age_caseload.csv:{line}: column 'characteristic_age': expected an age band, found "
        "\"Age 26 to 30\""},
       edit_cell("sen2/release-2022/sen2_age_caseload.csv",
                 {{"new_la_code", DUDLEY},
                  {"time_period", "2015"},
                  {"characteristic_age", "Age 5 to 10"}},
                 "characteristic_age", "Age 26 to 30")},
  };
}

std::vector<BadInput> population_and_neighbour_cases() {
  return {
      {"SnppMissingAge",
       RUN_DATA,
       {"snpp2022_migcat23_persons_blackcountry_age0-25.csv:2: area E08000027 has no complete "
        "population row for age 4"},
       edit_file(SNPP,
                 [](CsvText& csv) {
                   csv.erase(csv.find(DUDLEY_SNPP_AGE_4));
                   return 0L;
                 })},
      {"SnppMissingAgeInTheSecondFile",
       RUN_DATA,
       {"snpp2022_migcat23_persons_sn_age0-25.csv:{line}: area E08000008 has no complete "
        "population row for age 4"},
       edit_file("ons/snpp2022_migcat23_persons_sn_age0-25.csv",
                 [](CsvText& csv) {
                   const long first = csv.find({{"AREA_CODE", "E08000008"}});
                   csv.erase(csv.find({{"AREA_CODE", "E08000008"}, {"AGE_GROUP", "4"}}));
                   return first;
                 })},
      {"SnppDuplicateAge",
       RUN_DATA,
       {"age0-25.csv:{line}: column 'AGE_GROUP': duplicate row for age 4"},
       edit_file(SNPP,
                 [](CsvText& csv) {
                   const long line = csv.find(DUDLEY_SNPP_AGE_4);
                   csv.duplicate(line);
                   return line + 1;
                 })},
      {"SnppNegativeAge",
       RUN_DATA,
       {"age0-25.csv:{line}: column 'AGE_GROUP': expected an age"},
       edit_cell(SNPP, DUDLEY_SNPP_AGE_4, "AGE_GROUP", "-3")},
      {"SnppNegativePopulation",
       RUN_DATA,
       {"age0-25.csv:{line}: column '2030': expected a non-negative population, found \"-12\""},
       edit_cell(SNPP, DUDLEY_SNPP_AGE_4, "2030", "-12")},
      {"SnppPopulationNaN",
       RUN_DATA,
       {"age0-25.csv:{line}: column '2030': expected a number, found \"nan\""},
       edit_cell(SNPP, DUDLEY_SNPP_AGE_4, "2030", "nan")},
      {"SnppPopulationHuge",
       RUN_DATA,
       {"age0-25.csv:{line}: column '2030': expected a number, found \"1e999\""},
       edit_cell(SNPP, DUDLEY_SNPP_AGE_4, "2030", "1e999")},
      {"SnppUnknownSex",
       RUN_DATA,
       {"age0-25.csv:{line}: column 'SEX': expected persons, males or females, found \"both\""},
       edit_cell(SNPP, DUDLEY_SNPP_AGE_4, "SEX", "both")},
      {"SnppNoYearColumns",
       RUN_DATA,
       {"age0-25.csv:1: no year columns"},
       replace_file(SNPP,
                    "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,mid2022\n"
                    "E08000027,Dudley,Population,persons,0,3492\n")},
      {"SnppRenamedColumn",
       RUN_DATA,
       {"age0-25.csv:1: missing required column 'AGE_GROUP'"},
       rename_column(SNPP, "AGE_GROUP", "\"AGE\"")},
      {"NeighbourRankZero",
       BENCHMARK,
       {"sn-model-long.csv:{line}: column 'SN': expected a rank from 1 to 50, found \"0\""},
       edit_cell("neighbours/sn-model-long.csv", {{"la_code", DUDLEY}}, "SN", "0")},
      {"NeighbourRenamedColumn",
       BENCHMARK,
       {"sn-model-long.csv:1: missing required column 'SN_code'"},
       rename_column("neighbours/sn-model-long.csv", "SN_code", "neighbour_code")},
      {"RegionalPeersRenamedColumn",
       BENCHMARK,
       {"regional_peers.csv:1: missing required column 'peer_code'"},
       rename_column("neighbours/regional_peers.csv", "peer_code", "peer")},
  };
}

const std::string COSTS = "finance/unit_costs_illustrative.csv";
const std::string ALLOCATIONS = "finance/hnb_allocations_blackcountry_2020-21_to_2023-24.csv";
const Match MAINSTREAM_SEMH = {{"line", "mainstream"}, {"need_area", "SEMH"}};
const Match THERAPIES = {{"line", "therapies"}};

std::vector<BadInput> finance_cases() {
  return {
      {"CostTableNegativeTopUp",
       RUN_DATA,
       {"unit_costs_illustrative.csv:{line}: column 'top_up_gbp': negative cost \"-100\""},
       edit_cell(COSTS, MAINSTREAM_SEMH, "top_up_gbp", "-100")},
      {"CostTableTopUpNaN",
       RUN_DATA,
       {"unit_costs_illustrative.csv:{line}: column 'top_up_gbp'", "\"NaN\""},
       edit_cell(COSTS, MAINSTREAM_SEMH, "top_up_gbp", "NaN")},
      {"CostTableTopUpHuge",
       RUN_DATA,
       {"unit_costs_illustrative.csv:{line}: column 'top_up_gbp'", "\"1e999\""},
       edit_cell(COSTS, MAINSTREAM_SEMH, "top_up_gbp", "1e999")},
      {"CostTableInflationMissing",
       RUN_DATA,
       {"unit_costs_illustrative.csv:{line}: column 'inflation': missing yearly rate"},
       edit_cell(COSTS, THERAPIES, "inflation", "")},
      {"CostTableUnknownLine",
       RUN_DATA,
       {"unit_costs_illustrative.csv:{line}: column 'line'", "\"castle\""},
       edit_cell(COSTS, MAINSTREAM_SEMH, "line", "castle")},
      {"CostTableUnknownNeedArea",
       RUN_DATA,
       {"unit_costs_illustrative.csv:{line}: column 'need_area'", "\"XYZ\""},
       edit_cell(COSTS, MAINSTREAM_SEMH, "need_area", "XYZ")},
      {"CostTableDuplicateFixedLine",
       RUN_DATA,
       {"unit_costs_illustrative.csv:{line}: column 'line': duplicate fixed line \"therapies\""},
       edit_file(COSTS,
                 [](CsvText& csv) {
                   const long line = csv.find(THERAPIES);
                   csv.duplicate(line);
                   return line + 1;
                 })},
      {"CostTableMissingPlacementRow",
       RUN_DATA,
       {"unit_costs_illustrative.csv: no unit cost for mainstream"},
       edit_file(COSTS,
                 [](CsvText& csv) {
                   csv.erase(csv.find(MAINSTREAM_SEMH));
                   return 0L;
                 })},
      {"CostTableRenamedColumn",
       RUN_DATA,
       {"unit_costs_illustrative.csv:1: missing required column 'inflation'"},
       rename_column(COSTS, "inflation", "cpi")},
      {"CostTableEmpty",
       RUN_DATA,
       {"unit_costs_illustrative.csv: file is empty"},
       replace_file(COSTS, "")},
      {"AllocationsBadFinancialYear",
       RUN_DATA,
       {"hnb_allocations_blackcountry_2020-21_to_2023-24.csv:{line}: column 'financial_year': "
        "expected a financial year like \"2023-24\""},
       edit_cell(ALLOCATIONS, {{"financial_year", "2021-22"}, {"la_name", "Dudley"}},
                 "financial_year", "2021/22")},
      {"AllocationsNegative",
       RUN_DATA,
       {"hnb_allocations_blackcountry_2020-21_to_2023-24.csv:{line}: column "
        "'hnb_before_deductions_gbp': expected an allocation in GBP"},
       edit_cell(ALLOCATIONS, {{"financial_year", "2021-22"}, {"la_name", "Dudley"}},
                 "hnb_before_deductions_gbp", "-5")},
  };
}

std::vector<BadInput> more_township_and_neighbour_cases() {
  return {
      {"TownshipCentreMissing",
       RUN_SCENARIO,
       {"centres.csv: no centre for township \"Halesowen\""},
       [](Workspace& ws) {
         CsvText csv(Workspace::shipped("geography/dudley_township_centres.csv"));
         csv.erase(csv.find({{"township", "Halesowen"}}));
         ws.write("centres.csv", csv.text());
         ws.write("scenario.toml",
                  replace_all(capacity_scenario(DUDLEY_REGISTER),
                              "{src}/data/geography/dudley_township_centres.csv", "centres.csv"));
         return 0L;
       }},
      {"TownshipCentreLongitudeNaN",
       RUN_SCENARIO,
       {"centres.csv:{line}: column 'longitude'", "\"NaN\""},
       [](Workspace& ws) {
         CsvText csv(Workspace::shipped("geography/dudley_township_centres.csv"));
         const long line = csv.find({{"township", "Dudley"}});
         csv.set(line, "longitude", "NaN");
         ws.write("centres.csv", csv.text());
         ws.write("scenario.toml",
                  replace_all(capacity_scenario(DUDLEY_REGISTER),
                              "{src}/data/geography/dudley_township_centres.csv", "centres.csv"));
         return line;
       }},
      {"TownshipSplitEmpty", RUN_SCENARIO, {"split.csv: file is empty"}, split_file("")},
      {"NeighbourRankNotANumber",
       BENCHMARK,
       {"sn-model-long.csv:{line}: column 'SN'", "\"first\""},
       edit_cell("neighbours/sn-model-long.csv", {{"la_code", DUDLEY}}, "SN", "first")},
      {"NeighboursEmpty",
       BENCHMARK,
       {"sn-model-long.csv: file is empty"},
       replace_file("neighbours/sn-model-long.csv", "")},
      {"RegionalPeersLoneBom",
       BENCHMARK,
       {"regional_peers.csv: file is empty"},
       replace_file("neighbours/regional_peers.csv", "\xEF\xBB\xBF")},
      {"RegionalPeersTruncatedRow",
       BENCHMARK,
       {"regional_peers.csv:{line}: expected 4 fields, found 2"},
       edit_file("neighbours/regional_peers.csv",
                 [](CsvText& csv) {
                   const long line = csv.find({{"la_code", DUDLEY}});
                   csv.keep_fields(line, 2);
                   return line;
                 })},
  };
}

std::vector<BadInput> catalogue() {
  std::vector<BadInput> all;
  for (auto part :
       {command_line_cases(), scenario_cases(), register_and_township_cases(), sen2_cases(),
        population_and_neighbour_cases(), finance_cases(), more_township_and_neighbour_cases()})
    all.insert(all.end(), part.begin(), part.end());
  for (std::size_t i = 0; i < all.size(); ++i) all[i].earlier_results = i % 2 == 1;
  return all;
}

// ---------------------------------------------------------------------------------------------
// Running the binary.

struct Outcome {
  int status = -1;
  std::string error;  //!< stderr alone
};

Outcome run_sendcast(const std::string& args) {
  const std::string command = std::string(SENDCAST_BINARY) + " " + args + " 2>&1 >/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  Outcome out;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) out.error += buffer.data();
  const int status = pclose(pipe);
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string fill_args(const BadInput& c, Workspace& ws) {
  std::string args = replace_all(c.args, "{out}", (ws.root() / "out").string());
  if (args.find("{data}") != std::string::npos)
    args = replace_all(args, "{data}", ws.data().string());
  return ws.fill(args);
}

class BadInputCatalogue : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputCatalogue, ExitsTwoNamesTheFileAndWritesNothing) {
  const BadInput& c = GetParam();
  Workspace ws(c.name);
  const long line = c.prepare(ws);
  if (c.earlier_results) ws.write("out/summary.csv", "year,total\n2025,3805\n");
  const std::string args = fill_args(c, ws);
  const auto before = snapshot(ws.root());

  const Outcome r = run_sendcast(args);
  SCOPED_TRACE("sendcast " + args);
  RecordProperty("stderr", r.error);  // the message itself, in --gtest_output=xml reports
  EXPECT_EQ(r.status, 2) << r.error;
  EXPECT_EQ(r.error.rfind("sendcast: error: ", 0), 0u) << r.error;
  for (const std::string& fragment : c.expect)
    EXPECT_NE(r.error.find(replace_all(fragment, "{line}", std::to_string(line))),
              std::string::npos)
        << "expected \"" << fragment << "\" (line " << line << ") in:\n"
        << r.error;
  EXPECT_EQ(snapshot(ws.root()), before) << "a failed run wrote or removed something";
}

INSTANTIATE_TEST_SUITE_P(Hardening, BadInputCatalogue, ::testing::ValuesIn(catalogue()),
                         [](const auto& info) { return info.param.name; });

TEST(BadInputCatalogueSize, HasAtLeastFortyCases) {
  EXPECT_GE(catalogue().size(), 40u);
}

// ---------------------------------------------------------------------------------------------
// CRLF line ends are what Windows tools write: every reader must take them.

TEST(Hardening, CrlfFilesWork) {
  Workspace ws("CrlfFilesWork");
  for (const std::string& file :
       {SNPP, REGISTER, std::string("geography/dudley_township_centres.csv"),
        std::string("geography/dudley_ward_to_township_2004wards.csv"),
        std::string("sen2/release-2025/newplans.csv")})
    ws.replace(file, to_crlf(Workspace::shipped(file)));
  const std::string data = ws.data().string();
  ws.write("scenario.toml",
           to_crlf("name = \"crlf\"\r\n[population]\nfiles = [\"" + data + "/" + SNPP +
                   "\"]\n[townships]\nsplit_file = \"" + data +
                   "/geography/dudley_ward_to_township_2004wards.csv\"\ncentres_file = \"" + data +
                   "/geography/dudley_township_centres.csv\"\n[capacity]\nregister = \"" + data +
                   "/" + REGISTER + "\"\n"));
  const Outcome r = run_sendcast("run --runs 20 --years 2 --quiet --data-dir " + data +
                                 " --scenario " + (ws.root() / "scenario.toml").string() +
                                 " --out " + (ws.root() / "out").string());
  EXPECT_EQ(r.status, 0) << r.error;
  EXPECT_TRUE(fs::exists(ws.root() / "out" / "summary.csv"));
  EXPECT_TRUE(fs::exists(ws.root() / "out" / "sufficiency.csv"));
}

// ---------------------------------------------------------------------------------------------
// Inputs the fuzzers once crashed on (fuzz/regressions/<target>/), replayed in-process: each
// must now end in an InputError or a normal return, never a crash or a sanitizer report.

TEST(Hardening, FuzzRegressionsStayFixed) {
  const std::map<std::string, std::function<void(std::string_view)>> targets = {
      {"csv", fuzz::csv_one_input},
      {"snpp", fuzz::snpp_one_input},
      {"scenario", fuzz::scenario_one_input},
      {"capacity_register", fuzz::capacity_register_one_input}};
  int replayed = 0;
  for (const auto& [name, one_input] : targets) {
    const fs::path dir = SOURCE_DIR / "fuzz" / "regressions" / name;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      SCOPED_TRACE(entry.path().string());
      EXPECT_NO_THROW(one_input(slurp(entry.path())));
      ++replayed;
    }
  }
  std::cout << replayed << " fuzz regression inputs replayed\n";
}

}  // namespace
}  // namespace sendcast
