#pragma once
// The selection stage for one sample (docs/physics/selection.md): a streaming pass over its
// chunks on the chosen backend (each candidate to a verdict), then on the host the
// cutflow (candidates and weighted yield after each step) and the best candidate of each
// event (the smallest h' pointing angle among those that pass; the first on a tie).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "darkscan/selection/evaluate.hpp"
#include "io/column_mapping.hpp"
#include "io/event_file.hpp"
#include "io/host_batch.hpp"
#include "io/sample_reader.hpp"

namespace darkscan {
class Progress;
}

namespace darkscan::selection {

struct SampleSelection {
  std::string name;
  std::string kind;
  std::uint64_t rows = 0;
  double weight_scale = 1;  // cross_section_fb x luminosity / n_generated (MC), 1 (data)
  // After step k (0 preselection, 1-19 the cuts): candidates left and their weighted yield.
  std::array<std::uint64_t, kCutSteps> candidates{};
  std::array<double, kCutSteps> weighted{};
  std::array<std::uint64_t, physics::kFinalStates> selected_events{};  // best candidates per final state
  io::HostBatch selected;  // the best candidates: the columns of /selected/<sample>
};

// `luminosity_fb` normalises MC (weight = σ·L/N_generated · mc_weight). Candidates of
// an event must be adjacent in the sample (as basf2 and darkscan generate write them);
// an event met again later is refused with an InputError.
// A sample opened for the selection: its attributes checked (docs/formats/events.md#validation),
// its MC weight scale (cross_section_fb x luminosity / n_generated; 1 for data) and its
// reader of the columns its kind needs. InputError on the first problem.
struct OpenedSample {
  io::SampleReader reader;
  double weight_scale = 1;
};
OpenedSample open_for_selection(const io::EventFile& file, const io::SampleInfo& sample,
                                const io::ColumnMapping& mapping, double luminosity_fb);
SampleSelection select_sample(Backend& backend, OpenedSample& sample, const SelectionParams& params,
                              std::uint64_t chunk_rows, Progress* progress = nullptr);

// open_for_selection, then select_sample.
SampleSelection select_sample(Backend& backend, const io::EventFile& file, const io::SampleInfo& sample,
                              const io::ColumnMapping& mapping, const SelectionParams& params, double luminosity_fb,
                              std::uint64_t chunk_rows, Progress* progress = nullptr);

}  // namespace darkscan::selection
