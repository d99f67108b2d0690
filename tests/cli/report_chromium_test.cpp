// The report as a browser shows it: `sendcast run` twice, `sendcast report` on one forecast and
// on the pair, then headless Chromium (Debian's `chromium`, installed by `make test`) renders
// each page, takes a screenshot, and the test fails on any console message or missing section.
// Without chromium the test fails and says how to install it: it never skips silently.
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

struct Result {
  int status;
  std::string output;
};

Result shell(const std::string& cmd) {
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string out;
  std::array<char, 65536> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  return {WEXITSTATUS(pclose(pipe)), out};
}

Result sendcast(const std::string& args) {
  return shell(std::string(SENDCAST_BINARY) + " " + args + " 2>&1");
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

//! The chromium binary, or "" when it is not installed.
std::string chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    const Result r = shell(std::string("command -v ") + name + " 2>/dev/null");
    if (r.status == 0 && !r.output.empty()) return r.output.substr(0, r.output.find('\n'));
  }
  return "";
}

//! Runs headless chromium on `page` with `action` (--screenshot=... or --dump-dom); stdout goes
//! to `out`, and console messages (logged as ":CONSOLE") to `log`.
int render(const std::string& browser, const fs::path& page, const std::string& action,
           const fs::path& profile, const fs::path& out, const fs::path& log) {
  const std::string cmd = browser +
                          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                          " --disable-background-networking --disable-component-update"
                          " --disable-sync --disable-extensions --enable-logging=stderr --v=0"
                          " --user-data-dir='" +
                          profile.string() + "' --window-size=1280,2000 " + action + " 'file://" +
                          fs::absolute(page).string() + "' >'" + out.string() + "' 2>'" +
                          log.string() + "'";
  return shell(cmd).status;
}

//! Console lines of a chromium log: any at all means the page logged an error or a warning.
std::string console_lines(const std::string& log) {
  std::string out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.find(":CONSOLE") != std::string::npos) out += line + "\n";
  return out;
}

