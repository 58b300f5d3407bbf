#pragma once
// `darkscan generate`: the toy Belle II event generator. Plans the samples (the signal
// grid, one MC sample per background process, and the data sample, a Poisson
// realisation of the cocktail with an optional injected signal), generates their events
// in parallel chunks and streams the candidates to HDF5 in the DATA.md layout.
//
// Event k of a sample draws its random numbers from Philox keyed by (seed, a hash of
// the sample's name) at counter k: the file is the same, byte for byte, for any number
// of threads and any chunking.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "generator/signal_process_builder.hpp"

namespace darkscan::generator {

struct GenerateRequest {
  std::filesystem::path output;
  config::Config config;       // collider, model and generate sections
  std::uint64_t seed = 0;
  double luminosity_fb = 365;
  // Explicit signal points (--signal-point): when given, only these samples are
  // written, `events_per_point` events each, without backgrounds or data.
  std::vector<SignalPoint> signal_points;
  // Appended to each explicit point's sample name (empty or one per point): the
  // dark-sector parameters given on the command line, so points differing there differ
  // in name.
  std::vector<std::string> signal_point_suffixes;
  std::uint64_t events_per_point = 10000;
  int threads = 0;             // 0: every core
  bool progress = true;
};

struct SampleSummary {
  std::string name;
  std::string kind;
  std::uint64_t events = 0;      // generated
  std::uint64_t candidates = 0;  // rows written
  double cross_section_fb = 0;
};

struct GenerateSummary {
  std::vector<SampleSummary> samples;
  std::vector<std::string> notes;  // e.g. grid points skipped below threshold
  double seconds = 0;
};

GenerateSummary generate_file(const GenerateRequest& request);

// The Philox stream of a sample: FNV-1a of its name, so adding or removing a sample
// leaves the others' events unchanged.
std::uint32_t sample_stream(std::string_view name);

}  // namespace darkscan::generator
