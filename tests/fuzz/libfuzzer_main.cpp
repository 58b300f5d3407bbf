// libFuzzer's entry point for a darkscan fuzz target (the fuzz preset links -fsanitize=fuzzer).
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  darkscan_fuzz_one(data, size);
  return 0;
}
