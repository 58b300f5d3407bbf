#include "signal_model/signal_model.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "errors.hpp"
#include "io/sample_rules.hpp"
#include "launch.hpp"
#include "progress.hpp"
#include "resources.hpp"
#include "selection/select_sample.hpp"
#include "selection/selection_params.hpp"

namespace darkscan::signal_model {

int final_state_attribute(const io::SampleInfo& s, const std::string& ctx) {
  const auto* v = s.attribute("final_state");
  const auto* text = v ? std::get_if<std::string>(v) : nullptr;
  const int k = text ? physics::final_state_from_name(*text) : -1;
  if (k < 0) throw_input_error("{}: attribute 'final_state' must be mumu, pipi or kk", ctx);
  return k;
}

PointKey point_key(int final_state, double m_hp, const io::Attributes& dark_sector) {
  PointKey key{final_state, m_hp, {}};
  for (const auto& [k, v] : dark_sector) {
    const std::string& attribute = k;  // a name the lambda can capture (clang 14 cannot capture a binding)
    const auto* name = std::find_if(std::begin(kDarkSectorKeys), std::end(kDarkSectorKeys),
                                    [&](const char* known) { return attribute == known; });
    const double x = std::holds_alternative<double>(v)         ? std::get<double>(v)
                     : std::holds_alternative<std::int64_t>(v) ? static_cast<double>(std::get<std::int64_t>(v))
                                                               : std::numeric_limits<double>::quiet_NaN();
    key.dark_sector.emplace_back(static_cast<int>(name - std::begin(kDarkSectorKeys)), x);
  }
  return key;
}

namespace {

using physics::kFinalStateNames;

// Relative efficiency uncertainty of each cell, all sources in quadrature
// (docs/physics/signal-model.md; the lifetime-dependent PID scaled with the selected vertices' mean
// displacement), and whether the cell is trusted.
void add_uncertainties(const config::SignalModelConfig& sm, const std::vector<MapCell>& cells,
                       std::vector<double>& rel_unc, std::vector<std::uint8_t>& trusted) {
  for (const auto& cell : cells) {
    const double displaced = sm.pid_displaced_rel_unc * std::min(1.0, cell.mean_hp_dv / 100.0);
    const double mc = cell.efficiency > 0 ? cell.efficiency_unc / cell.efficiency : 0.0;
    const double rel = std::sqrt(sm.tracking_rel_unc * sm.tracking_rel_unc +
                                 sm.pid_electron_rel_unc * sm.pid_electron_rel_unc +
                                 sm.pid_hadron_rel_unc * sm.pid_hadron_rel_unc + displaced * displaced + mc * mc);
    rel_unc.push_back(cell.efficiency > 0 ? rel : std::numeric_limits<double>::quiet_NaN());
    trusted.push_back(cell.efficiency > 0 && cell.n_eff >= sm.min_n_eff ? 1 : 0);
  }
}

// The maps the points and samples will hold, against the memory, before any is made
// (the config limits the grids, config.hpp; the number of points comes from the file).
void check_map_size(const config::Config& cfg, const std::string& path, const SignalModel& model, std::size_t points,
                    const std::map<PointKey, std::vector<const io::SampleInfo*>>& members) {
  std::uint64_t samples = 0;
  for (const auto& [key, m] : members) samples += m.size();
  const std::uint64_t lifetimes = model.ctau_cm.size(), chi2 = model.ctau_chi2_cm.size();
  // Per point: the map of every final state with its uncertainty and flag, the 2-D map
  // (copied once as the point is kept); per sample: its own cells.
  const std::uint64_t per_point = lifetimes * (physics::kFinalStates * sizeof(MapCell) + sizeof(double) + 1) +
                                  2 * lifetimes * chi2 * (sizeof(EfficiencyCell) + 1);
  const std::uint64_t per_sample = lifetimes * (sizeof(MapCell) + sizeof(double) + 1);
  const std::uint64_t bytes = saturating_product(points, per_point) + saturating_product(samples, per_sample);
  if (fits_in_memory(bytes)) return;
  throw_input_error("{}: key '{}': {} signal points ({} samples) of {} over {} cτ(h'){} points need about {} for "
                    "their efficiency maps, more than the {} of memory",
                    cfg.source.string(),
                    chi2 > 0 ? "signal_model.ctau_chi2_points_per_decade" : "signal_model.ctau_points_per_decade",
                    points, samples, path, lifetimes, chi2 > 0 ? fmt::format(" x {} cτ(chi2)", chi2) : "",
                    format_bytes(bytes), format_bytes(memory_limit_bytes()));
}

// The mass-resolution fits, serial each, run side by side on the host's cores a batch at
// a time (a few per thread: each holds its sample's masses until it runs). Each fit
// depends on its sample alone, so the results do not depend on the batching.
class PendingFits {
 public:
  explicit PendingFits(int threads) : launcher_(threads) {}
  void add(std::size_t sample, std::vector<double> masses) { pending_.push_back({sample, std::move(masses)}); }
  void run_if_full(std::vector<SampleModel>& samples) {
    if (pending_.size() >= 4 * static_cast<std::size_t>(launcher_.threads())) run(samples);
  }
  void run(std::vector<SampleModel>& samples) {
    launcher_.parallel_for_dynamic(
        pending_.size(),
        [&](std::uint64_t i) {
          const auto& [sample, masses] = pending_[i];
          const auto range = fit_range(masses);
          samples[sample].fit = fit_crystal_ball(masses, range[0], range[1]);
        },
        1);
    pending_.clear();
  }

