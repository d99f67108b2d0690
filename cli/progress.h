#pragma once
// Progress on stderr for work that takes more than a second: items done, rate and time left,
// redrawn in place at most five times a second. Silent for the first second, so quick jobs
// print nothing; the caller decides whether stderr is a terminal and --quiet was not given.
#include <chrono>
#include <string>

namespace sendcast::cli {

class ProgressLine {
 public:
  //! `unit` names what is counted: "runs", "LAs".
  ProgressLine(std::string unit, bool enabled);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void update(long done, long total);
  //! Ends the line (once) if anything was drawn.
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  std::string unit_;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_{};
};

//! "12s", "3m 05s", "1h 02m".
std::string format_duration(double seconds);

}  // namespace sendcast::cli
