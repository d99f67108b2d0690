// Every subcommand's --help ends with an example that must work from the repository root. Each
// example is taken from the help text as a user would copy it and run by a shell in a scratch
// copy of the root (data/ and scenarios/ linked, outputs written there), with `sendcast` on the
// PATH and any --runs cut to a few so that the suite stays quick. Run without a terminal, an
// example must print nothing on stderr: progress is for terminals only.
#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace sendcast {
namespace {

namespace fs = std::filesystem;

struct Result {
  int status;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

//! Runs `command` with sh in `dir`, the sendcast binary's folder first on the PATH.
Result shell(const fs::path& dir, const std::string& command) {
  const fs::path bin = fs::path(SENDCAST_BINARY).parent_path();
  const std::string cmd = "cd '" + dir.string() + "' && PATH='" + bin.string() +
                          "':\"$PATH\" sh -c '" + command + "' > stdout.txt 2> stderr.txt";
  const int status = std::system(cmd.c_str());
  return {WEXITSTATUS(status), slurp(dir / "stdout.txt"), slurp(dir / "stderr.txt")};
}

//! The example of a help text: the rest of the line after "example:", or the next line.
std::string example_of(const std::string& help) {
  const auto at = help.find("example:");
  if (at == std::string::npos) return "";
  std::string rest = help.substr(at + 8);
  std::istringstream in(rest);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos) return line.substr(first);
  }
  return "";
}

class HelpExamples : public ::testing::TestWithParam<std::string> {
 protected:
  fs::path root =
      fs::temp_directory_path() / ("sendcast_help_examples_" + std::to_string(::getpid()) + "_" +
                                   std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  void SetUp() override {
    fs::create_directories(root);
    for (const char* d : {"data", "scenarios"})
      fs::create_directory_symlink(fs::path(SENDCAST_SOURCE_DIR) / d, root / d);
  }
  void TearDown() override { fs::remove_all(root); }
};

TEST_P(HelpExamples, TheExampleInHelpWorksFromTheRepositoryRoot) {
  const Result help = shell(root, "sendcast " + GetParam() + " --help");
  ASSERT_EQ(help.status, 0) << help.err;
  std::string example = example_of(help.out);
  ASSERT_EQ(example.rfind("sendcast ", 0), 0u) << "no example in:\n" << help.out;
  // The command the help is for is the one the example ends with (a chain may make inputs).
  EXPECT_NE(example.find("sendcast " + GetParam()), std::string::npos) << example;
  example = std::regex_replace(example, std::regex("--runs [0-9]+"), "--runs 20");
  const Result r = shell(root, example);
  EXPECT_EQ(r.status, 0) << example << "\n" << r.out << r.err;
  EXPECT_EQ(r.err, "") << example;
  EXPECT_FALSE(r.out.empty()) << example;
}

INSTANTIATE_TEST_SUITE_P(Commands, HelpExamples,
                         ::testing::Values("run", "compare", "backtest", "forecast-all",
                                           "benchmark", "report", "data", "data summary",
                                           "data list-las"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(HelpExamplesTop, TheTopLevelHelpHasAWorkingExample) {
  const fs::path root =
      fs::temp_directory_path() / ("sendcast_help_top_" + std::to_string(::getpid()));
  fs::create_directories(root);
  const Result help = shell(root, "sendcast --help");
  ASSERT_EQ(help.status, 0);
  const std::string example = example_of(help.out);
  const Result r = shell(root, example);
  EXPECT_EQ(r.status, 0) << example << "\n" << r.err;
  EXPECT_NE(r.out.find("Dudley"), std::string::npos);
  fs::remove_all(root);
}

}  // namespace
}  // namespace sendcast
