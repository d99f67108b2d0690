#include "io/interrupt.h"

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdlib>

namespace sendcast {

namespace {

std::atomic<int> requested{0};
std::atomic<long> polls_until_injection{-1};  //!< -1: no injection armed
std::atomic<int> injected_signal{0};
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
  // Exactly one poll sees the count at 0 and raises; later ones see it below 0.
  if (polls_until_injection.load(std::memory_order_relaxed) >= 0 &&
      polls_until_injection.fetch_sub(1) == 0) [[unlikely]]
    std::raise(injected_signal.load());
  return requested.load(std::memory_order_relaxed);
}

void inject_interrupt_after(long polls, int signal) noexcept {
  injected_signal = signal;
  polls_until_injection = polls > 0 ? polls - 1 : 0;
}

std::string inject_interrupt_from_environment() {
  const char* value = std::getenv("SENDCAST_INJECT_SIGNAL");
  if (value == nullptr || *value == '\0') return "";
  const std::string text = value;
  const std::string expected =
      "SENDCAST_INJECT_SIGNAL = \"" + text + "\": expected SIGINT:N or SIGTERM:N, N >= 1";
  const auto colon = text.find(':');
  if (colon == std::string::npos) return expected;
  const std::string name = text.substr(0, colon), count = text.substr(colon + 1);
  const int signal = name == "SIGINT" ? SIGINT : name == "SIGTERM" ? SIGTERM : 0;
  long polls = 0;
  const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), polls);
  if (signal == 0 || error != std::errc{} || end != count.data() + count.size() || polls < 1)
    return expected;
  inject_interrupt_after(polls, signal);
  return "";
}

void throw_if_interrupted() {
  if (const int signal = interrupt_signal()) throw Interrupted(signal);
}

void reset_interrupt() {
  requested = 0;
  polls_until_injection = -1;
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
