#include "interpret/interpret_file.hpp"

#include <cmath>
#include <string>

#include "interpret/interpretation.hpp"

namespace darkscan::interpret {

namespace {

template <class T>
io::HostColumn column(const char* name, const std::vector<T>& v) {
  return io::HostColumn::from<T>(name, std::span<const T>(v));
}

using io::ColumnDoc;

constexpr ColumnDoc kModelPoint{"model_point", "", "the row of /model_points this row belongs to"};

// /model_points: one row per interpreted point.
constexpr ColumnDoc kModelPointColumns[] = {
    {"model_point", "", "the point's index, as the other tables' model_point give it (names attribute: the points "
                        "in this order)"},
    {"ap_over_m_chi1", "", "m(A') / m(chi1), held as m(chi1) moves"},
    {"delta_m_over_m_chi1", "", "Delta m / m(chi1), Delta m = m(chi2) - m(chi1), held as m(chi1) moves"},
    {"alpha_d", "", "dark-sector coupling alpha_D (docs/physics/dark-sector.md)"},
    {"epsilon", "", "kinetic mixing epsilon at which the sin(theta) exclusion is made"},
    {"q_phi", "", "U(1)_D charge of the dark Higgs (docs/physics/dark-sector.md)"},
    {"m_chi1", "GeV", "m(chi1) at which the sin(theta) exclusion is made"},
    {"ctau_chi2_cm", "cm", "the point's own chi2 lifetime at m_chi1 and epsilon (docs/physics/dark-sector.md)"},
    {"efficiency_ctau_chi2_cm", "cm",
     "the chi2 lifetime the efficiencies are at: the point's own through the signal model's maps over "
     "ctau(chi2), or the generated one where the model has none"},
    {"sin_theta_excluded_masses", "", "grid masses of /sin_theta/masses where some sin(theta) is excluded"},
    {"y_masses", "", "rows of /y_limit/masses of this point (its m(chi1) values); 0 without /y_limit"},
    {"y_excluded_masses", "", "of those, the rows where some epsilon is excluded"},
};

// /combined_limits: the [model] point's, one row per (cτ(h'), grid mass), lifetime-major.
constexpr ColumnDoc kCombinedColumns[] = {
    {"ctau_cm", "cm", "ctau(h') of the row (the scan's lifetimes)"},
    {"mass", "GeV", "m(h'): the /scan_combined grid mass, up to where the h' widths hold"},
    {"limit_fb", "fb",
     "upper limit on sigma_prod x B(chi2 -> chi1 e+e-) from the final states combined; NaN: no channel"},
    {"p0", "", "product of the combined channels' p0"},
    {"z", "sigma", "Phi^-1(1 - p0) of the product; -inf where no channel is combined"},
    {"channels", "", "number of final states combined: a window covering the mass, B(h' -> x+x-) > 0 and a trusted "
                     "efficiency (docs/physics/interpretation.md)"},
    {"stats_flags", "", "statistics engine flags of the combination: bit 0 limit not converged, bit 1 "
                        "ill-conditioned"},
    {"b_mumu", "", "B(h' -> mu+mu-) at the mass, from the h' widths (hp_widths attribute)"},
    {"b_pipi", "", "B(h' -> pi+pi-) at the mass, from the h' widths (hp_widths attribute)"},
    {"b_kk", "", "B(h' -> K+K-) at the mass, from the h' widths (hp_widths attribute)"},
};

// /sin_theta/masses: one row per (point, grid mass).
constexpr ColumnDoc kSinThetaMassColumns[] = {
    kModelPoint,
    {"mass", "GeV", "m(h'): the grid mass of /combined_limits"},
    {"sigma_prod_fb", "fb", "sigma(e+e- -> h' chi1 chi2) of the point at this m(h') and the collider's sqrt(s) "
                            "(sigma_prod attribute: its source; docs/physics/dark-sector.md)"},
    {"b_chi2_to_chi1_ee", "", "B(chi2 -> chi1 e+e-) of the point, independent of theta"},
    {"predicted_fb", "fb", "sigma_prod x B(chi2 -> chi1 e+e-), independent of theta: compared with limit_fb"},
    {"ctau_at_sin_theta_1_cm", "cm", "ctau(h') at sin(theta) = 1 from the h' widths; ctau = this / sin^2(theta)"},
    {"best_limit_fb", "fb", "the smallest limit_fb over the lifetimes at this mass; NaN where none has a limit"},
    {"width_incomplete", "", "1 where the h' total width misses channels (4 pi, ...: above about 1.4 GeV), so ctau "
                             "is too long"},
    {"excluded", "", "1 where some sin(theta) is excluded at this mass (rows in /sin_theta/intervals)"},
};

// /sin_theta/intervals: one row per excluded interval of sinθ.
constexpr ColumnDoc kSinThetaIntervalColumns[] = {
    kModelPoint,
    {"mass", "GeV", "m(h') of the interval"},
    {"sin_theta_lo", "", "lower edge of an excluded sin(theta) interval, sqrt(ctau_at_sin_theta_1 / ctau_at_lo) "
                         "(docs/physics/interpretation.md)"},
    {"sin_theta_hi", "", "upper edge of an excluded sin(theta) interval, sqrt(ctau_at_sin_theta_1 / ctau_at_hi)"},
    {"ctau_at_lo_cm", "cm", "ctau(h') at sin_theta_lo: the long-lifetime edge of the excluded ctau interval"},
    {"ctau_at_hi_cm", "cm", "ctau(h') at sin_theta_hi: the short-lifetime edge of the excluded ctau interval"},
    {"predicted_fb", "fb", "sigma_prod x B(chi2 -> chi1 e+e-) of the point at this mass"},
    {"limit_at_lo_fb", "fb", "the limit at sin_theta_lo: predicted_fb where it is a crossing, the grid "
                             "lifetime's limit where the edge is open"},
    {"limit_at_hi_fb", "fb", "the limit at sin_theta_hi: predicted_fb where it is a crossing, the grid "
                             "lifetime's limit where the edge is open"},
    {"open_lo", "", "1 where sin_theta_lo is the lifetime grid's end or next to a lifetime without a limit: the "
                    "exclusion may go on below"},
    {"open_hi", "", "1 where sin_theta_hi is the lifetime grid's end or next to a lifetime without a limit: the "
                    "exclusion may go on above"},
    {"width_incomplete", "", "1 where the h' total width misses channels at this mass (ctau too long)"},
};

// /y_limit/masses: one row per (point, m(chi1)).
constexpr ColumnDoc kYMassColumns[] = {
    kModelPoint,
    {"m_chi1", "GeV", "m(chi1), a mass of the signal model's maps over ctau(chi2)"},
    {"m_ap", "GeV", "m(A') at this m(chi1), the point's ratio ap_over_m_chi1 kept"},
    {"delta_m", "GeV", "Delta m = m(chi2) - m(chi1) at this m(chi1), the point's ratio kept"},
    {"m_hp_window", "GeV", "centre of the scan window used for m(h') = m_hp_gev (/scan_combined row nearest it)"},
    {"ctau_hp_cm", "cm", "ctau(h') at (m_hp_gev, sin_theta), from the h' widths"},
    {"y_per_epsilon2", "", "y / epsilon^2 = alpha_D (m(chi1) / m(A'))^4 (docs/physics/interpretation.md)"},
    {"b_chi2_to_chi1_ee", "", "B(chi2 -> chi1 e+e-) at this m(chi1), independent of epsilon"},
    {"channels", "", "bit mask of the final states combined at some epsilon (1 mumu, 2 pipi, 4 kk)"},
    {"excluded", "", "1 where some epsilon is excluded at this m(chi1) (rows in /y_limit/intervals)"},
    {"y_excluded_lo", "",
     "the smallest excluded y (the lower edge of the lowest excluded interval); NaN: nothing excluded"},
};

// /y_limit/intervals: one row per excluded interval of ε.
constexpr ColumnDoc kYIntervalColumns[] = {
    kModelPoint,
    {"m_chi1", "GeV", "m(chi1) of the interval"},
    {"epsilon_lo", "", "lower edge of an excluded epsilon interval: the exact crossing of prediction and limit in "
                       "(log epsilon, log sigma), or a grid epsilon where open_lo (docs/physics/interpretation.md)"},
    {"epsilon_hi", "", "upper edge of the excluded epsilon interval: the exact crossing, or a grid epsilon where "
                       "open_hi"},
    {"y_lo", "", "y = epsilon^2 alpha_D (m(chi1) / m(A'))^4 at epsilon_lo"},
    {"y_hi", "", "y = epsilon^2 alpha_D (m(chi1) / m(A'))^4 at epsilon_hi"},
    {"ctau_chi2_at_lo_cm", "cm", "ctau(chi2) at epsilon_lo (proportional to 1 / epsilon^2)"},
    {"ctau_chi2_at_hi_cm", "cm", "ctau(chi2) at epsilon_hi (proportional to 1 / epsilon^2)"},
    {"predicted_at_lo_fb", "fb", "sigma_prod x B(chi2 -> chi1 e+e-) of the point at epsilon_lo"},
    {"predicted_at_hi_fb", "fb", "sigma_prod x B(chi2 -> chi1 e+e-) of the point at epsilon_hi"},
    {"limit_at_lo_fb", "fb", "the limit at epsilon_lo: predicted_at_lo_fb where it is a crossing, the grid "
                             "epsilon's limit where the edge is open"},
    {"limit_at_hi_fb", "fb", "the limit at epsilon_hi: predicted_at_hi_fb where it is a crossing, the grid "
                             "epsilon's limit where the edge is open"},
    {"open_lo", "", "1 where epsilon_lo is the epsilon grid's end or next to an epsilon without a limit (the maps "
                    "end or lose trust): the exclusion may go on below"},
    {"open_hi", "", "1 where epsilon_hi is the epsilon grid's end or next to an epsilon without a limit: the "
                    "exclusion may go on above"},
};

// /y_limit/curve: one row per (point, m(chi1), ε of the grid).
constexpr ColumnDoc kYCurveColumns[] = {
    kModelPoint,
    {"m_chi1", "GeV", "m(chi1) of the row"},
    {"epsilon", "", "kinetic mixing epsilon (the [interpret] epsilon grid)"},
    {"y", "", "y = epsilon^2 alpha_D (m(chi1) / m(A'))^4"},
    {"ctau_chi2_cm", "cm", "ctau(chi2) at this epsilon, the lifetime the efficiencies are interpolated at"},
    {"predicted_fb", "fb", "sigma_prod x B(chi2 -> chi1 e+e-) of the model point at this epsilon"},
    {"limit_fb", "fb",
     "upper limit on sigma_prod x B(chi2 -> chi1 e+e-), final states combined with the efficiency at this "
     "epsilon's ctau(chi2); NaN: no trusted channel"},
    {"channels", "", "number of final states combined at this epsilon"},
};

// Each table's columns are written in the order of its docs, which the merge of shards
// writes them in (interpret_shard_file.hpp).
constexpr TableLayout kTables[] = {
    {"", "model_points", kModelPointColumns},     {"", "combined_limits", kCombinedColumns},
    {"sin_theta", "masses", kSinThetaMassColumns}, {"sin_theta", "intervals", kSinThetaIntervalColumns},
    {"y_limit", "masses", kYMassColumns},         {"y_limit", "intervals", kYIntervalColumns},
    {"y_limit", "curve", kYCurveColumns},
};

}  // namespace

std::span<const TableLayout> interpretation_tables() { return kTables; }

void write_model_points(io::EventFileWriter& writer, const std::vector<PointResult>& points,
                        const std::vector<YLimitMass>& y, const io::Attributes& attributes) {
  std::vector<std::int32_t> index, excluded_masses, y_masses, y_excluded;
  std::vector<double> ap, dm, alpha, eps, m1, ctau_chi2, eff_ctau_chi2, q_phi;
  std::string names;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const auto& p = points[k];
    index.push_back(static_cast<std::int32_t>(k));
    ap.push_back(p.point.ap_ratio);
    dm.push_back(p.point.dm_ratio);
    alpha.push_back(p.point.alpha_d);
    eps.push_back(p.point.epsilon);
    q_phi.push_back(p.point.q_phi);
    m1.push_back(p.point.m_chi1);
    ctau_chi2.push_back(p.ctau_chi2_cm);
    eff_ctau_chi2.push_back(p.efficiency_ctau_chi2_cm);
    std::int32_t n = 0, ny = 0, nye = 0;
    for (const auto& s : p.sin_theta) n += !s.intervals.empty();
    for (const auto& row : y)
      if (row.model_point == k) {
        ++ny;
        nye += !row.intervals.empty();
      }
    excluded_masses.push_back(n);
    y_masses.push_back(ny);
    y_excluded.push_back(nye);
    names += (k ? ", " : "") + p.point.name;
  }
  io::HostBatch b;
  b.rows = points.size();
  b.columns = {column("model_point", index),         column("ap_over_m_chi1", ap),
               column("delta_m_over_m_chi1", dm),    column("alpha_d", alpha),
               column("epsilon", eps),               column("q_phi", q_phi),
               column("m_chi1", m1),                 column("ctau_chi2_cm", ctau_chi2),
               column("efficiency_ctau_chi2_cm", eff_ctau_chi2), column("sin_theta_excluded_masses", excluded_masses),
               column("y_masses", y_masses),         column("y_excluded_masses", y_excluded)};
  io::Attributes a = attributes;
  a.emplace_back("names", names);
  writer.begin_table("", "model_points", a, b);
  writer.describe_columns(kModelPointColumns);
}

