#pragma once
// Provenance: the root attributes every result file of darkscan carries, so that a
// result says what made it (the program, its version and commit, the backend), from
// what (each input's path and, where later stages check it, its SHA-256) and with
// which settings (the whole config text). Built here and nowhere else.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/event_writer.hpp"

namespace darkscan::io {

struct Provenance {
  std::string creator;      // "darkscan scan (docs/physics/window-scan.md and docs/physics/statistics.md)"
  Attributes inputs;        // {"input", path}, {"data_sha256", ...}: in the order given
  std::string backend;      // Backend::description(); empty: not recorded (no backend ran)
  std::string config_text;  // the config as read; empty: not recorded
};

// creator, darkscan_version, darkscan_commit, the inputs, backend and config, then
// `settings` (what later stages read back, e.g. the scan's statistics options).
Attributes provenance_attributes(const Provenance& provenance, const Attributes& settings = {});

// {name, path} and, when `with_checksum`, {name + "_sha256", SHA-256 of the file}.
void add_input(Provenance& provenance, const std::string& name, const std::string& path, bool with_checksum = false);

}  // namespace darkscan::io
