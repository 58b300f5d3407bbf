#pragma once
// The selected data a scan counts: the M(x+x-) of the best candidates of one sample of
// the selection's output (/selected/<sample>), split by final state and sorted.
#include <array>
#include <string>
#include <vector>

#include "darkscan/physics/particles.hpp"
#include "io/host_batch.hpp"

namespace darkscan::selection {

struct SelectedData {
  std::string path;
  std::string sample;
  std::array<std::vector<double>, physics::kFinalStates> masses;  // ascending, GeV
};

// From the table's `final_state` (int8) and `mass` (float64) columns; InputError naming
// `path`, the table and the column when a mass is not finite or a final state not 0, 1, 2.
SelectedData selected_data(const io::HostBatch& table, const std::string& path, const std::string& sample);

}  // namespace darkscan::selection
