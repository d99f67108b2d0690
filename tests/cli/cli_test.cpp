// The command line as a user meets it: in-process for output, and through the real binary
// for exit codes and stderr.
#include "cli/cli.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sendcast::cli {
namespace {

struct Result {
  int status;
  std::string output;  //!< stdout and stderr together
};

Result run_binary(const std::string& args) {
  const std::string cmd = std::string(SENDCAST_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) out += buf.data();
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}

TEST(Cli, VersionAndHelp) {
  std::ostringstream out;
  EXPECT_EQ(dispatch({"--version"}, out), 0);
  EXPECT_NE(out.str().find("git "), std::string::npos);
  std::ostringstream help;
  EXPECT_EQ(dispatch({"data", "summary", "--help"}, help), 0);
  EXPECT_NE(help.str().find("example:"), std::string::npos);
}

TEST(Cli, DataSummaryPrintsDudleysRealHistory) {
  std::ostringstream out;
  ASSERT_EQ(
      dispatch({"data", "summary", "--la", "Dudley", "--data-dir", SENDCAST_SOURCE_DIR "/data"},
               out),
      0);
  const std::string s = out.str();
  EXPECT_NE(s.find("Dudley (E08000027, LA 332"), std::string::npos);
  EXPECT_NE(s.find("  2025    3805"), std::string::npos) << s;
  EXPECT_NE(s.find("  2019    1926"), std::string::npos);
  EXPECT_NE(s.find("SLCN     1286"), std::string::npos);
  EXPECT_NE(s.find("State special"), std::string::npos);
}

TEST(Cli, ListLas) {
  std::ostringstream out;
  ASSERT_EQ(dispatch({"data", "list-las"}, out), 0);
  EXPECT_NE(out.str().find("E08000027  332   Dudley"), std::string::npos);
}

TEST(Cli, ErrorsExitNonZeroWithAMessage) {
  const Result unknown = run_binary("data summary --la Atlantis");
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.output.find("sendcast: error: --la: no local authority"), std::string::npos);
  const Result no_la = run_binary("data summary");
  EXPECT_EQ(no_la.status, 2);
  EXPECT_NE(no_la.output.find("sendcast: error: command line:"), std::string::npos);
  const Result bad_cmd = run_binary("frobnicate");
  EXPECT_EQ(bad_cmd.status, 2);
  const Result bad_dir = run_binary("data summary --la Dudley --data-dir /nonexistent");
  EXPECT_EQ(bad_dir.status, 2);
  EXPECT_NE(bad_dir.output.find("/nonexistent"), std::string::npos);
}

TEST(Cli, MalformedDataFileGivesFileLineAndColumn) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "sendcast_cli_bad_data";
  fs::remove_all(dir);
  fs::copy(SENDCAST_SOURCE_DIR "/data", dir, fs::copy_options::recursive);
  fs::remove(dir / "sen2/release-2025/requests.csv.gz");
  {
    std::ofstream f(dir / "sen2/release-2025/requests.csv");
    f << "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
         "region_name,"
         "new_la_code,old_la_code,la_name,breakdown_topic,breakdown,requests_received_in_year,"
         "requests_decided_to_assess,requests_decided_not_to_assess\n"
         "2024,Calendar year,Local authority,E92000001,England,E12000005,West "
         "Midlands,E08000027,332,Dudley,"
         "All requests for EHC needs assessments,All requests for EHC needs assessments,12a,1,1\n";
  }
  const Result r = run_binary("data summary --la Dudley --data-dir " + dir.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(
      r.output.find(
          "requests.csv:2: column 'requests_received_in_year': expected a count, found \"12a\""),
      std::string::npos)
      << r.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sendcast::cli
