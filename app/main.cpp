// The sendcast executable: everything is in the library; main only installs the SIGINT/SIGTERM
// handlers, hands over the arguments and returns the exit code (0 ok, 2 bad input, 1 internal
// error, 130/143 interrupted).
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "io/interrupt.h"

int main(int argc, char** argv) {
  sendcast::install_interrupt_handlers();
  if (const std::string error = sendcast::inject_interrupt_from_environment(); !error.empty()) {
    std::cerr << "sendcast: error: " << error << "\n";
    return sendcast::cli::EXIT_INPUT;
  }
  const std::vector<std::string> args(argv + 1, argv + argc);
  return sendcast::cli::run_main(args, std::cout, std::cerr);
}
