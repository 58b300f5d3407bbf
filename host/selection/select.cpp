#include "selection/select.hpp"

#include <chrono>

#include "errors.hpp"
#include "io/read_ahead.hpp"
#include "progress.hpp"
#include "selection/selection_params.hpp"

namespace darkscan::selection {

SelectionResult select(Backend& backend, const io::EventFile& file, const config::Config& config,
                       const std::vector<std::string>& samples) {
  std::vector<const io::SampleInfo*> chosen;
  if (samples.empty())
    for (const auto& s : file.samples()) chosen.push_back(&s);
  else
    for (const auto& name : samples) chosen.push_back(&file.sample(name));

  SelectionResult result;
  result.input = file.path();
  result.luminosity_fb = config.collider.luminosity_fb;
  for (const auto* s : chosen) result.candidates += s->rows;
  const auto params = params_from_config(config);
  const auto start = std::chrono::steady_clock::now();
  Progress progress("select", result.candidates, "candidates");
  // Each sample is opened (its attributes checked, its datasets opened) while the one
  // before is selected (io/read_ahead.hpp).
  io::OpenAhead<OpenedSample> opened(chosen.size(), [&](std::size_t i) {
    return open_for_selection(file, *chosen[i], config.columns, result.luminosity_fb);
  });
  for (const auto* s : chosen) {
    auto sample = opened.next();
    result.samples.push_back(select_sample(backend, *sample, params, config.input.chunk_rows, &progress));
    result.sample_attributes.push_back(s->attributes);
  }
  progress.finish();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

SelectedData selected_data(const SelectionResult& result, const std::string& sample) {
  for (const auto& s : result.samples)
    if (s.name == sample) return selected_data(s.selected, result.input, sample);
  throw_input_error("{}: no sample '{}' was selected", result.input, sample);
}

}  // namespace darkscan::selection
