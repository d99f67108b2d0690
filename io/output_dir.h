#pragma once
// Outputs appear whole or not at all: files are written into a temporary directory beside the
// target and the directory is renamed into place only when every file is complete. A failed
// run leaves any earlier results untouched.
#include <filesystem>

namespace sendcast::io {

//! Creates folder `dir` and its parents, for outputs written in place (goalseek.csv) or staged
//! beside it. Throws InputError if `dir` exists and is not a folder, or cannot be created.
void create_output_directory(const std::filesystem::path& dir);

class StagedOutputDir {
 public:
  //! Creates `<target>.tmp-<pid>` beside `target` (parents created as needed).
  explicit StagedOutputDir(std::filesystem::path target);
  //! Unless committed, removes the staging directory and any parent folders it created.
  ~StagedOutputDir();
  StagedOutputDir(const StagedOutputDir&) = delete;
  StagedOutputDir& operator=(const StagedOutputDir&) = delete;

  const std::filesystem::path& path() const { return staging_; }  //!< write files here
  const std::filesystem::path& target() const { return target_; }
  //! Replaces `target` with the staged directory (the old one is removed only after the new
  //! one is in place under a temporary name). Throws Interrupted instead when SIGINT or
  //! SIGTERM has arrived (io/interrupt.h).
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  std::filesystem::path first_created_;  //!< outermost parent folder this made; empty if none
  bool committed_ = false;
};

}  // namespace sendcast::io
