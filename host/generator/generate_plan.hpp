#pragma once
// What `darkscan generate` will write, decided before any event is made: the samples
// (the signal grid or the --signal-point samples, one MC sample per background process,
// and the data sample, a Poisson count of every process at the luminosity and of the
// injected signal), how many events each, from which model, on which random stream,
// and the attributes each is written with. generate.hpp runs a plan.
//
// Event k of a sample draws its random numbers from Philox keyed by (seed, a hash of
// the sample's name) at counter k: the file is the same, byte for byte, for any number
// of threads and any chunking.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "darkscan/generator/background_process.hpp"
#include "generator/signal_process_builder.hpp"
#include "io/event_writer.hpp"

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

// A run of events from one model: an MC sample is one part; the data sample is one
// part per background process (plus the injected signal).
struct Part {
  std::variant<SignalProcess, BackgroundModel> model;
  RandomKey key;
  std::uint64_t events = 0;
  std::int64_t first_number = 0;  // event number of the part's first event
};

struct SamplePlan {
  std::string name;
  std::string kind;
  io::Attributes attributes;
  std::vector<Part> parts;
  double cross_section_fb = 0;
};

// The samples of the request, in the order they are written; `notes` gets the grid
// points skipped. InputError when a point is invalid, when there is nothing to
// generate, or when two samples would share a name.
std::vector<SamplePlan> plan_samples(const GenerateRequest& request, const Collision& collision,
                                     std::vector<std::string>& notes);

// The Philox stream of a sample: FNV-1a of its name, so adding or removing a sample
// leaves the others' events unchanged.
std::uint32_t sample_stream(std::string_view name);

}  // namespace darkscan::generator
