#include "io/output_dir.h"

#include <unistd.h>

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

}  // namespace

StagedOutputDir::StagedOutputDir(fs::path target) : target_(std::move(target)) {
  if (target_.filename().empty()) target_ = target_.parent_path();
  std::error_code ec;
  if (fs::exists(target_, ec) && !fs::is_directory(target_, ec))
    throw InputError({target_.string()}, "output path exists and is not a directory");
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  first_created_ = first_missing(parent);
  fs::create_directories(parent, ec);
  if (ec) throw InputError({parent.string()}, "cannot create output directory: " + ec.message());
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
