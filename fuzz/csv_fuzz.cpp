// libFuzzer entry point: see fuzz/targets.h for what one input exercises.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sendcast::fuzz::csv_one_input(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