 private:
  host::CpuLauncher launcher_;
  std::vector<std::pair<std::size_t, std::vector<double>>> pending_;
};

// The signal points of a file, keyed by their parameters (final state, m(h'), the
// dark-sector point): the order the stage takes them in, and the items its shards split.
struct PointGroups {
  std::map<PointKey, SignalPointModel> points;
  std::map<PointKey, std::vector<const io::SampleInfo*>> members;
};

PointGroups group_points(const io::EventFile& file) {
  PointGroups g;
  for (const auto& s : file.samples()) {
    if (s.kind != "signal") continue;
    const std::string ctx = fmt::format("{}: sample '{}'", file.path(), s.name);
    // Every attribute of the point, before any sample is read (docs/formats/events.md#validation).
    io::check_attributes(file.path(), s, true);
    const int fs = final_state_attribute(s, ctx);
    const double m_hp = s.number("m_hp", ctx);
    io::Attributes attributes;
    for (const char* k : kDarkSectorKeys)
      if (const auto* v = s.attribute(k)) {
        (void)s.number(k, ctx);  // a number, or InputError naming it
        attributes.emplace_back(k, *v);
      }
    const PointKey key = point_key(fs, m_hp, attributes);
    auto& p = g.points[key];
    p.final_state = fs;
    p.m_hp = m_hp;
    p.attributes = attributes;
    g.members[key].push_back(&s);
  }
  if (g.points.empty()) throw_input_error("{}: no signal samples (kind = \"signal\")", file.path());
  // Names over every point, whichever a shard computes: a name's index k counts the
  // points of its final state and mass before it.
  std::map<std::string, int> per_mass;
  for (auto& [key, p] : g.points) {
    const std::string base = fmt::format("signal_{}_m{:.4f}", kFinalStateNames[p.final_state], p.m_hp);
    const int k = per_mass[base]++;
    p.name = k == 0 ? base : fmt::format("{}_{}", base, k);
  }
  return g;
}

}  // namespace

std::uint64_t signal_rows(const io::EventFile& file, Shard shard) {
  const PointGroups g = group_points(file);
  const IndexRange range = shard_range(shard, g.points.size());
  std::uint64_t rows = 0, i = 0;
  for (const auto& [key, samples] : g.members) {
    if (i >= range.begin && i < range.end)
      for (const auto* s : samples) rows += s->rows;
    ++i;
  }
  return rows;
}

SignalModel build_signal_model(Backend& backend, const io::EventFile& file, const config::Config& cfg,
                               Progress* progress, Shard shard) {
  const auto& sm = cfg.signal_model;
  SignalModel model;
  model.ctau_cm = log_grid(sm.ctau_range_cm.lo, sm.ctau_range_cm.hi, sm.ctau_points_per_decade);
  if (sm.ctau_chi2_points_per_decade > 0)
    model.ctau_chi2_cm = log_grid(sm.ctau_chi2_range_cm.lo, sm.ctau_chi2_range_cm.hi, sm.ctau_chi2_points_per_decade);

  // Group the signal samples into points; a shard keeps its range of them (docs/cluster.md).
  PointGroups groups = group_points(file);
  model.all_points = groups.points.size();
  const IndexRange range = shard_range(shard, groups.points.size());
  std::map<PointKey, SignalPointModel> points;
  std::map<PointKey, std::vector<const io::SampleInfo*>> members;
  std::uint64_t index = 0;
  for (auto& [key, p] : groups.points) {
    if (index >= range.begin && index < range.end) {
      points.emplace(key, std::move(p));
      members.emplace(key, std::move(groups.members[key]));
    }
    ++index;
  }
  check_map_size(cfg, file.path(), model, points.size(), members);

  const auto params = selection::params_from_config(cfg);
  PendingFits fits(backend.host_threads());
  std::vector<std::pair<std::size_t, std::size_t>> point_samples;  // each point's samples: first, count
  for (auto& [key, p] : points) {
    const auto& samples = members[key];
    if (samples.size() > static_cast<std::size_t>(LifetimeMixture::kMaxComponents))
      throw_input_error("{}: point {} has {} samples; at most {} generated lifetimes combine", file.path(), p.name,
                        samples.size(), LifetimeMixture::kMaxComponents);
    std::vector<double> ell, mc_weight, hp_dv, ell_chi2;
    std::vector<std::int8_t> fs;
    for (const auto* s : samples) {
      const std::string ctx = fmt::format("{}: sample '{}'", file.path(), s->name);
      p.samples.push_back(s->name);
      const int c = p.generated.components++;
      p.generated.ctau0[c] = s->number("ctau_hp_cm", ctx);
      p.generated.n_generated[c] = s->number("n_generated", ctx);
      const auto sel = selection::select_sample(backend, file, *s, cfg.columns, params, cfg.collider.luminosity_fb,
                                                cfg.input.chunk_rows, progress);
      const auto truth = sel.selected.find("true_hp_ctau")->values<float>();
      const auto states = sel.selected.find("final_state")->values<std::int8_t>();
      const auto masses = sel.selected.find("mass")->values<double>();
      const auto weights = sel.selected.find("mc_weight")->values<float>();
      const auto dv = sel.selected.find("hp_dv")->values<double>();
      const auto truth_chi2 = sel.selected.find("true_chi2_ctau")->values<float>();
      ell_chi2.insert(ell_chi2.end(), truth_chi2.begin(), truth_chi2.end());
      if (!model.ctau_chi2_cm.empty()) p.ctau_chi2_0 = s->number("ctau_chi2_cm", ctx);
      const std::size_t first = ell.size();
      ell.insert(ell.end(), truth.begin(), truth.end());
      fs.insert(fs.end(), states.begin(), states.end());
      mc_weight.insert(mc_weight.end(), weights.begin(), weights.end());
      hp_dv.insert(hp_dv.end(), dv.begin(), dv.end());

      // The resolution: the sample's own final state, fitted later with others.
      std::vector<double> own;
      for (std::size_t i = 0; i < masses.size(); ++i)
        if (states[i] == p.final_state) own.push_back(masses[i]);
      fits.add(model.samples.size(), std::move(own));
      SampleModel r;
      r.sample = s->name;
      r.point = p.name;
      r.ctau0 = p.generated.ctau0[c];
      r.attributes = s->attributes;
      // The sample alone, reweighted from its own cτ0.
      LifetimeMixture alone;
      alone.components = 1;
      alone.ctau0[0] = p.generated.ctau0[c];
      alone.n_generated[0] = p.generated.n_generated[c];
      const std::size_t n_rows = ell.size() - first;
      const SelectedTruth mine{std::span(ell).subspan(first, n_rows), std::span(fs).subspan(first, n_rows),
                               std::span(mc_weight).subspan(first, n_rows), std::span(hp_dv).subspan(first, n_rows),
                               {}};
      r.cells = efficiency_map(mine, alone, model.ctau_cm, backend).cells[p.final_state];
      add_uncertainties(sm, r.cells, r.rel_unc, r.trusted);
      model.samples.push_back(std::move(r));
    }
    point_samples.emplace_back(model.samples.size() - samples.size(), samples.size());
    const SelectedTruth truth{ell, fs, mc_weight, hp_dv, ell_chi2};
    p.map = efficiency_map(truth, p.generated, model.ctau_cm, backend);
    if (!model.ctau_chi2_cm.empty()) {
      p.chi2_map = efficiency_map_chi2(truth, p.final_state, p.generated, p.ctau_chi2_0, model.ctau_cm,
                                       model.ctau_chi2_cm, backend);
      for (const auto& c : p.chi2_map) p.chi2_trusted.push_back(c.efficiency > 0 && c.n_eff >= sm.min_n_eff);
    }

    add_uncertainties(sm, p.map.cells[p.final_state], p.rel_unc, p.trusted);
    model.points.push_back(p);
    fits.run_if_full(model.samples);
  }
  fits.run(model.samples);

  // Each point's σ(m): its samples' fitted widths, weighted by their inverse variances.
  for (std::size_t k = 0; k < model.points.size(); ++k) {
    double inverse_variance = 0, weighted_sigma = 0;
    const auto [first, count] = point_samples[k];
    for (std::size_t i = first; i < first + count; ++i) {
      const CrystalBallFit& fit = model.samples[i].fit;
      if (fit.converged && fit.errors[1] > 0) {
        const double w = 1 / (fit.errors[1] * fit.errors[1]);
        inverse_variance += w;
        weighted_sigma += w * fit.shape.sigma;
      }
    }
    auto& p = model.points[k];
    p.sigma = inverse_variance > 0 ? weighted_sigma / inverse_variance : std::numeric_limits<double>::quiet_NaN();
    p.sigma_unc = inverse_variance > 0 ? 1 / std::sqrt(inverse_variance) : std::numeric_limits<double>::quiet_NaN();
  }
  sort_points(model.points);
  return model;
}

void sort_points(std::vector<SignalPointModel>& points) {
  std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) {
    return point_key(a.final_state, a.m_hp, a.attributes) < point_key(b.final_state, b.m_hp, b.attributes);
  });
}

}  // namespace darkscan::signal_model
