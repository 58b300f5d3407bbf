#include "cli/lee_summary.hpp"

#include <fmt/format.h>

#include <cmath>

namespace darkscan::cli {

using physics::kFinalStateNames;

void print_lee_summary(const lee::LeeResult& r, const scan::ScanTable& rows) {
  const auto& s = r.summary;
  std::string per_final_state;
  // The scanned final states: those with windows, or (a merged result, without its
  // windows) with rows in the scan.
  bool scanned[physics::kFinalStates] = {};
  for (int fs = 0; fs < physics::kFinalStates; ++fs) scanned[fs] = !r.windows[fs].empty();
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows.final_state[i] >= 0 && rows.final_state[i] < physics::kFinalStates) scanned[rows.final_state[i]] = true;
  for (int fs = 0; fs < physics::kFinalStates; ++fs)
    if (scanned[fs])
      per_final_state += fmt::format("{}{} {:.2f}", per_final_state.empty() ? "" : ", ", kFinalStateNames[fs],
                                     r.observed.max_z_fs[fs]);
  fmt::print("observed: largest local Z = {:.3f} (p = {:.3g}){}\n", s.z_local, s.p_local,
             r.observed.max_z > -HUGE_VAL ? ", per final state " + per_final_state : "");
  fmt::print("toys: {} ({} reach it): global p = {:.4g} ± {:.2g}, global Z = {:.3f}, trials factor {:.3g}\n", s.toys,
             s.exceeding, s.p_global, s.p_global_unc, s.z_global, s.trials_factor);
  fmt::print("Gross–Vitells (c0 = {} in Z^2, up-crossings per toy {:.3g}): global p ≈ {:.4g}, Z ≈ {:.3f}\n",
             r.settings.upcrossing_level, s.mean_upcrossings[0] + s.mean_upcrossings[1] + s.mean_upcrossings[2],
             s.p_gross_vitells, s.z_gross_vitells);
  for (const auto& c : r.coverage)
    fmt::print("coverage at {} m = {:.4f} GeV, cτ = {:g} cm, s = {:.1f} x median expected = {:.3g} events "
               "(sideband {:.0f}): {:.4f} ± {:.4f} ({} toys; credibility {})\n",
               kFinalStateNames[rows.final_state[c.row]], rows.mass[c.row], rows.ctau_cm[c.row], c.signal_factor,
               c.true_events, c.true_background, c.coverage, c.coverage_unc, c.toys, r.credibility);
  const auto& e = r.expected.ul_xsec_fb;
  if (const auto best = scan::largest_excess(rows); best >= 0 && rows.limit_status[best] == scan::kLimitOk)
    fmt::print("at the largest excess: observed limit {:.4g} fb, expected {:.4g} fb (68 %: {:.4g}-{:.4g}, 95 %: "
               "{:.4g}-{:.4g}); expected limits of {} rows in {:.2f} s\n",
               rows.ul_xsec_fb[best], e[2][best], e[1][best], e[3][best], e[0][best], e[4][best], rows.size(),
               r.expected_seconds);
}

}  // namespace darkscan::cli
