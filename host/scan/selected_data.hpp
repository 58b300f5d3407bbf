#pragma once
// The selected data a scan counts: the M(x+x-) of the best candidates of one sample of
// `darkscan select`'s output (/selected/<sample>), split by final state and sorted.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "darkscan/physics/particles.hpp"

namespace darkscan::scan {

struct SelectedData {
  std::string path;
  std::string sample;
  std::array<std::vector<double>, physics::kFinalStates> masses;  // ascending, GeV
};

// InputError naming the file, table and column when the file is not a selection
// output, the sample is absent, or a mass is not finite or a final state not 0, 1, 2.
SelectedData read_selected_data(const std::string& path, const std::string& sample = "data");

}  // namespace darkscan::scan
