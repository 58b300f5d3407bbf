#include "selection/selected_data.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "errors.hpp"

namespace darkscan::selection {

SelectedData selected_data(const io::HostBatch& table, const std::string& path, const std::string& sample) {
  const auto* fs_column = table.find("final_state");
  const auto* mass_column = table.find("mass");
  if (!fs_column || !mass_column)
    throw_input_error("{}: /selected/{}: the columns 'final_state' and 'mass' are needed", path, sample);
  const auto fs = fs_column->values<std::int8_t>();
  const auto mass = mass_column->values<double>();
  SelectedData data;
  data.path = path;
  data.sample = sample;
  for (std::size_t i = 0; i < fs.size(); ++i) {
    if (fs[i] < 0 || fs[i] >= physics::kFinalStates)
      throw_input_error("{}: /selected/{}: column 'final_state' is {} in row {}; expected 0, 1 or 2", path, sample,
                        fs[i], i);
    if (!std::isfinite(mass[i]))
      throw_input_error("{}: /selected/{}: column 'mass' is {} in row {}", path, sample, mass[i], i);
    data.masses[fs[i]].push_back(mass[i]);
  }
  for (auto& m : data.masses) std::sort(m.begin(), m.end());
  return data;
}

}  // namespace darkscan::selection
