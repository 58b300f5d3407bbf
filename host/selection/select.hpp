#pragma once
// The selection stage (`darkscan select`, docs: docs/physics/selection.md): every chosen
// sample of an event file through the selection on a backend, with its cutflow and the
// best candidate of each event. The result stays in memory for the later stages;
// select_file.hpp writes it.
#include <cstdint>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "config/config.hpp"
#include "io/event_file.hpp"
#include "io/event_writer.hpp"
#include "selection/select_sample.hpp"
#include "selection/selected_data.hpp"

namespace darkscan::selection {

struct SelectionResult {
  std::string input;                              // the event file
  double luminosity_fb = 0;                       // MC normalisation
  std::vector<SampleSelection> samples;           // in the order asked for
  std::vector<io::Attributes> sample_attributes;  // each sample's own, carried to /selected/<sample>
  std::uint64_t candidates = 0;                   // read, over all samples
  double seconds = 0;
};

// `samples` empty: every sample of the file. InputError naming the file and the sample
// or column on bad input.
SelectionResult select(Backend& backend, const io::EventFile& file, const config::Config& config,
                       const std::vector<std::string>& samples = {});

// The M(x+x-) of one sample's best candidates, as the scan counts them (the same values
// read_selected_data gives back from the file).
SelectedData selected_data(const SelectionResult& result, const std::string& sample = "data");

}  // namespace darkscan::selection
