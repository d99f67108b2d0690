// StagedOutputDir: results appear whole or not at all. A failure or an interrupt midway, with
// some files already written, leaves the earlier results as they were and no staging behind.
#include "io/output_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "io/error.h"
#include "io/interrupt.h"

namespace sendcast::io {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class StagedOutput : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("sendcast_output_dir_" + std::to_string(::getpid()));
  fs::path target = dir / "results";
  void SetUp() override {
    fs::create_directories(target);
    std::ofstream(target / "summary.csv") << "earlier\n";
  }
  void TearDown() override {
    reset_interrupt();
    fs::remove_all(dir);
  }
  //! Entries in `dir` besides the target: staging or moved-aside folders.
  int others() const {
    int n = 0;
    for (const auto& entry : fs::directory_iterator(dir)) n += entry.path() != target;
    return n;
  }
};

TEST_F(StagedOutput, CommitReplacesTheEarlierResults) {
  {
    StagedOutputDir staged(target);
    std::ofstream(staged.path() / "summary.csv") << "new\n";
    EXPECT_EQ(slurp(target / "summary.csv"), "earlier\n");  // not until commit
    staged.commit();
  }
  EXPECT_EQ(slurp(target / "summary.csv"), "new\n");
  EXPECT_EQ(others(), 0);
}

TEST_F(StagedOutput, AFailureMidwayLeavesEarlierResultsUntouched) {
  EXPECT_THROW(
      {
        StagedOutputDir staged(target);
        std::ofstream(staged.path() / "summary.csv") << "half";
        std::ofstream(staged.path() / "results.h5") << "half";
        throw std::runtime_error("disk full");  // the injected failure
      },
      std::runtime_error);
  EXPECT_EQ(slurp(target / "summary.csv"), "earlier\n");
  EXPECT_FALSE(fs::exists(target / "results.h5"));
  EXPECT_EQ(others(), 0) << "staging left behind";
}

TEST_F(StagedOutput, AnInterruptBeforeCommitKeepsEarlierResultsAndNamesThem) {
  try {
    StagedOutputDir staged(target);
    std::ofstream(staged.path() / "summary.csv") << "new\n";
    request_interrupt(SIGTERM);
    staged.commit();
    FAIL() << "commit went ahead after SIGTERM";
  } catch (const Interrupted& e) {
    EXPECT_EQ(e.signal(), SIGTERM);
    EXPECT_EQ(e.exit_code(), 143);
  }
  EXPECT_EQ(slurp(target / "summary.csv"), "earlier\n");
  EXPECT_EQ(others(), 0);
  ASSERT_EQ(abandoned_outputs().size(), 1u);
  EXPECT_EQ(abandoned_outputs().front(), target);
}

TEST_F(StagedOutput, AFailureRemovesTheFoldersItCreated) {
  const fs::path deep = dir / "new" / "deeper" / "results";
  EXPECT_THROW(
      {
        StagedOutputDir staged(deep);
        throw std::runtime_error("failed");
      },
      std::runtime_error);
  EXPECT_FALSE(fs::exists(dir / "new"));
}

// A commit replaces the target whole, so a folder holding anything sendcast did not write (a
// user's own files, earlier runs in subfolders) is refused at once, before any work, and left
// as it was; a folder of sendcast's own outputs, or an empty one, is replaced as before.
TEST_F(StagedOutput, AFolderWithOtherFilesIsRefusedBeforeAnyWork) {
  std::ofstream(target / "notes.txt") << "mine\n";
  fs::create_directories(target / "baseline");
  try {
    StagedOutputDir staged(target);
    FAIL() << "a folder with a user's files would have been replaced";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(target.string()), std::string::npos) << what;
    EXPECT_NE(what.find("did not write (baseline, notes.txt)"), std::string::npos) << what;
  }
  EXPECT_EQ(slurp(target / "notes.txt"), "mine\n");
  EXPECT_TRUE(fs::is_directory(target / "baseline"));
  EXPECT_EQ(others(), 0) << "nothing staged";
  fs::remove(target / "notes.txt");
  fs::remove(target / "baseline");
  for (const char* name : {"results.h5", "results.h5.crc32", "report.html", "workbook.xlsx",
                           "goalseek.csv", "comparison.html"})
    std::ofstream(target / name) << "earlier\n";
  {
    StagedOutputDir staged(target);
    std::ofstream(staged.path() / "summary.csv") << "new\n";
    staged.commit();
  }
  EXPECT_EQ(slurp(target / "summary.csv"), "new\n");
  EXPECT_FALSE(fs::exists(target / "goalseek.csv"));
  fs::remove_all(target);
  fs::create_directories(target);
  EXPECT_NO_THROW(StagedOutputDir{target});
}

TEST(InterruptFlag, OnlyTheFirstSignalIsReported) {
  EXPECT_EQ(interrupt_signal(), 0);
  EXPECT_NO_THROW(throw_if_interrupted());
  request_interrupt(SIGINT);
  request_interrupt(SIGTERM);
  EXPECT_EQ(interrupt_signal(), SIGINT);
  EXPECT_THROW(throw_if_interrupted(), Interrupted);
  reset_interrupt();
  EXPECT_EQ(interrupt_signal(), 0);
}

}  // namespace
}  // namespace sendcast::io
