#include "signal_model/signal_model_file.hpp"

#include <fmt/format.h>

#include <span>

#include "errors.hpp"
#include "io/h5.hpp"
#include "io/sample_reader.hpp"

namespace darkscan::signal_model {

using physics::kFinalStateNames;

namespace {

// /efficiency_chi2/<point>: every point's map over cτ(h') x cτ(chi2), on one cτ(chi2)
// grid, rows lifetime-major as the efficiency stage writes them.
void read_chi2_maps(const std::string& path, SignalModel& model) {
  const io::EventFile file(path, "efficiency_chi2");
  for (auto& p : model.points) {
    const std::string ctx = fmt::format("{}: /efficiency_chi2/{}", path, p.name);
    const io::SampleInfo& table = file.sample(p.name);
    std::vector<io::ColumnRequest> requests;
    for (const char* name : {"ctau_cm", "ctau_chi2_cm", "efficiency", "efficiency_unc", "n_eff"})
      requests.push_back({name, DType::f64, io::WhenMissing::fail, 0.0});
    requests.push_back({"trusted", DType::i8, io::WhenMissing::fail, 0.0});
    io::SampleReader reader(file, table.name, {}, requests);
    const auto batch = reader.read_all();
    auto column = [&](const char* name) { return batch.find(name)->values<double>(); };
    const auto ctau = column("ctau_cm"), ctau_chi2 = column("ctau_chi2_cm");
    const std::size_t lifetimes = model.ctau_cm.size();
    if (lifetimes == 0 || ctau.size() % lifetimes != 0)
      throw_input_error("{}: {} rows are not a whole number of the {} lifetimes of /points", ctx, ctau.size(),
                        lifetimes);
    const std::size_t n_chi2 = ctau.size() / lifetimes;
    if (model.ctau_chi2_cm.empty())
      for (std::size_t k = 0; k < n_chi2; ++k) model.ctau_chi2_cm.push_back(ctau_chi2[k]);
    if (n_chi2 != model.ctau_chi2_cm.size())
      throw_input_error("{}: column 'ctau_chi2_cm' differs from the other points' grid", ctx);
    for (std::size_t c = 0; c < ctau.size(); ++c)
      if (ctau[c] != model.ctau_cm[c / n_chi2] || ctau_chi2[c] != model.ctau_chi2_cm[c % n_chi2])
        throw_input_error("{}: row {} is not (ctau_cm, ctau_chi2_cm) = ({}, {}) of the grids", ctx, c,
                          model.ctau_cm[c / n_chi2], model.ctau_chi2_cm[c % n_chi2]);
    const auto eff = column("efficiency"), unc = column("efficiency_unc"), n_eff = column("n_eff");
    const auto trusted = batch.find("trusted")->values<std::int8_t>();
    p.chi2_map.resize(ctau.size());
    p.chi2_trusted.resize(ctau.size());
    for (std::size_t c = 0; c < ctau.size(); ++c) {
      p.chi2_map[c] = {eff[c], unc[c], n_eff[c]};
      p.chi2_trusted[c] = trusted[c] != 0;
    }
    p.ctau_chi2_0 = table.number("ctau_chi2_generated_cm", ctx);
  }
}

}  // namespace

SignalModel read_signal_model(const std::string& path) {
  const io::EventFile file(path, "points");
  SignalModel model;
  for (const auto& table : file.samples()) {
    const std::string ctx = fmt::format("{}: /points/{}", path, table.name);
    std::vector<io::ColumnRequest> requests;
    for (const char* name : {"ctau_cm", "efficiency", "efficiency_unc", "n_eff", "eff_rel_unc", "mean_hp_dv",
                             "efficiency_as_mumu", "efficiency_as_pipi", "efficiency_as_kk"})
      requests.push_back({name, DType::f64, io::WhenMissing::fail, 0.0});
    requests.push_back({"trusted", DType::i8, io::WhenMissing::fail, 0.0});
    io::SampleReader reader(file, table.name, {}, requests);
    const auto batch = reader.read_all();
    auto column = [&](const char* name) { return batch.find(name)->values<double>(); };

    SignalPointModel p;
    p.name = table.name;
    p.final_state = final_state_attribute(table, ctx);
    p.m_hp = table.number("m_hp", ctx);
    p.sigma = table.number("sigma_gev", ctx);
    p.sigma_unc = table.number("sigma_unc_gev", ctx);
    for (const char* k : kDarkSectorKeys)
      if (const auto* v = table.attribute(k)) p.attributes.emplace_back(k, *v);

    const auto ctau = column("ctau_cm");
    if (model.ctau_cm.empty()) model.ctau_cm.assign(ctau.begin(), ctau.end());
    else if (!std::equal(ctau.begin(), ctau.end(), model.ctau_cm.begin(), model.ctau_cm.end()))
      throw_input_error("{}: column 'ctau_cm' differs from the other points' lifetime grid", ctx);
    const auto eff = column("efficiency"), unc = column("efficiency_unc"), n_eff = column("n_eff"),
               dv = column("mean_hp_dv"), rel = column("eff_rel_unc");
    const auto trusted = batch.find("trusted")->values<std::int8_t>();
    for (int f = 0; f < physics::kFinalStates; ++f) {
      const auto as = column(fmt::format("efficiency_as_{}", kFinalStateNames[f]).c_str());
      for (std::size_t j = 0; j < ctau.size(); ++j) {
        MapCell c;
        c.efficiency = as[j];
        if (f == p.final_state) {
          c.efficiency = eff[j];
          c.efficiency_unc = unc[j];
          c.n_eff = n_eff[j];
          c.mean_hp_dv = dv[j];
        }
        p.map.cells[f].push_back(c);
      }
    }
    p.map.ctau_cm = model.ctau_cm;
    p.rel_unc.assign(rel.begin(), rel.end());
    p.trusted.assign(trusted.begin(), trusted.end());
    model.points.push_back(std::move(p));
  }
  if (h5::link_exists(file.id(), "/efficiency_chi2")) read_chi2_maps(path, model);
  return model;
}

namespace {

using io::ColumnDoc;

// Columns that several tables share.
constexpr ColumnDoc kEfficiencyUnc{"efficiency_unc", "",
                                   "MC-statistics uncertainty of efficiency, sqrt(sum w^2) / N (absolute)"};
constexpr ColumnDoc kNEff{"n_eff", "events", "effective number of selected MC events, (sum w)^2 / sum w^2"};
constexpr ColumnDoc kEffRelUnc{"eff_rel_unc", "",
                               "relative uncertainty of efficiency, in quadrature: tracking, electron and hadron "
                               "PID, displaced PID x min(1, mean_hp_dv / 100 cm) and MC statistics (the "
                               "luminosity's apart, root attribute); NaN where efficiency is 0 "
                               "(docs/physics/signal-model.md)"};
constexpr ColumnDoc kTrusted{"trusted", "",
                             "1 where efficiency > 0 and n_eff >= [signal_model] min_n_eff, else 0 (an untrusted "
                             "cell gives no limit)"};

// /points/<point>: the point from all its samples, over the cτ(h') grid.
constexpr ColumnDoc kPointColumns[] = {
    {"ctau_cm", "cm", "ctau(h') the efficiencies are reweighted to (the [signal_model] log grid)"},
    {"efficiency", "", "sum w / N: the point's selected events in its own final state over its N generated, "
                       "each weighted w (x mc_weight) from its samples' mixture of generated ctau0 to this ctau(h') "
                       "(docs/physics/signal-model.md)"},
    kEfficiencyUnc,
    kNEff,
    kEffRelUnc,
    kTrusted,
    {"mean_hp_dv", "cm", "weighted mean transverse displacement of the selected h' vertices at this ctau(h') (scales "
                         "the displaced PID uncertainty); 0 where none is selected"},
    {"efficiency_as_mumu", "", "efficiency of the point's events selected as mu+mu- at this ctau(h'): cross-feed, or "
                               "the efficiency column where mu+mu- is the point's final state"},
    {"efficiency_as_pipi", "", "efficiency of the point's events selected as pi+pi- at this ctau(h'): cross-feed, or "
                               "the efficiency column where pi+pi- is the point's final state"},
    {"efficiency_as_kk", "", "efficiency of the point's events selected as K+K- at this ctau(h'): cross-feed, or the "
                             "efficiency column where K+K- is the point's final state"},
};

// /efficiency/<sample>: one sample alone, over the same grid.
constexpr ColumnDoc kSampleColumns[] = {
    {"ctau_cm", "cm", "ctau(h') the efficiency is reweighted to (the [signal_model] log grid)"},
    {"efficiency", "", "sum w / N of this sample alone: its selected events in its final state over its N "
                       "generated, weighted from its own ctau0 (attribute ctau_hp_cm) to this ctau(h'); a check of "
                       "the point's mixture"},
    kEfficiencyUnc,
    kNEff,
    kEffRelUnc,
    kTrusted,
};

// /efficiency_chi2/<point>: one row per (cτ(h'), cτ(chi2)), cτ(chi2) running fastest.
constexpr ColumnDoc kChi2Columns[] = {
    {"ctau_cm", "cm", "ctau(h') of the row (the [signal_model] grid); ctau_chi2_cm runs fastest"},
    {"ctau_chi2_cm", "cm", "ctau(chi2) the chi2 proper decay lengths are reweighted to (the [signal_model] "
                           "ctau_chi2 grid)"},
    {"efficiency", "", "sum w / N of the point's own final state at (ctau(h'), ctau(chi2)): the weight is the h' "
                       "mixture's times the chi2's from ctau_chi2_generated_cm (docs/physics/signal-model.md)"},
    kEfficiencyUnc,
    kNEff,
    {"trusted", "", "1 where efficiency > 0 and n_eff >= [signal_model] min_n_eff, else 0"},
};

// /resolution/<sample>: one row, the double-sided Crystal Ball fit of the sample's
// M(x+x-) in its own final state.
constexpr ColumnDoc kResolutionColumns[] = {
    {"mu", "GeV", "DSCB core mean mu of the sample's M(x+x-) in its own final state (docs/physics/signal-model.md)"},
    {"mu_unc", "GeV", "uncertainty of mu from the inverse Hessian of -ln L; NaN where the parameter is at a bound, "
                      "the Hessian is not positive definite or the fit did not run"},
    {"sigma", "GeV", "DSCB core width sigma: the sample's mass resolution"},
    {"sigma_unc", "GeV", "uncertainty of sigma from the inverse Hessian of -ln L; NaN where the parameter is at a "
                         "bound, the Hessian is not positive definite or the fit did not run"},
    {"alpha_left", "", "DSCB left tail start alpha_L, in units of sigma: power law below (m - mu)/sigma = -alpha_L"},
    {"alpha_left_unc", "", "uncertainty of alpha_left from the inverse Hessian; NaN where the parameter is at a "
                           "bound, the Hessian is not positive definite or the fit did not run"},
    {"n_left", "", "DSCB left tail power n_L"},
    {"n_left_unc", "", "uncertainty of n_left from the inverse Hessian; NaN where the parameter is at a bound, the "
                       "Hessian is not positive definite or the fit did not run"},
    {"alpha_right", "", "DSCB right tail start alpha_R, in units of sigma: power law above (m - mu)/sigma = alpha_R"},
    {"alpha_right_unc", "", "uncertainty of alpha_right from the inverse Hessian; NaN where the parameter is at a "
                            "bound, the Hessian is not positive definite or the fit did not run"},
    {"n_right", "", "DSCB right tail power n_R"},
    {"n_right_unc", "", "uncertainty of n_right from the inverse Hessian; NaN where the parameter is at a bound, the "
                        "Hessian is not positive definite or the fit did not run"},
    {"fit_lo", "GeV", "lower edge of the fit range: the median minus 12 half-widths of the central 68 % of the masses"},
    {"fit_hi", "GeV", "upper edge of the fit range: the median plus 12 half-widths of the central 68 % of the masses"},
    {"events", "events", "selected candidates of the sample's own final state inside the fit range"},
    {"converged", "", "1 when the minimiser succeeded and the Hessian is positive definite; the status attribute "
                      "says why not"},
    {"nlopt_status", "", "NLopt's result code of the BOBYQA minimisation (> 0 success; 0 where it did not run: "
                         "fewer than 20 events, or it failed)"},
};

// /maps/<final state>: one row per (signal point, cτ(h')).
constexpr ColumnDoc kMapColumns[] = {
    {"m_hp", "GeV", "m(h') of the row's signal point; efficiency and sigma_gev are linear in m_hp between the "
                    "points of one m_chi1"},
    {"m_chi1", "GeV", "m(chi1) of the point's samples; NaN where they carry none"},
    {"ctau_cm", "cm", "ctau(h') of the row (the [signal_model] grid, shared by the points)"},
    {"efficiency", "", "the point's efficiency in this final state at this ctau(h') (its /points efficiency)"},
    kEfficiencyUnc,
    kEffRelUnc,
    kNEff,
    kTrusted,
    {"sigma_gev", "GeV", "mass resolution sigma of the point: the inverse-variance mean of its samples' converged "
                         "DSCB sigma (/resolution); NaN where none converged"},
};

// Every table of the file goes through here: begun and described.
void write_table(io::EventFileWriter& writer, const std::string& parent, const std::string& name,
                 const io::Attributes& attributes, const io::HostBatch& batch, std::span<const ColumnDoc> docs) {
  writer.begin_table(parent, name, attributes, batch);
  writer.describe_columns(docs);
}

// The columns over the lifetime axis that /points and /efficiency tables share.
io::HostBatch lifetime_table(const std::vector<double>& ctau, const std::vector<MapCell>& cells,
                             const std::vector<double>& rel_unc, const std::vector<std::uint8_t>& trusted) {
  std::vector<double> eff, unc, n_eff;
  for (const auto& c : cells) {
    eff.push_back(c.efficiency);
    unc.push_back(c.efficiency_unc);
    n_eff.push_back(c.n_eff);
  }
  const std::vector<std::int8_t> flags(trusted.begin(), trusted.end());
  io::HostBatch b;
  b.rows = ctau.size();
  b.columns.push_back(io::HostColumn::from<double>("ctau_cm", ctau));
  b.columns.push_back(io::HostColumn::from<double>("efficiency", eff));
  b.columns.push_back(io::HostColumn::from<double>("efficiency_unc", unc));
  b.columns.push_back(io::HostColumn::from<double>("n_eff", n_eff));
  b.columns.push_back(io::HostColumn::from<double>("eff_rel_unc", rel_unc));
  b.columns.push_back(io::HostColumn::from<std::int8_t>("trusted", flags));
  return b;
}

}  // namespace

io::Attributes signal_model_root_attributes(const io::Provenance& provenance, double luminosity_rel_unc) {
  return io::provenance_attributes(provenance, {{"luminosity_rel_unc", luminosity_rel_unc}});
}

void write_signal_model(io::EventFileWriter& writer, const SignalModel& model, const io::Provenance& provenance,
                        double luminosity_rel_unc) {
  write_signal_model(writer, model, signal_model_root_attributes(provenance, luminosity_rel_unc));
}

void write_signal_model(io::EventFileWriter& writer, const SignalModel& model, const io::Attributes& root) {
  writer.set_root_attributes(root);
  for (const auto& p : model.points) {
    const auto& own = p.map.cells[p.final_state];
    io::HostBatch b = lifetime_table(model.ctau_cm, own, p.rel_unc, p.trusted);
    std::vector<double> dv;
    for (const auto& c : own) dv.push_back(c.mean_hp_dv);
    b.columns.push_back(io::HostColumn::from<double>("mean_hp_dv", dv));
    for (int f = 0; f < physics::kFinalStates; ++f) {
      std::vector<double> as;
      for (const auto& c : p.map.cells[f]) as.push_back(c.efficiency);
      b.columns.push_back(io::HostColumn::from<double>(fmt::format("efficiency_as_{}", kFinalStateNames[f]), as));
    }
    io::Attributes attributes = p.attributes;
    attributes.emplace_back("final_state", std::string(kFinalStateNames[p.final_state]));
    attributes.emplace_back("m_hp", p.m_hp);
    attributes.emplace_back("samples", fmt::format("{}", fmt::join(p.samples, ", ")));
    attributes.emplace_back("n_generated", p.generated.total());
    attributes.emplace_back("sigma_gev", p.sigma);
    attributes.emplace_back("sigma_unc_gev", p.sigma_unc);
    write_table(writer, "points", p.name, attributes, b, kPointColumns);
  }

  // Over both lifetimes, one row per (cτ, cτ(chi2)).
  if (!model.ctau_chi2_cm.empty()) {
    for (const auto& p : model.points) {
      std::vector<double> ctau, ctau_chi2, eff, unc, n_eff;
      std::vector<std::int8_t> trusted;
      for (std::size_t c = 0; c < p.chi2_map.size(); ++c) {
        ctau.push_back(model.ctau_cm[c / model.ctau_chi2_cm.size()]);
        ctau_chi2.push_back(model.ctau_chi2_cm[c % model.ctau_chi2_cm.size()]);
        eff.push_back(p.chi2_map[c].efficiency);
        unc.push_back(p.chi2_map[c].efficiency_unc);
        n_eff.push_back(p.chi2_map[c].n_eff);
        trusted.push_back(static_cast<std::int8_t>(p.chi2_trusted[c]));
      }
      io::HostBatch b;
      b.rows = ctau.size();
      b.columns.push_back(io::HostColumn::from<double>("ctau_cm", ctau));
      b.columns.push_back(io::HostColumn::from<double>("ctau_chi2_cm", ctau_chi2));
      b.columns.push_back(io::HostColumn::from<double>("efficiency", eff));
      b.columns.push_back(io::HostColumn::from<double>("efficiency_unc", unc));
      b.columns.push_back(io::HostColumn::from<double>("n_eff", n_eff));
      b.columns.push_back(io::HostColumn::from<std::int8_t>("trusted", trusted));
      write_table(writer, "efficiency_chi2", p.name, {{"ctau_chi2_generated_cm", p.ctau_chi2_0}}, b, kChi2Columns);
    }
  }

  // Each sample alone over the same lifetimes.
  for (const auto& r : model.samples) {
    const io::HostBatch b = lifetime_table(model.ctau_cm, r.cells, r.rel_unc, r.trusted);
    io::Attributes attributes = r.attributes;
    attributes.emplace_back("point", r.point);
    write_table(writer, "efficiency", r.sample, attributes, b, kSampleColumns);
  }

  for (const auto& r : model.samples) {
    io::HostBatch b;
    b.rows = 1;
    const double values[6] = {r.fit.shape.mu,      r.fit.shape.sigma,       r.fit.shape.alpha_left,
                              r.fit.shape.n_left,  r.fit.shape.alpha_right, r.fit.shape.n_right};
    for (int k = 0; k < CrystalBallFit::kParameters; ++k) {
      const std::string name = CrystalBallFit::kNames[k];
      b.columns.push_back(io::HostColumn::from<double>(name, std::span<const double>(&values[k], 1)));
      b.columns.push_back(
          io::HostColumn::from<double>(name + "_unc", std::span<const double>(&r.fit.errors[static_cast<std::size_t>(k)], 1)));
    }
    const double range[2] = {r.fit.lo, r.fit.hi};
    b.columns.push_back(io::HostColumn::from<double>("fit_lo", std::span<const double>(&range[0], 1)));
    b.columns.push_back(io::HostColumn::from<double>("fit_hi", std::span<const double>(&range[1], 1)));
    const std::int64_t events = static_cast<std::int64_t>(r.fit.events);
    b.columns.push_back(io::HostColumn::from<std::int64_t>("events", std::span<const std::int64_t>(&events, 1)));
    const std::int8_t converged = r.fit.converged ? 1 : 0;
    b.columns.push_back(io::HostColumn::from<std::int8_t>("converged", std::span<const std::int8_t>(&converged, 1)));
    const std::int32_t status = r.fit.nlopt_status;
    b.columns.push_back(io::HostColumn::from<std::int32_t>("nlopt_status", std::span<const std::int32_t>(&status, 1)));
    write_table(writer, "resolution", r.sample,
                {{"point", r.point}, {"ctau_hp_cm", r.ctau0}, {"status", r.fit.status}}, b, kResolutionColumns);
  }

  write_maps(writer, model.points, model.ctau_cm);
}

void write_maps(io::EventFileWriter& writer, const std::vector<SignalPointModel>& points,
                const std::vector<double>& ctau_cm) {
  const std::size_t n = ctau_cm.size();
  // The maps the scan interpolates: one long table per final state, a row per (point, cτ).
  for (int f = 0; f < physics::kFinalStates; ++f) {
    std::vector<double> m, m_chi1, ctau, eff, unc, rel, n_eff, sigma;
    std::vector<std::int8_t> trusted;
    for (const auto& p : points) {
      if (p.final_state != f) continue;
      double chi1 = std::numeric_limits<double>::quiet_NaN();
      for (const auto& [k, v] : p.attributes)
        if (k == "m_chi1" && std::holds_alternative<double>(v)) chi1 = std::get<double>(v);
      for (std::size_t j = 0; j < n; ++j) {
        const auto& c = p.map.cells[f][j];
        m.push_back(p.m_hp);
        m_chi1.push_back(chi1);
        ctau.push_back(ctau_cm[j]);
        eff.push_back(c.efficiency);
        unc.push_back(c.efficiency_unc);
        rel.push_back(p.rel_unc[j]);
        n_eff.push_back(c.n_eff);
        sigma.push_back(p.sigma);
        trusted.push_back(static_cast<std::int8_t>(p.trusted[j]));
      }
    }
    if (m.empty()) continue;
    io::HostBatch b;
    b.rows = m.size();
    b.columns.push_back(io::HostColumn::from<double>("m_hp", m));
    b.columns.push_back(io::HostColumn::from<double>("m_chi1", m_chi1));
    b.columns.push_back(io::HostColumn::from<double>("ctau_cm", ctau));
    b.columns.push_back(io::HostColumn::from<double>("efficiency", eff));
    b.columns.push_back(io::HostColumn::from<double>("efficiency_unc", unc));
    b.columns.push_back(io::HostColumn::from<double>("eff_rel_unc", rel));
    b.columns.push_back(io::HostColumn::from<double>("n_eff", n_eff));
    b.columns.push_back(io::HostColumn::from<std::int8_t>("trusted", trusted));
    b.columns.push_back(io::HostColumn::from<double>("sigma_gev", sigma));
    write_table(writer, "maps", std::string(kFinalStateNames[f]),
                {{"layout", std::string("one row per (signal point, ctau); interpolate linearly in m_hp "
                                        "between the points of one m_chi1, the ctau grid is shared")}},
                b, kMapColumns);
  }
}

}  // namespace darkscan::signal_model
