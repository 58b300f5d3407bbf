#include "selection/select_file.hpp"

#include <cstdint>

#include "io/sample_reader.hpp"

namespace darkscan::selection {

namespace {

io::HostBatch cutflow_table(const SampleSelection& s) {
  std::vector<std::int32_t> cut;
  std::vector<std::int64_t> candidates;
  for (int k = 0; k < kCutSteps; ++k) {
    cut.push_back(k);
    candidates.push_back(static_cast<std::int64_t>(s.candidates[static_cast<std::size_t>(k)]));
  }
  io::HostBatch b;
  b.rows = kCutSteps;
  b.columns.push_back(io::HostColumn::from<std::int32_t>("cut", cut));
  b.columns.push_back(io::HostColumn::from<std::int64_t>("candidates", candidates));
  b.columns.push_back(io::HostColumn::from<double>("weighted_yield", s.weighted));
  return b;
}

}  // namespace

void write_selection(io::EventFileWriter& writer, const SelectionResult& result, const io::Provenance& provenance) {
  std::string cut_names;
  for (const char* n : kCutNames) cut_names += (cut_names.empty() ? "" : ", ") + std::string(n);
  writer.set_root_attributes(io::provenance_attributes(provenance, {{"luminosity_fb", result.luminosity_fb}}));
  static constexpr const char* kSelectedNames[physics::kFinalStates] = {"selected_mumu", "selected_pipi",
                                                                       "selected_kk"};
  for (std::size_t i = 0; i < result.samples.size(); ++i) {
    const auto& r = result.samples[i];
    io::Attributes attributes = result.sample_attributes[i];
    attributes.emplace_back("weight_scale", r.weight_scale);
    for (std::size_t k = 0; k < physics::kFinalStates; ++k)
      attributes.emplace_back(kSelectedNames[k], static_cast<std::int64_t>(r.selected_events[k]));
    writer.begin_table("selected", r.name, attributes, r.selected);
    writer.begin_table("cutflow", r.name, {{"cut_names", cut_names}}, cutflow_table(r));
  }
}

SelectedData read_selected_data(const std::string& path, const std::string& sample) {
  const io::EventFile file(path, "selected");
  const io::SampleInfo& table = file.sample(sample);
  io::SampleReader reader(file, table.name, {},
                          {{"final_state", DType::i8, io::WhenMissing::fail, 0.0},
                           {"mass", DType::f64, io::WhenMissing::fail, 0.0}});
  return selected_data(reader.read_all(), path, sample);
}

}  // namespace darkscan::selection
