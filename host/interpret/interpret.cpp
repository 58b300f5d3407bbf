#include "interpret/interpret.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>

#include "physics/dark_sector_integrals.hpp"

namespace darkscan::interpret {

bool add_channel(stats::CombinedExperiment& ex, const scan::ScanTable& rows, std::int64_t row, double branching,
                 const ChannelEfficiency& efficiency, double luminosity_fb, double luminosity_rel_unc) {
  if (!efficiency.trusted) return false;
  ex.channel[ex.channels] = {static_cast<int>(rows.n_obs[row]), static_cast<int>(rows.n_sb[row]), rows.f[row],
                             rows.delta[row], efficiency.rel_unc, luminosity_rel_unc};
  ex.rate[ex.channels] = branching * efficiency.efficiency * luminosity_fb;
  ++ex.channels;
  return true;
}

ChannelEfficiency map_efficiency(const signal_model::Chi2Cell& cell, const stats::StatsOptions& options) {
  const bool refused = options.nuisance_prior == stats::NuisancePrior::gaussian &&
                       cell.rel_unc >= stats::kGaussianMaxRelUnc;
  return {cell.efficiency, cell.rel_unc, cell.trusted && !refused};
}

std::uint64_t grid_masses(const scan::CombinedTable& combined, const physics::DarkHiggsWidths& widths) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < combined.size() && combined.ctau_cm[i] == combined.ctau_cm[0]; ++i)
    n += combined.mass[i] <= widths.valid_up_to();
  return n;
}

CombinedLimits combined_limits(Backend& backend, const scan::ScanTable& rows, const scan::CombinedTable& combined,
                               const physics::DarkHiggsWidths& widths, double luminosity_fb,
                               double luminosity_rel_unc, const stats::StatsOptions& options,
                               const EfficiencyAt& efficiency, IndexRange masses) {
  CombinedLimits out;
  std::vector<stats::CombinedExperiment> batch;
  std::vector<std::size_t> batch_row;  // the output row of each experiment
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double first_ctau = combined.size() ? combined.ctau_cm[0] : 0;
  double ctau = first_ctau;
  std::uint64_t im = 0;  // the grid mass of row i: its place among its lifetime's masses
  for (std::size_t i = 0; i < combined.size(); ++i) {
    const double m = combined.mass[i];
    if (combined.ctau_cm[i] != ctau) {  // rows are lifetime-major
      ctau = combined.ctau_cm[i];
      im = 0;
    }
    if (!(m <= widths.valid_up_to())) continue;
    const std::uint64_t mass = im++;
    if (mass < masses.begin || mass >= masses.end) continue;
    if (combined.ctau_cm[i] == first_ctau) ++out.masses;
    stats::CombinedExperiment ex;
    for (int fs = 0; fs < physics::kFinalStates; ++fs) {
      const double b = widths.branching(kHiggsChannels[fs], m);
      out.branching[fs].push_back(b);
      const std::int64_t r = combined.row[fs][i];
      if (r < 0 || !(b > 0)) continue;
      const ChannelEfficiency e = efficiency ? efficiency(fs, r)
                                             : ChannelEfficiency{rows.efficiency[r], rows.eff_rel_unc[r],
                                                                 rows.limit_status[r] == scan::kLimitOk};
      add_channel(ex, rows, r, b, e, luminosity_fb, luminosity_rel_unc);
    }
    out.ctau_cm.push_back(combined.ctau_cm[i]);
    out.mass.push_back(m);
    out.channels.push_back(static_cast<std::int8_t>(ex.channels));
    out.limit_fb.push_back(nan);
    out.p0.push_back(1.0);
    out.z.push_back(-HUGE_VAL);
    out.flags.push_back(0);
    if (ex.channels > 0) {
      batch.push_back(ex);
      batch_row.push_back(out.mass.size() - 1);
    }
  }
  const auto plan = stats::plan_combination(batch, options);
  const auto results = backend.combine(batch, plan, options);
  for (std::size_t k = 0; k < results.size(); ++k) {
    const std::size_t i = batch_row[k];
    out.limit_fb[i] = results[k].limit;
    out.p0[i] = results[k].p0;
    out.z[i] = results[k].z;
    out.flags[i] = static_cast<std::int32_t>(results[k].flags);
  }
  return out;
}

EfficiencyAt efficiency_at_ctau_chi2(const signal_model::SignalModel& model, const scan::ScanTable& rows,
                                     double m_chi1, double ctau_chi2_cm, const stats::StatsOptions& options) {
  auto interp = std::make_shared<std::vector<signal_model::Chi2Interpolation>>();
  for (int fs = 0; fs < physics::kFinalStates; ++fs) interp->emplace_back(model, fs, m_chi1);
  return [interp, &rows, ctau_chi2_cm, options](int fs, std::int64_t r) {
    return map_efficiency((*interp)[static_cast<std::size_t>(fs)].at(rows.mass[r], rows.ctau_cm[r], ctau_chi2_cm),
                          options);
  };
}

std::vector<SinThetaMass> sin_theta_exclusion(const CombinedLimits& limits, const physics::DarkHiggsWidths& widths,
                                              const physics::DarkSectorPoint& point, double sqrt_s,
                                              const ProductionTable* table) {
  std::vector<SinThetaMass> out;
  const std::size_t nm = limits.masses;
  if (nm == 0) return out;
  const std::size_t lifetimes = limits.size() / nm;
  const double b_chi2 = physics::chi2_width_ee(point) / physics::chi2_width_total(point);
  auto one_mass = [&](std::size_t im, SinThetaMass& s) {
    std::vector<double> ctau(lifetimes), limit(lifetimes);
    s.mass = limits.mass[im];
    s.sigma_prod_fb = table ? table->sigma_prod_fb(s.mass) : physics::production_cross_section_fb(point, s.mass, sqrt_s);
    s.b_chi2 = table && !std::isnan(table->b_chi2(s.mass)) ? table->b_chi2(s.mass) : b_chi2;
    s.predicted_fb = s.sigma_prod_fb * s.b_chi2;
    s.ctau_hat_cm = widths.ctau_cm(s.mass, 1.0);
    s.width_incomplete = widths.total_incomplete(s.mass);
    s.best_limit_fb = HUGE_VAL;
    for (std::size_t j = 0; j < lifetimes; ++j) {
      ctau[j] = limits.ctau_cm[j * nm + im];
      limit[j] = limits.limit_fb[j * nm + im];
      if (limit[j] < s.best_limit_fb) s.best_limit_fb = limit[j];  // NaN (no limit) compares false
    }
    if (!std::isfinite(s.best_limit_fb)) s.best_limit_fb = std::numeric_limits<double>::quiet_NaN();
    if (s.predicted_fb > 0 && std::isfinite(s.ctau_hat_cm))
      s.intervals = to_sin_theta(excluded_ctau(ctau, limit, s.predicted_fb), s.ctau_hat_cm);
  };
  // Masses are independent, and σ_prod's off-shell integral costs ~0.1 ms a mass.
  out.resize(nm);
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 16)
  for (std::int64_t im = 0; im < static_cast<std::int64_t>(nm); ++im) {
    try {
      one_mass(static_cast<std::size_t>(im), out[static_cast<std::size_t>(im)]);
    } catch (...) {
#pragma omp critical(darkscan_sin_theta_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace darkscan::interpret
