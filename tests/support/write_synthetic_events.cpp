// Writes a synthetic event file in the docs/formats/events.md schema (no physics; see
// host/events/synthetic_sample.hpp): for the demo, I/O benchmarks and manual checks.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "errors.hpp"
#include "events/synthetic_sample.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Write a synthetic event file in the docs/formats/events.md schema (uniform values, no physics)"};
  std::string output;
  std::uint64_t rows = 100000;
  std::uint64_t seed = 1;
  unsigned level = 1;
  app.add_option("output", output, "HDF5 file to write")->required();
  app.add_option("--rows", rows, "Rows of the data sample (MC samples get a tenth each)")->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "Seed");
  app.add_option("--deflate", level, "Deflate level, 0 for none")->check(CLI::Range(0, 9));
  CLI11_PARSE(app, argc, argv);
  try {
    const std::uint64_t mc = std::max<std::uint64_t>(rows / 10, 1);
    darkscan::events::write_synthetic_file(output,
                                           {{"data", "data", rows}, {"signal", "signal", mc}, {"bkg", "background", mc}},
                                           seed, {.storage_chunk_rows = 65536, .deflate_level = level});
  } catch (const darkscan::InputError& e) {
    fmt::print(stderr, "write_synthetic_events: error: {}\n", e.what());
    return darkscan::kExitBadInput;
  }
  fmt::print("{}: {} data rows, {} signal, {} background (seed {})\n", output, rows, std::max<std::uint64_t>(rows / 10, 1),
             std::max<std::uint64_t>(rows / 10, 1), seed);
  return 0;
}