void write_combined_limits(io::EventFileWriter& writer, const CombinedLimits& limits,
                           const io::Attributes& attributes) {
  io::HostBatch table;
  table.rows = limits.size();
  table.columns = {column("ctau_cm", limits.ctau_cm), column("mass", limits.mass),
                   column("limit_fb", limits.limit_fb), column("p0", limits.p0),
                   column("z", limits.z), column("channels", limits.channels),
                   column("stats_flags", limits.flags), column("b_mumu", limits.branching[0]),
                   column("b_pipi", limits.branching[1]), column("b_kk", limits.branching[2])};
  writer.begin_table("", "combined_limits", attributes, table);
  writer.describe_columns(kCombinedColumns);
}

void write_sin_theta(io::EventFileWriter& writer, const std::vector<PointResult>& points,
                     const io::Attributes& attributes) {
  std::vector<std::int32_t> point, i_point;
  std::vector<double> m, sp, bc, pred, hat, best;
  std::vector<std::int8_t> incomplete, excluded;
  std::vector<double> i_mass, i_lo, i_hi, i_ctau_lo, i_ctau_hi, i_pred, i_limit_lo, i_limit_hi;
  std::vector<std::int8_t> i_open_lo, i_open_hi, i_incomplete;
  for (std::size_t k = 0; k < points.size(); ++k) {
    for (const auto& s : points[k].sin_theta) {
      point.push_back(static_cast<std::int32_t>(k));
      m.push_back(s.mass);
      sp.push_back(s.sigma_prod_fb);
      bc.push_back(s.b_chi2);
      pred.push_back(s.predicted_fb);
      hat.push_back(s.ctau_hat_cm);
      best.push_back(s.best_limit_fb);
      incomplete.push_back(s.width_incomplete);
      excluded.push_back(!s.intervals.empty());
      for (const auto& iv : s.intervals) {
        i_point.push_back(static_cast<std::int32_t>(k));
        i_mass.push_back(s.mass);
        i_lo.push_back(iv.lo);
        i_hi.push_back(iv.hi);
        // sinθ lo ↔ cτ hi.
        i_ctau_lo.push_back(iv.ctau.ctau_hi_cm);
        i_ctau_hi.push_back(iv.ctau.ctau_lo_cm);
        i_pred.push_back(s.predicted_fb);
        i_limit_lo.push_back(iv.ctau.limit_hi_fb);
        i_limit_hi.push_back(iv.ctau.limit_lo_fb);
        i_open_lo.push_back(iv.ctau.open_hi);
        i_open_hi.push_back(iv.ctau.open_lo);
        i_incomplete.push_back(s.width_incomplete);
      }
    }
  }
  io::HostBatch masses;
  masses.rows = m.size();
  masses.columns = {column("model_point", point),     column("mass", m),
                    column("sigma_prod_fb", sp),       column("b_chi2_to_chi1_ee", bc),
                    column("predicted_fb", pred),      column("ctau_at_sin_theta_1_cm", hat),
                    column("best_limit_fb", best),     column("width_incomplete", incomplete),
                    column("excluded", excluded)};
  writer.begin_table("sin_theta", "masses", attributes, masses);
  writer.describe_columns(kSinThetaMassColumns);
  io::HostBatch intervals;
  intervals.rows = i_mass.size();
  intervals.columns = {column("model_point", i_point),     column("mass", i_mass),
                       column("sin_theta_lo", i_lo),        column("sin_theta_hi", i_hi),
                       column("ctau_at_lo_cm", i_ctau_lo),  column("ctau_at_hi_cm", i_ctau_hi),
                       column("predicted_fb", i_pred),      column("limit_at_lo_fb", i_limit_lo),
                       column("limit_at_hi_fb", i_limit_hi), column("open_lo", i_open_lo),
                       column("open_hi", i_open_hi),        column("width_incomplete", i_incomplete)};
  writer.begin_table("sin_theta", "intervals", attributes, intervals);
  writer.describe_columns(kSinThetaIntervalColumns);
}

