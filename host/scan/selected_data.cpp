#include "scan/selected_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "errors.hpp"
#include "io/sample_reader.hpp"

namespace darkscan::scan {

SelectedData read_selected_data(const std::string& path, const std::string& sample) {
  const io::EventFile file(path, "selected");
  const io::SampleInfo& table = file.sample(sample);
  io::SampleReader reader(file, table.name, {},
                          {{"final_state", DType::i8, io::WhenMissing::fail, 0.0},
                           {"mass", DType::f64, io::WhenMissing::fail, 0.0}});
  const auto batch = reader.read_all();
  const auto fs = batch.find("final_state")->values<std::int8_t>();
  const auto mass = batch.find("mass")->values<double>();
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

}  // namespace darkscan::scan
