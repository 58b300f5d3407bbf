#pragma once
// `darkscan generate`: the toy Belle II event generator. Runs the plan of the request
// (generator/generate_plan.hpp: the signal samples, one MC sample per background
// process, the data sample), generating each sample's events in parallel chunks and
// streaming the candidates to HDF5 in the event-file layout (docs/formats/events.md).
#include <cstdint>
#include <string>
#include <vector>

#include "generator/generate_plan.hpp"

namespace darkscan::generator {

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

}  // namespace darkscan::generator