class ReportInChromium : public ::testing::Test {
 protected:
  static inline fs::path dir;
  static void SetUpTestSuite() {
    dir = fs::temp_directory_path() / ("sendcast_chromium_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  static void TearDownTestSuite() { fs::remove_all(dir); }

  //! Renders `page`: screenshot and DOM, with every check a reader would make.
  static std::string check_page(const fs::path& page, const std::string& name) {
    const std::string browser = chromium();
    if (browser.empty()) {
      ADD_FAILURE()
          << "chromium is not installed: `make test` installs it (scripts/install-deps.sh)"
             ", or run `apt-get install -y chromium`";
      return "";
    }
    const fs::path png = dir / (name + ".png"), dom = dir / (name + ".dom.html");
    EXPECT_EQ(render(browser, page, "--screenshot=" + png.string(), dir / (name + "-profile-1"),
                     dir / (name + ".stdout"), dir / (name + ".shot.log")),
              0)
        << slurp(dir / (name + ".shot.log"));
    EXPECT_TRUE(fs::exists(png)) << "no screenshot: " << slurp(dir / (name + ".shot.log"));
    if (fs::exists(png)) {
      EXPECT_GT(fs::file_size(png), 50'000u) << "a blank page?";
    }
    EXPECT_EQ(render(browser, page, "--dump-dom", dir / (name + "-profile-2"), dom,
                     dir / (name + ".dom.log")),
              0);
    const std::string console =
        console_lines(slurp(dir / (name + ".shot.log")) + slurp(dir / (name + ".dom.log")));
    EXPECT_TRUE(console.empty()) << "console messages:\n" << console;
    return slurp(dom);
  }
};

//! The sections a reader of a Dudley forecast finds, with a number from each that only real
//! data can give.
void expect_dudley_sections(const std::string& dom) {
  for (const char* id :
       {"headline", "fan-charts", "groups", "sufficiency", "finance", "benchmark", "assumptions"})
    EXPECT_NE(dom.find("<section id=\"" + std::string(id) + "\">"), std::string::npos) << id;
  EXPECT_NE(dom.find("3,805"), std::string::npos);
  EXPECT_NE(dom.find("How to read a fan chart"), std::string::npos);
  EXPECT_NE(dom.find("SCAP view"), std::string::npos);
  EXPECT_NE(dom.find("DSG management plan (unmitigated)"), std::string::npos);
  EXPECT_NE(dom.find("Cumulative DSG deficit at 31 March"), std::string::npos);
  EXPECT_NE(dom.find("of English LAs are at or below it"), std::string::npos);
  EXPECT_NE(dom.find("Sandwell"), std::string::npos);  // a regional peer, in the bar charts
  EXPECT_EQ(dom.find("<script"), std::string::npos);
}

TEST_F(ReportInChromium, OneForecastRendersEverySection) {
  const Result run = sendcast("run --runs 200 --quiet --out " + (dir / "base").string());
  ASSERT_EQ(run.status, 0) << run.output;
  // The report `run` wrote, then the one `report` rebuilds from results.h5 alone.
  const std::string first = check_page(dir / "base" / "report.html", "run");
  if (first.empty()) return;
  expect_dudley_sections(first);
  const fs::path rebuilt = dir / "rebuilt.html";
  const Result report =
      sendcast("report " + (dir / "base" / "results.h5").string() + " --out " + rebuilt.string());
  ASSERT_EQ(report.status, 0) << report.output;
  ASSERT_TRUE(fs::exists(rebuilt)) << report.output;
  EXPECT_TRUE(fs::exists(dir / "rebuilt.xlsx"));
  const std::string dom = check_page(rebuilt, "base");
  expect_dudley_sections(dom);
  EXPECT_NE(dom.find("<section id=\"not-included\">"), std::string::npos);
}

TEST_F(ReportInChromium, ABacktestAddsItsAccuracyTable) {
  ASSERT_EQ(sendcast("run --runs 100 --years 5 --quiet --out " + (dir / "bt-run").string()).status,
            0);
  const Result bt = sendcast(
      "backtest --la Dudley --origin 2021 --origin 2022 --horizon 2 --runs "
      "100 --quiet --out " +
      (dir / "bt").string());
  ASSERT_EQ(bt.status, 0) << bt.output;
  const fs::path page = dir / "bt-report.html";
  const Result report =
      sendcast("report " + (dir / "bt-run" / "results.h5").string() + " --backtest " +
               (dir / "bt").string() + " --out " + page.string());
  ASSERT_EQ(report.status, 0) << report.output;
  const std::string dom = check_page(page, "backtest");
  if (dom.empty()) return;
  EXPECT_NE(dom.find("<section id=\"backtest\">"), std::string::npos);
  EXPECT_NE(dom.find("<strong>sendcast</strong>"), std::string::npos);
  EXPECT_NE(dom.find("1 LA, origins 2021 to 2022"), std::string::npos);
}

TEST_F(ReportInChromium, TwoForecastsRenderTheComparison) {
  const std::string common = " --runs 200 --years 8 --seed 7 --quiet --out ";
  ASSERT_EQ(sendcast("run" + common + (dir / "a").string()).status, 0);
  const Result b =
      sendcast("run --scenario " SENDCAST_SOURCE_DIR "/scenarios/dudley/inclusion.toml" + common +
               (dir / "b").string());
  ASSERT_EQ(b.status, 0) << b.output;
  const fs::path page = dir / "compare.html";
  const Result report = sendcast("report " + (dir / "a" / "results.h5").string() + " " +
                                 (dir / "b" / "results.h5").string() + " --out " + page.string());
  ASSERT_EQ(report.status, 0) << report.output;
  EXPECT_TRUE(fs::exists(dir / "compare.xlsx"));
  const std::string dom = check_page(page, "compare");
  if (dom.empty()) return;
  EXPECT_NE(dom.find("<section id=\"comparison\">"), std::string::npos);
  EXPECT_NE(dom.find("Difference in all EHC plans"), std::string::npos);
}

TEST_F(ReportInChromium, ReportCommandErrorsAreClear) {
  const Result none = sendcast("report");
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.output.find("sendcast: error: command line"), std::string::npos) << none.output;
  const Result missing = sendcast("report /nonexistent/results.h5");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.output.find("/nonexistent/results.h5"), std::string::npos) << missing.output;
  const Result three = sendcast("report a.h5 b.h5 c.h5");
  EXPECT_EQ(three.status, 2) << three.output;
}

}  // namespace
}  // namespace sendcast
