#include "io/interrupt.h"

#include <atomic>
#include <csignal>

namespace sendcast {

namespace {

std::atomic<int> requested{0};
static_assert(std::atomic<int>::is_always_lock_free,
              "a signal handler may only touch lock-free atomics");

std::vector<std::filesystem::path>& abandoned() {
  static std::vector<std::filesystem::path> list;
  return list;
}

extern "C" void on_signal(int signal) {
  request_interrupt(signal);
}

}  // namespace

Interrupted::Interrupted(int signal)
    : std::runtime_error("interrupted by " + signal_name(signal)), signal_(signal) {}

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // a second signal kills: the way out if a check is far off
  for (int signal : {SIGINT, SIGTERM}) sigaction(signal, &action, nullptr);
}

void request_interrupt(int signal) noexcept {
  int none = 0;
  requested.compare_exchange_strong(none, signal);  // the first signal is the one reported
}

int interrupt_signal() noexcept {
  return requested.load(std::memory_order_relaxed);
}

void throw_if_interrupted() {
  if (const int signal = interrupt_signal()) throw Interrupted(signal);
}

void reset_interrupt() {
  requested = 0;
  abandoned().clear();
}

void note_abandoned_output(const std::filesystem::path& target) {
  abandoned().push_back(target);
}

const std::vector<std::filesystem::path>& abandoned_outputs() {
  return abandoned();
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "signal " + std::to_string(signal);
  }
}

}  // namespace sendcast
