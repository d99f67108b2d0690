#include "io/output_dir.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "io/error.h"
#include "io/interrupt.h"

namespace sendcast::io {

namespace fs = std::filesystem;

namespace {

//! The outermost folder of `dir` (itself or an ancestor) that does not exist yet; empty if
//! `dir` exists.
fs::path first_missing(const fs::path& dir) {
  std::error_code ec;
  fs::path missing;
  for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing = p;
    if (p == p.parent_path()) break;
  }
  return missing;
}

//! Every name sendcast writes into an output folder (run, backtest, forecast-all, benchmark),
//! or beside results.h5 (report) or into a folder given as --out (compare, goalseek).
bool written_by_sendcast(const std::string& name) {
  static const std::array<std::string_view, 20> NAMES = {
      "report.html",     "workbook.xlsx",   "results.h5",   "results.h5.crc32", "state.h5",
      "summary.csv",     "sufficiency.csv", "finance.csv",  "deficit.csv",      "transport.csv",
      "forecasts.csv",   "baselines.csv",   "metrics.csv",  "skipped.csv",      "benchmark.csv",
      "projections.csv", "compare.csv",     "goalseek.csv", "comparison.html",  "comparison.xlsx"};
  return std::find(NAMES.begin(), NAMES.end(), name) != NAMES.end();
}

//! Refuses to replace a folder that holds anything sendcast did not write: a commit replaces
//! the whole folder, so `--out .` or `--out ~/Documents` would otherwise delete what was there.
void check_replaceable(const fs::path& target) {
  std::error_code ec;
  if (!fs::is_directory(target, ec)) return;
  std::vector<std::string> others;
  for (const auto& entry : fs::directory_iterator(target, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory(ec) || !written_by_sendcast(name)) others.push_back(name);
  }
  if (ec) throw InputError({target.string()}, "cannot list the output folder: " + ec.message());
  if (others.empty()) return;
  std::sort(others.begin(), others.end());
  std::string listed;
  for (std::size_t i = 0; i < others.size() && i < 3; ++i)
    listed += (i > 0 ? ", " : "") + others[i];
  if (others.size() > 3) listed += " and " + std::to_string(others.size() - 3) + " more";
  throw InputError({target.string()},
                   "holds files sendcast did not write (" + listed +
                       "): sendcast replaces its output folder whole, so give a new or empty "
                       "folder, or one an earlier sendcast run wrote");
}

}  // namespace

void create_output_directory(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError({dir.string()}, "output path exists and is not a directory");
  fs::create_directories(dir, ec);
  if (ec) throw InputError({dir.string()}, "cannot create output directory: " + ec.message());
}

StagedOutputDir::StagedOutputDir(fs::path target) : target_(std::move(target)) {
  if (target_.filename().empty()) target_ = target_.parent_path();
  std::error_code ec;
  if (fs::exists(target_, ec) && !fs::is_directory(target_, ec))
    throw InputError({target_.string()}, "output path exists and is not a directory");
  check_replaceable(target_);
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  first_created_ = first_missing(parent);
  create_output_directory(parent);
  staging_ = parent / (target_.filename().string() + ".tmp-" + std::to_string(::getpid()));
  fs::remove_all(staging_, ec);
  fs::create_directory(staging_, ec);
  if (ec) throw InputError({staging_.string()}, "cannot create staging directory: " + ec.message());
}

StagedOutputDir::~StagedOutputDir() {
  if (committed_) return;
  if (interrupt_signal()) note_abandoned_output(target_);
  std::error_code ec;
  fs::remove_all(staging_, ec);
  // A failed run writes nothing, not even the folders above --out. fs::remove takes only
  // empty folders, so anything another process put there meanwhile stays.
  if (first_created_.empty()) return;
  for (fs::path dir = staging_.parent_path(); fs::remove(dir, ec) && dir != first_created_;)
    dir = dir.parent_path();
}

void StagedOutputDir::commit() {
  throw_if_interrupted();  // the last moment at which stopping leaves the earlier results
  std::error_code ec;
  fs::path old;
  if (fs::exists(target_, ec)) {
    old = target_;
    old += ".old-" + std::to_string(::getpid());
    fs::remove_all(old, ec);
    fs::rename(target_, old, ec);
    if (ec)
      throw InputError({target_.string()},
                       "cannot move the previous results aside: " + ec.message());
  }
  fs::rename(staging_, target_, ec);
  if (ec) {
    if (!old.empty()) fs::rename(old, target_);  // put the earlier results back
    throw InputError({target_.string()}, "cannot move results into place: " + ec.message());
  }
  committed_ = true;
  if (!old.empty()) fs::remove_all(old, ec);
}

}  // namespace sendcast::io
