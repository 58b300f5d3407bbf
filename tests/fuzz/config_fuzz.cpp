// Fuzz target: the config parser and its checks (config::parse), on arbitrary text.
#include <string>

#include "config/config.hpp"
#include "errors.hpp"
#include "fuzz_target.hpp"

void darkscan_fuzz_one(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const darkscan::config::Config cfg = darkscan::config::parse(text, "fuzz.toml");
    // What every command does next with an accepted config: its canonical text (stage
    // fingerprints) must be computable for any section.
    (void)darkscan::config::canonical_text(cfg, {"run", "input", "collider", "selection", "model", "generate",
                                                 "signal_model", "scan", "interpret", "columns"});
  } catch (const darkscan::InputError&) {
  }
}
