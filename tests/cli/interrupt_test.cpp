// SIGINT and SIGTERM through the real binary (issue 9): a run stopped after it has begun exits
// 130 / 143, says the earlier results are untouched, leaves them byte for byte as they were and
// leaves no staging folder behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/data_dir.h"

namespace sendcast {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

//! sendcast started with fork/exec, stdout to /dev/null and stderr to a file, with
//! SENDCAST_INJECT_SIGNAL set to `inject` (when not empty): it then interrupts itself at a
//! known point, so that nothing here races a timer against the run.
class Child {
 public:
  Child(const std::vector<std::string>& args, const fs::path& stderr_file,
        const std::string& inject = "") {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::FILE* err = std::freopen(stderr_file.c_str(), "w", stderr);
      std::FILE* out = std::freopen("/dev/null", "w", stdout);
      if (!err || !out) ::_exit(127);
      if (!inject.empty()) ::setenv("SENDCAST_INJECT_SIGNAL", inject.c_str(), 1);
      std::vector<char*> argv{const_cast<char*>(SENDCAST_BINARY)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(SENDCAST_BINARY, argv.data());
      ::_exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  //! The exit status once it has ended (-1 if it did not exit normally). No time limit here:
  //! ctest's timeout stops a run that hangs.
  int wait() {
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_) return -1;
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

//! "SIGINT" or "SIGTERM", as SENDCAST_INJECT_SIGNAL spells them.
std::string signal_name(int signal) { return signal == SIGINT ? "SIGINT" : "SIGTERM"; }

//! Names in `dir` that a run stages through or moves aside.
std::vector<std::string> leftovers(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp-") != std::string::npos || name.find(".old-") != std::string::npos)
      found.push_back(name);
  }
  return found;
}

class InterruptDir : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("sendcast_interrupt_" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

class Interrupt : public InterruptDir, public ::testing::WithParamInterface<int> {};

TEST_P(Interrupt, StopsCleanlyAndLeavesEarlierResultsUntouched) {
  const int signal = GetParam();
  const fs::path out = dir / "results";
  fs::create_directories(out);
  std::ofstream(out / "summary.csv") << "year,total\n2025,3805\n";
  std::ofstream(out / "results.h5") << "earlier results, not really HDF5\n";
  const std::string summary_before = slurp(out / "summary.csv");
  const std::string h5_before = slurp(out / "results.h5");

  // The signal arrives, through the installed handler, as the 40th of 200 runs starts.
  Child child({"run", "--la", "Dudley", "--runs", "200", "--years", "10", "--threads", "1",
               "--quiet", "--out", out.string()},
              dir / "stderr.txt", signal_name(signal) + ":40");
  ASSERT_GT(child.pid(), 0);
  const int status = child.wait();
  const std::string error = slurp(dir / "stderr.txt");
  EXPECT_EQ(status, 128 + signal) << error;
  EXPECT_NE(error.find(std::string("sendcast: interrupted by ") +
                       (signal == SIGINT ? "SIGINT" : "SIGTERM")),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("the earlier results in " + io::display_path(out) + " are untouched"),
            std::string::npos)
      << error;
  EXPECT_EQ(slurp(out / "summary.csv"), summary_before);
  EXPECT_EQ(slurp(out / "results.h5"), h5_before);
  EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator()), 2);
  EXPECT_EQ(leftovers(dir), std::vector<std::string>{}) << "staging left behind";
}

INSTANTIATE_TEST_SUITE_P(Signals, Interrupt, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) {
                           return info.param == SIGINT ? "Sigint" : "Sigterm";
                         });

TEST_F(InterruptDir, IntoAFolderThatDidNotExistSaysNothingWasWritten) {
  const fs::path out = dir / "new" / "results";
  Child child({"run", "--la", "Dudley", "--runs", "200", "--years", "10", "--threads", "1",
               "--quiet", "--out", out.string()},
              dir / "stderr.txt", "SIGINT:40");
  ASSERT_GT(child.pid(), 0);
  EXPECT_EQ(child.wait(), 130);
  EXPECT_NE(slurp(dir / "stderr.txt").find("nothing was written to " + io::display_path(out)),
            std::string::npos)
      << slurp(dir / "stderr.txt");
  EXPECT_FALSE(fs::exists(dir / "new")) << "the folders above --out are removed too";
}

TEST_F(InterruptDir, AMalformedInjectionIsAClearError) {
  Child child({"run", "--runs", "10", "--quiet", "--out", (dir / "x").string()},
              dir / "stderr.txt", "SIGKILL:3");
  EXPECT_EQ(child.wait(), 2);
  EXPECT_NE(slurp(dir / "stderr.txt").find("expected SIGINT:N or SIGTERM:N"), std::string::npos)
      << slurp(dir / "stderr.txt");
  EXPECT_FALSE(fs::exists(dir / "x"));
}

}  // namespace
}  // namespace sendcast