void write_y_limit(io::EventFileWriter& writer, const std::vector<YLimitMass>& y, const YLimitSettings& settings,
                   const io::Attributes& attributes) {
  io::Attributes a = attributes;
  a.emplace_back("m_hp_gev", settings.m_hp);
  a.emplace_back("sin_theta", settings.sin_theta);
  a.emplace_back("m_hp_window_gev", y.empty() ? std::nan("") : y.front().m_window);
  a.emplace_back("ctau_hp_cm", y.empty() ? std::nan("") : y.front().ctau_hp_cm);
  a.emplace_back("epsilon_lo", settings.epsilon.front());
  a.emplace_back("epsilon_hi", settings.epsilon.back());
  a.emplace_back("epsilon_points", static_cast<std::int64_t>(settings.epsilon.size()));

  std::vector<std::int32_t> point;
  std::vector<double> m1, ap, dm, window, ctau_hp, ype2, bchi2, y_lo;
  std::vector<std::int8_t> channels, excluded;
  std::vector<std::int32_t> i_point, c_point;
  std::vector<double> i_m1, e_lo, e_hi, yy_lo, yy_hi, c_lo, c_hi, p_lo, p_hi, l_lo, l_hi;
  std::vector<std::int8_t> o_lo, o_hi;
  std::vector<double> c_m1, c_eps, c_y, c_ctau, c_pred, c_limit;
  std::vector<std::int8_t> c_used;
  for (const auto& r : y) {
    const auto k = static_cast<std::int32_t>(r.model_point);
    point.push_back(k);
    m1.push_back(r.m_chi1);
    ap.push_back(r.m_ap);
    dm.push_back(r.delta_m);
    window.push_back(r.m_window);
    ctau_hp.push_back(r.ctau_hp_cm);
    ype2.push_back(r.y_per_epsilon2);
    bchi2.push_back(r.b_chi2);
    channels.push_back(static_cast<std::int8_t>(r.channels));
    excluded.push_back(!r.intervals.empty());
    y_lo.push_back(r.smallest_excluded_y());
    // cτ(chi2) ∝ 1/ε²: at an edge from the grid's first point.
    auto ctau_at = [&](double eps) {
      const double e0 = settings.epsilon.front();
      return r.ctau_chi2_cm.front() * (e0 / eps) * (e0 / eps);
    };
    for (const auto& iv : r.intervals) {
      i_point.push_back(k);
      i_m1.push_back(r.m_chi1);
      e_lo.push_back(iv.x_lo);
      e_hi.push_back(iv.x_hi);
      yy_lo.push_back(r.y(iv.x_lo));
      yy_hi.push_back(r.y(iv.x_hi));
      c_lo.push_back(ctau_at(iv.x_lo));
      c_hi.push_back(ctau_at(iv.x_hi));
      p_lo.push_back(iv.predicted_lo_fb);
      p_hi.push_back(iv.predicted_hi_fb);
      l_lo.push_back(iv.limit_lo_fb);
      l_hi.push_back(iv.limit_hi_fb);
      o_lo.push_back(iv.open_lo);
      o_hi.push_back(iv.open_hi);
    }
    for (std::size_t j = 0; j < settings.epsilon.size(); ++j) {
      c_point.push_back(k);
      c_m1.push_back(r.m_chi1);
      c_eps.push_back(settings.epsilon[j]);
      c_y.push_back(r.y(settings.epsilon[j]));
      c_ctau.push_back(r.ctau_chi2_cm[j]);
      c_pred.push_back(r.predicted_fb[j]);
      c_limit.push_back(r.limit_fb[j]);
      c_used.push_back(r.used[j]);
    }
  }
  io::HostBatch masses;
  masses.rows = m1.size();
  masses.columns = {column("model_point", point),   column("m_chi1", m1),
                    column("m_ap", ap),              column("delta_m", dm),
                    column("m_hp_window", window),   column("ctau_hp_cm", ctau_hp),
                    column("y_per_epsilon2", ype2),  column("b_chi2_to_chi1_ee", bchi2),
                    column("channels", channels),    column("excluded", excluded),
                    column("y_excluded_lo", y_lo)};
  writer.begin_table("y_limit", "masses", a, masses);
  writer.describe_columns(kYMassColumns);
  io::HostBatch intervals;
  intervals.rows = i_m1.size();
  intervals.columns = {column("model_point", i_point),   column("m_chi1", i_m1),
                       column("epsilon_lo", e_lo),        column("epsilon_hi", e_hi),
                       column("y_lo", yy_lo),             column("y_hi", yy_hi),
                       column("ctau_chi2_at_lo_cm", c_lo), column("ctau_chi2_at_hi_cm", c_hi),
                       column("predicted_at_lo_fb", p_lo), column("predicted_at_hi_fb", p_hi),
                       column("limit_at_lo_fb", l_lo),    column("limit_at_hi_fb", l_hi),
                       column("open_lo", o_lo),           column("open_hi", o_hi)};
  writer.begin_table("y_limit", "intervals", a, intervals);
  writer.describe_columns(kYIntervalColumns);
  io::HostBatch curve;
  curve.rows = c_m1.size();
  curve.columns = {column("model_point", c_point), column("m_chi1", c_m1),         column("epsilon", c_eps),
                   column("y", c_y),               column("ctau_chi2_cm", c_ctau), column("predicted_fb", c_pred),
                   column("limit_fb", c_limit),    column("channels", c_used)};
  writer.begin_table("y_limit", "curve", a, curve);
  writer.describe_columns(kYCurveColumns);
}

void write_interpretation(io::EventFileWriter& writer, const Interpretation& r, const io::Provenance& provenance) {
  write_interpretation(writer, r, io::provenance_attributes(provenance));
}

void write_interpretation(io::EventFileWriter& writer, const Interpretation& r, const io::Attributes& root) {
  writer.set_root_attributes(root);
  write_model_points(writer, r.results, r.y, r.attributes);
  write_combined_limits(writer, r.combined, r.attributes);
  write_sin_theta(writer, r.results, r.attributes);
  if (r.y_limit) write_y_limit(writer, r.y, r.y_settings, r.attributes);
}

}  // namespace darkscan::interpret
