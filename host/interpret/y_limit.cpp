#include "interpret/y_limit.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "errors.hpp"
#include "interpret/interpret.hpp"
#include "physics/dark_sector_integrals.hpp"

namespace darkscan::interpret {

namespace {

// The /scan_combined row whose window sits nearest m(h'), at the scan lifetime nearest
// cτ(h') in log (the window counts depend on the lifetime only through σ(m)).
std::size_t window_row(const scan::CombinedTable& combined, double m_hp, double ctau_hp) {
  if (combined.size() == 0) throw_input_error("scan: /scan_combined has no rows: no window at m(h') = {} GeV", m_hp);
  double best_ctau = combined.ctau_cm[0];
  for (std::size_t i = 0; i < combined.size(); ++i)
    if (std::abs(std::log(combined.ctau_cm[i] / ctau_hp)) < std::abs(std::log(best_ctau / ctau_hp)))
      best_ctau = combined.ctau_cm[i];
  std::size_t best = combined.size();
  for (std::size_t i = 0; i < combined.size(); ++i)
    if (combined.ctau_cm[i] == best_ctau &&
        (best == combined.size() || std::abs(combined.mass[i] - m_hp) < std::abs(combined.mass[best] - m_hp)))
      best = i;
  return best;
}

}  // namespace

std::vector<YLimitMass> y_limits(Backend& backend, const scan::ScanTable& rows, const scan::CombinedTable& combined,
                                 const signal_model::SignalModel& model, const physics::DarkHiggsWidths& widths,
                                 const std::vector<ModelPoint>& points, const YLimitSettings& settings,
                                 const TheoryTable* chi2_table, IndexRange pairs) {
  const std::vector<double> chi1 = signal_model::chi2_mapped_m_chi1(model);
  if (chi1.empty())
    throw_input_error("signal model: no maps over ctau(chi2) at any m(chi1) (set [signal_model] "
                      "ctau_chi2_points_per_decade > 0 and [generate] signal_m_chi1_gev)");
  if (!(settings.m_hp <= widths.valid_up_to()))
    throw_input_error("interpret.y_m_hp_gev = {} GeV is above where the h' widths hold ({} GeV)", settings.m_hp,
                      widths.valid_up_to());
  const double ctau_hp = widths.ctau_cm(settings.m_hp, settings.sin_theta);
  const std::size_t w = window_row(combined, settings.m_hp, ctau_hp);
  const double m_window = combined.mass[w];
  // Each final state's window row and B(h' → x+x−) at m(h'): the same for every m(chi1), point and ε.
  std::array<std::int64_t, physics::kFinalStates> row{};
  std::array<double, physics::kFinalStates> branching{};
  bool covered = false;
  for (int fs = 0; fs < physics::kFinalStates; ++fs) {
    const std::int64_t r = row[fs] = combined.row[fs][w];
    branching[fs] = widths.branching(kHiggsChannels[fs], settings.m_hp);
    covered = covered || (r >= 0 && rows.window_lo[r] <= settings.m_hp && settings.m_hp <= rows.window_hi[r]);
  }
  if (!covered)
    throw_input_error("interpret.y_m_hp_gev = {} GeV: no window of the scan contains it (the nearest is centred at "
                      "{} GeV)",
                      settings.m_hp, m_window);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t n_eps = settings.epsilon.size();

  std::vector<YLimitMass> out;
  std::vector<stats::CombinedExperiment> batch;
  std::vector<std::pair<std::size_t, std::size_t>> batch_slot;  // (output, ε index)
  // Every shard refuses a table that does not cover the maps, not only the one whose pairs need it.
  for (double m1 : chi1)
    if (chi2_table && !points.empty() && !(m1 >= chi2_table->lowest() && m1 <= chi2_table->highest()))
      throw_input_error("{}: m_chi1 = {} GeV of the signal model's maps is outside the table ({}-{} GeV)",
                        chi2_table->source(), m1, chi2_table->lowest(), chi2_table->highest());
  for (std::size_t a = 0; a < chi1.size(); ++a) {
    const double m1 = chi1[a];
    const std::uint64_t first_pair = a * points.size();
    if (first_pair + points.size() <= pairs.begin || first_pair >= pairs.end) continue;
    std::vector<signal_model::Chi2Interpolation> interp;
    for (int fs = 0; fs < physics::kFinalStates; ++fs) interp.emplace_back(model, fs, m1);
    for (std::size_t ip = 0; ip < points.size(); ++ip) {
      if (first_pair + ip < pairs.begin || first_pair + ip >= pairs.end) continue;
      const ModelPoint& mp = points[ip];
      const physics::DarkSectorPoint ref = mp.at(m1, mp.epsilon);
      const TheoryTable* table = ip == 0 ? chi2_table : nullptr;
      const double sigma_ref = table && table->has("sigma_prod_fb")
                                   ? table->at("sigma_prod_fb", m1)
                                   : physics::production_cross_section_fb(ref, settings.m_hp, settings.sqrt_s);
      if (!(sigma_ref > 0)) continue;  // h' chi1 chi2 above sqrt(s)
      YLimitMass y;
      y.model_point = ip;
      y.m_chi1 = m1;
      y.m_ap = ref.m_ap;
      y.delta_m = ref.delta_m;
      y.m_window = m_window;
      y.ctau_hp_cm = ctau_hp;
      y.y_per_epsilon2 = ref.alpha_d * std::pow(m1 / ref.m_ap, 4);
      const double gamma_ref =
          table ? physics::kHbarCGeVCm / table->at("ctau_chi2_cm", m1) : physics::chi2_width_total(ref);
      y.b_chi2 = table ? table->at("b_chi2_to_chi1_ee", m1) : physics::chi2_width_ee(ref) / gamma_ref;
      for (std::size_t k = 0; k < n_eps; ++k) {
        // Every χ2 width and σ_prod scale as ε² (docs/physics/dark-sector.md).
        const double scale = settings.epsilon[k] * settings.epsilon[k] / (mp.epsilon * mp.epsilon);
        const double ctau_chi2 = physics::kHbarCGeVCm / (gamma_ref * scale);
        y.ctau_chi2_cm.push_back(ctau_chi2);
        y.predicted_fb.push_back(sigma_ref * scale * y.b_chi2);
        y.limit_fb.push_back(nan);
        stats::CombinedExperiment ex;
        for (int fs = 0; fs < physics::kFinalStates; ++fs) {
          if (row[fs] < 0 || !(branching[fs] > 0)) continue;
          const auto e = map_efficiency(interp[fs].at(settings.m_hp, ctau_hp, ctau_chi2), settings.options);
          if (add_channel(ex, rows, row[fs], branching[fs], e, settings.luminosity_fb, settings.luminosity_rel_unc))
            y.channels |= static_cast<std::uint8_t>(1u << fs);
        }
        y.used.push_back(static_cast<std::int8_t>(ex.channels));
        if (ex.channels > 0) {
          batch.push_back(ex);
          batch_slot.emplace_back(out.size(), k);
        }
      }
      out.push_back(std::move(y));
    }
  }
  const auto plan = stats::plan_combination(batch, settings.options);
  const auto results = backend.combine(batch, plan, settings.options);
  for (std::size_t b = 0; b < results.size(); ++b) {
    const auto [i, k] = batch_slot[b];
    if (!(results[b].flags & stats::kLimitNotConverged)) out[i].limit_fb[k] = results[b].limit;
  }
  for (auto& y : out) y.intervals = excluded_where(settings.epsilon, y.predicted_fb, y.limit_fb);
  return out;
}

std::uint64_t y_limit_pairs(const signal_model::SignalModel& model, std::size_t points) {
  return signal_model::chi2_mapped_m_chi1(model).size() * points;
}

}  // namespace darkscan::interpret
