#include "selection/select_sample.hpp"

#include <unordered_set>

#include "errors.hpp"
#include "io/sample_reader.hpp"
#include "io/sample_rules.hpp"
#include "progress.hpp"
#include "selection/bind_columns.hpp"

namespace darkscan::selection {

namespace {

// A candidate that passed every cut, with what /selected keeps of it.
struct Passing {
  std::int64_t event = 0;
  CandidateVerdict verdict;
  double weight = 1;
  float truth[3] = {0, 0, 1};  // true_hp_ctau, true_chi2_ctau, mc_weight
};

// The output table, column by column.
class SelectedColumns {
 public:
  explicit SelectedColumns(bool mc) : mc_(mc) {}
  void add(const Passing& p) {
    event.push_back(p.event);
    final_state.push_back(p.verdict.final_state);
    mass.push_back(p.verdict.mass);
    hp_dv.push_back(p.verdict.hp_dv);
    chi_dv.push_back(p.verdict.chi_dv);
    pointing.push_back(p.verdict.pointing);
    weight.push_back(p.weight);
    for (int k = 0; k < 3; ++k) truth[k].push_back(p.truth[k]);
  }
  io::HostBatch batch() const {
    io::HostBatch b;
    b.rows = event.size();
    b.columns.push_back(io::HostColumn::from<std::int64_t>("event", event));
    b.columns.push_back(io::HostColumn::from<std::int8_t>("final_state", final_state));
    b.columns.push_back(io::HostColumn::from<double>("mass", mass));
    b.columns.push_back(io::HostColumn::from<double>("hp_dv", hp_dv));
    b.columns.push_back(io::HostColumn::from<double>("chi_dv", chi_dv));
    b.columns.push_back(io::HostColumn::from<double>("pointing_angle", pointing));
    b.columns.push_back(io::HostColumn::from<double>("weight", weight));
    if (mc_) {
      const char* names[3] = {"true_hp_ctau", "true_chi2_ctau", "mc_weight"};
      for (int k = 0; k < 3; ++k) b.columns.push_back(io::HostColumn::from<float>(names[k], truth[k]));
    }
    return b;
  }

 private:
  bool mc_;
  std::vector<std::int64_t> event;
  std::vector<std::int8_t> final_state;
  std::vector<double> mass, hp_dv, chi_dv, pointing, weight;
  std::vector<float> truth[3];
};

}  // namespace

OpenedSample open_for_selection(const io::EventFile& file, const io::SampleInfo& sample,
                                const io::ColumnMapping& mapping, double luminosity_fb) {
  const std::string ctx = fmt::format("{}: sample '{}'", file.path(), sample.name);
  // The rules of docs/formats/events.md#validation: the attributes here, every value as the
  // reader delivers it, n_generated against the events at the end of the pass.
  io::check_attributes(file.path(), sample, false);
  double weight_scale = 1;
  if (sample.kind == "signal" || sample.kind == "background")
    weight_scale = sample.number("cross_section_fb", ctx) * luminosity_fb / sample.number("n_generated", ctx);
  return {io::SampleReader(file, sample.name, mapping, io::schema_request(sample.kind)), weight_scale};
}

SampleSelection select_sample(Backend& backend, const io::EventFile& file, const io::SampleInfo& sample,
                              const io::ColumnMapping& mapping, const SelectionParams& params, double luminosity_fb,
                              std::uint64_t chunk_rows, Progress* progress) {
  OpenedSample opened = open_for_selection(file, sample, mapping, luminosity_fb);
  return select_sample(backend, opened, params, chunk_rows, progress);
}

SampleSelection select_sample(Backend& backend, OpenedSample& opened, const SelectionParams& params,
                              std::uint64_t chunk_rows, Progress* progress) {
  io::SampleReader& reader = opened.reader;
  const io::SampleInfo& sample = reader.info();
  const std::string& ctx = reader.context();
  SampleSelection out;
  out.name = sample.name;
  out.kind = sample.kind;
  out.rows = sample.rows;
  const bool mc = sample.kind == "signal" || sample.kind == "background";
  out.weight_scale = opened.weight_scale;

  const auto& columns = reader.columns();
  // Host copies of the columns the host part needs: the event number, and on MC the truth.
  std::vector<std::string> host_names{"event"};
  if (mc)
    for (const char* n : {"true_hp_ctau", "true_chi2_ctau", "mc_weight"}) host_names.emplace_back(n);
  std::vector<std::size_t> host_index;
  for (const auto& n : host_names) {
    std::size_t i = 0;
    while (i < columns.size() && columns[i].logical != n) ++i;
    host_index.push_back(i);  // == columns.size(): not stored (a background without truth)
  }

  SelectedColumns selected(mc);
  std::vector<Passing> group;  // passing candidates of the current event
  std::unordered_set<std::int64_t> finished;
  auto close_group = [&] {
    if (group.empty()) return;
    if (!finished.insert(group.front().event).second)
      throw_input_error("{}: the candidates of event {} are not adjacent (sort the sample by event)", ctx,
                        group.front().event);
    std::size_t best = 0;
    for (std::size_t i = 1; i < group.size(); ++i)
      if (group[i].verdict.pointing < group[best].verdict.pointing) best = i;
    selected.add(group[best]);
    ++out.selected_events[static_cast<std::size_t>(group[best].verdict.final_state)];
    group.clear();
  };

  backend.for_each_chunk(reader, chunk_rows, [&](const ChunkView& chunk) {
    const auto verdicts = backend.select(bind_columns(chunk, columns), chunk.rows, params);
    ChunkView host_view{chunk.first_row, chunk.rows, {}};
    std::vector<std::string> present;
    for (std::size_t k = 0; k < host_names.size(); ++k)
      if (host_index[k] < columns.size()) {
        host_view.columns.push_back(chunk.columns[host_index[k]]);
        present.push_back(host_names[k]);
      }
    const auto host = backend.copy_to_host(host_view, present);
    const auto events = host.find("event")->values<std::int64_t>();
    const io::HostColumn* truth[3] = {host.find("true_hp_ctau"), host.find("true_chi2_ctau"), host.find("mc_weight")};

    for (std::uint64_t i = 0; i < chunk.rows; ++i) {
      const CandidateVerdict& v = verdicts[i];
      if (v.step == kNotFinite)
        throw_input_error("{}: row {}: a column holds NaN or inf (darkscan info --check names it)", ctx,
                          chunk.first_row + i);
      const double mc_weight = truth[2] ? truth[2]->values<float>()[i] : 1.0f;
      const double w = mc ? out.weight_scale * mc_weight : 1.0;
      for (int k = 0; k < v.step && k < kCutSteps; ++k) {
        ++out.candidates[static_cast<std::size_t>(k)];
        out.weighted[static_cast<std::size_t>(k)] += w;
      }
      if (!group.empty() && events[i] != group.front().event) close_group();
      if (v.step != kPassed) continue;
      Passing p{events[i], v, w, {0, 0, 1}};
      for (int k = 0; k < 3; ++k)
        if (truth[k]) p.truth[k] = truth[k]->values<float>()[i];
      group.push_back(p);
    }
    if (progress) progress->advance(chunk.rows);
  });
  close_group();
  out.selected = selected.batch();
  return out;
}

}  // namespace darkscan::selection
