#include "cli/progress.h"

#include <cmath>
#include <cstdio>

namespace sendcast::cli {

ProgressLine::ProgressLine(std::string unit, bool enabled)
    : unit_(std::move(unit)), enabled_(enabled) {}

ProgressLine::~ProgressLine() {
  finish();
}

void ProgressLine::update(long done, long total) {
  if (!enabled_) return;
  const auto now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < 1.0 || (drawn_ && now - last_ < std::chrono::milliseconds(200) && done < total))
    return;
  last_ = now;
  const double rate = done / elapsed;
  const std::string left = rate > 0 ? format_duration((total - done) / rate) + " left" : "";
  std::fprintf(stderr, "\r  %s %ld/%ld  %.1f %s/s  %s   ", unit_.c_str(), done, total, rate,
               unit_.c_str(), left.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\n");
  std::fflush(stderr);
  drawn_ = false;
  enabled_ = false;
}

std::string format_duration(double seconds) {
  const long s = std::lround(std::max(seconds, 0.0));
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%lds", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%ldm %02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldh %02ldm", s / 3600, (s % 3600) / 60);
  return buf;
}

}  // namespace sendcast::cli
