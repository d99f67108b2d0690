// Scale-out with MPI: K ranks give the same files as one process (LAs split by a static
// index split; seeds from global indices; rank 0 reassembles in index order).
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sendcast {
namespace {

namespace fs = std::filesystem;

int sh(const std::string& cmd, std::string* output = nullptr) {
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) out += buf.data();
  if (output) *output = out;
  return WEXITSTATUS(pclose(pipe));
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// OpenMPI refuses root without these; CI runs as root.
const std::string MPIRUN = "mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2 ";

class Mpi : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("sendcast_mpi_" + std::to_string(::getpid()));
  void SetUp() override {
    fs::create_directories(dir);
    ASSERT_EQ(sh("command -v mpirun"), 0)
        << "mpirun not found: install openmpi-bin (make test does)";
  }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(Mpi, ForecastAllOnTwoRanksEqualsOneProcess) {
  const std::string args = std::string(
      " forecast-all --la Dudley --la Sandwell --la Walsall --la Barnsley --la Cornwall"
      " --years 3 --runs 100 --threads 1 --quiet --out ");
  std::string out;
  ASSERT_EQ(sh(std::string(SENDCAST_BINARY) + args + (dir / "one").string(), &out), 0) << out;
  ASSERT_EQ(sh(MPIRUN + SENDCAST_BINARY + args + (dir / "two").string(), &out), 0) << out;
  EXPECT_NE(out.find("on 2 process(es)"), std::string::npos) << out;
  const std::string a = slurp(dir / "one" / "forecasts.csv");
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a, slurp(dir / "two" / "forecasts.csv"));
}

TEST_F(Mpi, BacktestOnTwoRanksEqualsOneProcess) {
  const std::string args =
      " backtest --origin 2021 --origin 2022 --horizon 2 --la Dudley --la Wakefield --la Medway "
      "--runs 100 --threads 1 --quiet --out ";
  std::string out;
  ASSERT_EQ(sh(std::string(SENDCAST_BINARY) + args + (dir / "one").string(), &out), 0) << out;
  ASSERT_EQ(sh(MPIRUN + SENDCAST_BINARY + args + (dir / "two").string(), &out), 0) << out;
  for (const char* f : {"forecasts.csv", "metrics.csv", "baselines.csv", "skipped.csv"})
    EXPECT_EQ(slurp(dir / "one" / f), slurp(dir / "two" / f)) << f;
}

TEST_F(Mpi, RunOnTwoRanksEqualsOneProcess) {
  // Runs split across ranks (run r on rank r % 2) and summed exactly to rank 0: every output
  // file with no timestamp in it is byte-identical, and the per-run arrays in results.h5 are the
  // same run for run (compare reads them and finds no difference in any run or year).
  const std::string args = " run --scenario " + std::string(SENDCAST_SOURCE_DIR) +
                           "/scenarios/dudley/baseline.toml --runs 120 --years 4 --threads 1 "
                           "--quiet --out ";
  std::string out;
  ASSERT_EQ(sh(std::string(SENDCAST_BINARY) + args + (dir / "one").string(), &out), 0) << out;
  ASSERT_EQ(sh(MPIRUN + SENDCAST_BINARY + args + (dir / "two").string(), &out), 0) << out;
  EXPECT_NE(out.find("on 2 processes"), std::string::npos) << out;
  for (const char* f :
       {"summary.csv", "sufficiency.csv", "finance.csv", "deficit.csv", "transport.csv"}) {
    const std::string a = slurp(dir / "one" / f);
    EXPECT_GT(a.size(), 100u) << f;
    EXPECT_EQ(a, slurp(dir / "two" / f)) << f;
  }
  ASSERT_EQ(sh(std::string(SENDCAST_BINARY) + " compare " + (dir / "one").string() + " " +
                   (dir / "two").string() + " --out " + (dir / "compare.csv").string(),
               &out),
            0)
      << out;
  EXPECT_NE(out.find("the same in every run and year"), std::string::npos) << out;
}

}  // namespace
}  // namespace sendcast
