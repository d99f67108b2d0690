#pragma once
// Stopping cleanly on SIGINT and SIGTERM. The sendcast executable installs handlers that only
// record the signal (all a handler may safely do); the long loops (the Monte Carlo runner, the
// backtest's LAs) and StagedOutputDir::commit poll it and throw Interrupted. Unwinding then
// removes the staged outputs, so earlier results stay as they were, and `main` reports the
// interrupt and exits 128 + the signal number (130 for SIGINT, 143 for SIGTERM), as shells do.
// A second signal is not caught: it kills the process at once (the staging folder may then be
// left behind, but the earlier results are still untouched unless it lands inside commit()).
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace sendcast {

//! Thrown where the work stops after SIGINT or SIGTERM. Not an InputError: nothing catches
//! it on the way to `main`.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }
  int exit_code() const { return 128 + signal_; }  //!< the shell's convention

 private:
  int signal_;
};

//! SIGINT and SIGTERM set the interrupt flag once; the next one has its default action.
void install_interrupt_handlers();
//! What the handlers do (async-signal-safe); tests call it to simulate a signal.
void request_interrupt(int signal) noexcept;
//! The signal that asked us to stop; 0 when none has.
int interrupt_signal() noexcept;
//! Throws Interrupted when a signal has asked us to stop.
void throw_if_interrupted();
//! Clears the flag and the abandoned outputs (tests that simulate a signal).
void reset_interrupt();

//! Fault injection, so that tests interrupt a run at a known point instead of racing it with
//! a timer: the `polls`-th call of interrupt_signal() from now (the runner polls once per
//! run) raises `signal` to the process itself, through the installed handlers.
void inject_interrupt_after(long polls, int signal) noexcept;
//! Reads SENDCAST_INJECT_SIGNAL ("SIGINT:N" or "SIGTERM:N": raise it at the N-th poll) and
//! arms inject_interrupt_after. Unset: nothing. Returns an error message for a malformed
//! value, else "".
std::string inject_interrupt_from_environment();

//! An output directory whose staged results an interrupt threw away (StagedOutputDir notes
//! its target as it unwinds), for the message that says what was left untouched.
void note_abandoned_output(const std::filesystem::path& target);
const std::vector<std::filesystem::path>& abandoned_outputs();

//! "SIGINT", "SIGTERM" or "signal N".
std::string signal_name(int signal);

}  // namespace sendcast
