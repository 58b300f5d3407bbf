#include "selection/select_file.hpp"

#include <cstdint>

#include "io/sample_reader.hpp"

namespace darkscan::selection {

namespace {

using io::ColumnDoc;

// /selected/<sample>; the MC truth columns only on signal and background samples.
constexpr ColumnDoc kSelectedColumns[] = {
    {"event", "", "event number of the input sample; one row per event, its best candidate"},
    {"final_state", "", "0 mu+mu-, 1 pi+pi-, 2 K+K-: the final state from the PID of the h' tracks "
                        "(docs/physics/selection.md)"},
    {"mass", "GeV", "M(x+x-) of the h' track pair under the final state's mass hypothesis"},
    {"hp_dv", "cm", "transverse displacement of the h' (x+x-) vertex, sqrt(hp_vx^2 + hp_vy^2)"},
    {"chi_dv", "cm", "transverse displacement of the chi2 (e+e-) vertex, sqrt(chi_vx^2 + chi_vy^2)"},
    {"pointing_angle", "rad", "angle between the h' vertex position and the x+x- momentum; the event's candidate "
                              "is the one with the smallest"},
    {"weight", "", "candidate weight: MC cross_section_fb x luminosity_fb / n_generated x mc_weight (expected "
                   "events per selected MC candidate), data 1"},
    {"true_hp_ctau", "cm", "MC truth: the h' proper decay length (drawn from exp(-l/ctau_hp)); 0 where the sample "
                           "has no truth"},
    {"true_chi2_ctau", "cm", "MC truth: the chi2 proper decay length (drawn from exp(-l/ctau_chi2)); 0 where the "
                             "sample has no truth"},
    {"mc_weight", "", "MC event weight of the input sample (1 where it has none)"},
};

constexpr ColumnDoc kCutflowColumns[] = {
    {"cut", "", "selection step: 0 preselection, 1-19 the cuts and vetoes in order (names in the cut_names "
                "attribute; docs/physics/selection.md)"},
    {"candidates", "candidates", "candidates that pass every step up to and including this one (all candidates "
                                 "of an event, before the best one is chosen)"},
    {"weighted_yield", "events", "sum of those candidates' weights: MC the expected yield at the file's "
                                 "luminosity_fb, data the candidate count"},
};

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
    writer.describe_columns(kSelectedColumns);
    writer.begin_table("cutflow", r.name, {{"cut_names", cut_names}}, cutflow_table(r));
    writer.describe_columns(kCutflowColumns);
  }
}

SelectedData read_selected_data(const std::string& path, const std::string& sample) {
  const io::EventFile file(path, "selected");
  const io::SampleInfo& table = file.sample(sample);
  if (table.rows == 0) {
    // A selection that kept no event is a result (every window then counts 0), where an
    // empty sample of an event file is bad input, as SampleReader holds: the columns
    // are still required.
    io::HostBatch none;
    if (table.find_column("final_state") != nullptr) none.columns.push_back({"final_state", DType::i8, {}});
    if (table.find_column("mass") != nullptr) none.columns.push_back({"mass", DType::f64, {}});
    return selected_data(none, path, sample);
  }
  io::SampleReader reader(file, table.name, {},
                          {{"final_state", DType::i8, io::WhenMissing::fail, 0.0},
                           {"mass", DType::f64, io::WhenMissing::fail, 0.0}});
  return selected_data(reader.read_all(), path, sample);
}

}  // namespace darkscan::selection
