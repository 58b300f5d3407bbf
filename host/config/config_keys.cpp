#include "config/config_keys.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <sstream>

#include "config/limits.hpp"
#include "darkscan/generator/background_catalogue.hpp"
#include "errors.hpp"

namespace darkscan::config {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string show_number(double v) { return fmt::format("{}", v); }

std::string range_text(double lo, double hi, bool lo_open) {
  if (hi == kInf) return fmt::format("{} {}", lo_open ? ">" : ">=", show_number(lo));
  return fmt::format("{}{}, {}]", lo_open ? "(" : "[", show_number(lo), show_number(hi));
}

double read_number(const toml::node& node, const std::string& where) {
  if (auto v = node.value_exact<double>()) return *v;
  if (auto v = node.value_exact<std::int64_t>()) return static_cast<double>(*v);
  std::ostringstream type;
  type << node.type();
  throw_input_error("{}: expected a number, got a {}", where, type.str());
}

void check_range(double v, double lo, double hi, bool lo_open, const std::string& where) {
  if (!(v == v) || (lo_open ? !(v > lo) : !(v >= lo)) || !(v <= hi))
    throw_input_error("{}: {} is outside the valid range {}", where, show_number(v), range_text(lo, hi, lo_open));
}

template <class Get>
Key real(std::string path, Get get, double lo, double hi, bool lo_open, std::string doc) {
  return {path, "float", range_text(lo, hi, lo_open), std::move(doc),
          [get](Config& c) { return show_number(get(c)); },
          [get, lo, hi, lo_open](Config& c, const toml::node& n, const std::string& where) {
            const double v = read_number(n, where);
            check_range(v, lo, hi, lo_open, where);
            get(c) = v;
          }};
}

// A fraction that may not reach 1 (a credibility level): the range shown says so; the
// parser's cross-key checks (config.cpp) refuse 1 itself.
Key below_one(Key k) {
  k.range = "(0, 1)";
  return k;
}

template <class Get>
Key integer(std::string path, Get get, std::int64_t lo, std::int64_t hi, std::string doc) {
  return {path, "integer", fmt::format("[{}, {}]", lo, hi), std::move(doc),
          [get](Config& c) { return fmt::format("{}", get(c)); },
          [get, lo, hi](Config& c, const toml::node& n, const std::string& where) {
            const auto v = n.value_exact<std::int64_t>();
            if (!v) throw_input_error("{}: expected an integer", where);
            if (*v < lo || *v > hi) throw_input_error("{}: {} is outside the valid range [{}, {}]", where, *v, lo, hi);
            get(c) = static_cast<std::remove_reference_t<decltype(get(c))>>(*v);
          }};
}

template <class Get>
Key text(std::string path, Get get, std::vector<std::string> choices, std::string doc) {
  std::string range;
  for (const auto& ch : choices) range += (range.empty() ? "" : " | ") + ch;
  return {path, "string", choices.empty() ? "any" : range, std::move(doc),
          [get](Config& c) { return fmt::format("\"{}\"", get(c)); },
          [get, choices, range](Config& c, const toml::node& n, const std::string& where) {
            const auto v = n.value_exact<std::string>();
            if (!v) throw_input_error("{}: expected a string", where);
            if (!choices.empty() && std::find(choices.begin(), choices.end(), *v) == choices.end())
              throw_input_error("{}: '{}' is not one of {}", where, *v, range);
            get(c) = *v;
          }};
}

template <class Get>
Key interval(std::string path, Get get, double lo, double hi, std::string doc) {
  return {path, "[lo, hi]", fmt::format("{} <= lo < hi <= {}", show_number(lo), show_number(hi)), std::move(doc),
          [get](Config& c) {
            const Interval& i = get(c);
            return fmt::format("[{}, {}]", show_number(i.lo), show_number(i.hi));
          },
          [get, lo, hi](Config& c, const toml::node& n, const std::string& where) {
            const auto* arr = n.as_array();
            if (arr == nullptr || arr->size() != 2) throw_input_error("{}: expected [lo, hi], two numbers", where);
            const double a = read_number(*arr->get(0), where);
            const double b = read_number(*arr->get(1), where);
            if (!(a < b)) throw_input_error("{}: lower edge {} is not below upper edge {}", where, a, b);
            check_range(a, lo, hi, false, where);
            check_range(b, lo, hi, false, where);
            get(c) = Interval{a, b};
          }};
}

template <class Get>
Key boolean(std::string path, Get get, std::string doc) {
  return {path, "boolean", "true | false", std::move(doc), [get](Config& c) { return get(c) ? "true" : "false"; },
          [get](Config& c, const toml::node& n, const std::string& where) {
            const auto v = n.value_exact<bool>();
            if (!v) throw_input_error("{}: expected true or false", where);
            get(c) = *v;
          }};
}

// "file: key 'a.b'" -> "file: key 'a.b[i]'" for an element of a list.
std::string element_where(const std::string& where, std::size_t i) {
  return where.substr(0, where.size() - 1) + fmt::format("[{}]'", i);
}

template <class Get>
Key real_list(std::string path, Get get, double lo, double hi, bool lo_open, std::string doc,
              bool may_be_empty = false) {
  return {path, "[float, ...]",
          fmt::format("{}each {}", may_be_empty ? "" : "non-empty, ", range_text(lo, hi, lo_open)), std::move(doc),
          [get](Config& c) { return fmt::format("[{}]", fmt::join(get(c), ", ")); },
          [get, lo, hi, lo_open, may_be_empty](Config& c, const toml::node& n, const std::string& where) {
            const auto* arr = n.as_array();
            if (arr == nullptr || (arr->empty() && !may_be_empty))
              throw_input_error("{}: expected a {}list of numbers", where, may_be_empty ? "" : "non-empty ");
            std::vector<double> values;
            for (std::size_t i = 0; i < arr->size(); ++i) {
              const std::string item = element_where(where, i);
              values.push_back(read_number(*arr->get(i), item));
              check_range(values.back(), lo, hi, lo_open, item);
            }
            get(c) = std::move(values);
          }};
}

template <class Get>
Key text_list(std::string path, Get get, std::vector<std::string> choices, std::string doc) {
  std::string range;
  for (const auto& ch : choices) range += (range.empty() ? "" : " | ") + ch;
  return {path, "[string, ...]", "non-empty, each " + range, std::move(doc),
          [get](Config& c) {
            std::vector<std::string> quoted;
            for (const auto& v : get(c)) quoted.push_back(fmt::format("\"{}\"", v));
            return fmt::format("[{}]", fmt::join(quoted, ", "));
          },
          [get, choices, range](Config& c, const toml::node& n, const std::string& where) {
            const auto* arr = n.as_array();
            if (arr == nullptr || arr->empty()) throw_input_error("{}: expected a non-empty list of strings", where);
            std::vector<std::string> values;
            for (std::size_t i = 0; i < arr->size(); ++i) {
              const auto v = arr->get(i)->value_exact<std::string>();
              if (!v) throw_input_error("{}: expected a string", element_where(where, i));
              if (std::find(choices.begin(), choices.end(), *v) == choices.end())
                throw_input_error("{}: '{}' is not one of {}", element_where(where, i), *v, range);
              values.push_back(*v);
            }
            get(c) = std::move(values);
          }};
}

#define DS_FIELD(member) [](Config& c) -> auto& { return c.member; }

std::vector<Key> make_registry() {
  std::vector<Key> keys = {
      // [run]
      text("run.name", DS_FIELD(run.name), {},
           "Name of the scan, for the user's records: kept in the config text every output stores."),
      text("run.output_dir", DS_FIELD(run.output_dir), {},
           "Folder for outputs, relative to the working directory (created when absent)."),
      text("run.backend", DS_FIELD(run.backend), {"auto", "cpu", "cuda"},
           "Compute backend; auto takes CUDA when a device is present. --backend overrides."),
      integer("run.threads", DS_FIELD(run.threads), 0, 4096, "CPU threads; 0 uses every core."),
      integer("run.cuda_device", DS_FIELD(run.cuda_device), 0, 64, "CUDA device ordinal."),
      integer("run.seed", DS_FIELD(run.seed), 0, std::numeric_limits<std::int64_t>::max(),
              "Seed of every pseudo-random stream (Philox, keyed by seed, stream and index)."),
      boolean("run.generate", DS_FIELD(run.generate),
              "darkscan run first generates the built-in toy sample ([generate]) into <output_dir>/events.h5 "
              "and reads it (input.events is then only what the stand-alone commands read)."),
      integer("run.toys", DS_FIELD(run.toys), 1, std::int64_t{1} << 40,
              "darkscan run: background-only toys of the look-elsewhere stage. Each toy's outcome is kept (64 bytes "
              "a toy): the stage refuses more toys than the machine's memory holds."),
      // [input]
      text("input.events", DS_FIELD(input.events), {},
           "HDF5 event file in the event-file layout (docs/formats/events.md), relative to this config's folder."),
      integer("input.chunk_rows", DS_FIELD(input.chunk_rows), 1024, std::int64_t{1} << 32,
              "Rows read per chunk: bounds host and device buffers, so samples larger than memory stream."),
      // [collider]
      real("collider.e_minus_gev", DS_FIELD(collider.e_minus_gev), 0, 100, true, "Electron beam energy along +z (GeV)."),
      real("collider.e_plus_gev", DS_FIELD(collider.e_plus_gev), 0, 100, true, "Positron beam energy along -z (GeV)."),
      real("collider.luminosity_fb", DS_FIELD(collider.luminosity_fb), 0, 1e6, true,
           "Integrated luminosity of the data set (fb^-1)."),
      real("collider.luminosity_rel_unc", DS_FIELD(collider.luminosity_rel_unc), 0, 1, false,
           "Relative luminosity uncertainty."),
      // [selection], docs/physics/selection.md, numbered as there
      real("selection.ecl_energy_trigger_min_gev", DS_FIELD(selection.ecl_energy_trigger_min_gev), 0, 11, false,
           "Cut 1: ECL energy in 22-128 degrees above this (GeV)."),
      integer("selection.track_hits_min", DS_FIELD(selection.track_hits_min), 0, 1000,
              "Cut 2: tracking hits required on each of the four tracks."),
      real("selection.pair_opening_angle_min_rad", DS_FIELD(selection.pair_opening_angle_min_rad), 0, 3.1416, false,
           "Cut 3: opening angle of each track pair above this (rad; photon conversions)."),
      real("selection.hp_pointing_angle_max_deg", DS_FIELD(selection.hp_pointing_angle_max_deg), 0, 180, true,
           "Cut 4: h' pointing angle below this (degrees)."),
      real("selection.displaced_dv_min_cm", DS_FIELD(selection.displaced_dv_min_cm), 0, 1000, false,
           "Cut 5: at least one vertex with transverse displacement dv at least this (cm)."),
      real("selection.vertex_dv_max_cm", DS_FIELD(selection.vertex_dv_max_cm), 0, 1000, true,
           "Cut 6: both vertices with dv below this (cm)."),
      interval("selection.hp_track_theta_ext_deg", DS_FIELD(selection.hp_track_theta_ext_deg), 0, 180,
               "Cut 7: at least one h' track extrapolated to the KLM within this polar range (degrees)."),
      interval("selection.pipi_track_theta_ext_deg", DS_FIELD(selection.pipi_track_theta_ext_deg), 0, 180,
               "Cut 8, pi+pi- only: all four tracks extrapolated within this polar range (degrees)."),
      real("selection.electron_e_over_p_min", DS_FIELD(selection.electron_e_over_p_min), 0, 10, false,
           "Cut 9: E_ECL/p of each chi2 daughter above this."),
      interval("selection.ks_veto_gev", DS_FIELD(selection.ks_veto_gev), 0, 11,
               "Cut 10: pi+pi- candidates with M(pi+pi-) inside are rejected (GeV)."),
      interval("selection.lambda_veto_gev", DS_FIELD(selection.lambda_veto_gev), 0, 11,
               "Cut 11: pi+pi- candidates with M(p pi), proton on either track, inside are rejected (GeV)."),
      interval("selection.phi_veto_gev", DS_FIELD(selection.phi_veto_gev), 0, 11,
               "Cut 12: K+K- candidates with M(K+K-) inside are rejected (GeV)."),
      real("selection.missing_energy_cm_min_gev", DS_FIELD(selection.missing_energy_cm_min_gev), 0, 11, false,
           "Cut 13: c.m. missing energy above this (GeV)."),
      real("selection.missing_klm_angle_min_rad", DS_FIELD(selection.missing_klm_angle_min_rad), 0, 3.1416, false,
           "Cut 14: angle between missing momentum and the nearest KLM cluster at least this (rad)."),
      interval("selection.missing_theta_deg", DS_FIELD(selection.missing_theta_deg), 0, 180,
               "Cut 15: polar angle of the missing momentum within this range (degrees)."),
      real("selection.ee_mass_max_gev", DS_FIELD(selection.ee_mass_max_gev), 0, 11, true,
           "Cut 16: M(e+e-) at the chi2 vertex below this (GeV)."),
      integer("selection.extra_tracks_max", DS_FIELD(selection.extra_tracks_max), 0, 100,
              "Cut 17: at most this many tracks beyond the four."),
      real("selection.ecl_energy_extra_max_gev", DS_FIELD(selection.ecl_energy_extra_max_gev), 0, 11, true,
           "Cut 18: ECL energy not matched to the tracks below this (GeV)."),
      real("selection.hp_opening_angle_max_rad", DS_FIELD(selection.hp_opening_angle_max_rad), 0, 3.1416, true,
           "Cut 19: h' track-pair opening angle below this (rad; cosmic muons)."),
      // [model], docs/physics/model.md: the dark-sector point of the generated signal
      real("model.m_chi1_gev", DS_FIELD(model.m_chi1_gev), 0, 5.29, true, "m(chi1) of generated signal (GeV)."),
      real("model.delta_m_gev", DS_FIELD(model.delta_m_gev), 0, 5.29, true,
           "Delta m = m(chi2) - m(chi1) of generated signal (GeV); M(e+e-) of the chi2 decay lies below it."),
      real("model.m_ap_gev", DS_FIELD(model.m_ap_gev), 0, 100, true,
           "m(A') (GeV); off shell (virtual mass from the production integrand) where A' -> chi1 chi2 or "
           "e+e- -> h'A' is closed."),
      real("model.alpha_d", DS_FIELD(model.alpha_d), 0, 4 * 3.141592653589793, true, "Dark coupling alpha_D."),
      real("model.epsilon", DS_FIELD(model.epsilon), 0, 1, true,
           "Kinetic mixing: sets the signal cross section (docs/physics/dark-sector.md) and, unless ctau_chi2_cm is "
           "given, cτ(chi2)."),
      real("model.ctau_chi2_cm", DS_FIELD(model.ctau_chi2_cm), 0, 1e8, false,
           "cτ(chi2) of generated signal (cm); 0 computes it from the model point (docs/physics/dark-sector.md)."),
      // [generate]: the toy generator
      text_list("generate.signal_final_states", DS_FIELD(generate.signal_final_states), {"mumu", "pipi", "kk"},
                "Final states of the signal grid."),
      real_list("generate.signal_m_hp_gev", DS_FIELD(generate.signal_m_hp_gev), 0, 10, true,
                "m(h') of the signal grid (GeV); points below a final state's threshold are skipped."),
      real_list("generate.signal_ctau_cm", DS_FIELD(generate.signal_ctau_cm), 0, 1e8, true,
                "Generated cτ(h') of the signal grid (cm)."),
      real_list("generate.signal_m_chi1_gev", DS_FIELD(generate.signal_m_chi1_gev), 0, 5.29, true,
                "m(chi1) of the signal grid (GeV), m(A') and delta m scaled with it as in [model]; empty: the "
                "[model] point only.",
                true),
      real_list("generate.signal_m_chi1_at_m_hp_gev", DS_FIELD(generate.signal_m_chi1_at_m_hp_gev), 0, 10, true,
                "m(h') of signal_m_hp_gev at which the m(chi1) grid is generated (the y interpretation needs it "
                "at interpret.y_m_hp_gev only); elsewhere the [model] m(chi1) alone. Empty: the whole grid.",
                true),
      integer("generate.signal_events", DS_FIELD(generate.signal_events), 0, std::int64_t{1} << 40,
              "Events generated per signal sample (0: no signal samples)."),
      boolean("generate.backgrounds", DS_FIELD(generate.backgrounds),
              "Write one MC sample per background process."),
      real("generate.background_mc_scale", DS_FIELD(generate.background_mc_scale), 0, 1000, true,
           "MC events per background process = this x cross section x luminosity."),
      boolean("generate.data", DS_FIELD(generate.data),
              "Write a data sample: a Poisson realisation of the cocktail at the luminosity."),
      real("generate.duplicate_rate", DS_FIELD(generate.duplicate_rate), 0, 1, false,
           "Share of events with a second candidate (the h' pair refitted), for the best-candidate step."),
      text("generate.inject_final_state", DS_FIELD(generate.inject_final_state), {"mumu", "pipi", "kk"},
           "Final state of the signal injected into data."),
      real("generate.inject_m_hp_gev", DS_FIELD(generate.inject_m_hp_gev), 0, 10, true,
           "m(h') of the signal injected into data (GeV)."),
      real("generate.inject_ctau_cm", DS_FIELD(generate.inject_ctau_cm), 0, 1e8, true,
           "cτ(h') of the signal injected into data (cm)."),
      real("generate.inject_sigma_fb", DS_FIELD(generate.inject_sigma_fb), 0, 1e9, false,
           "Cross section of the injected signal, sigma x B(chi2) x B(h' -> x+x-), before selection (fb); 0: none."),
      // [signal_model], docs/physics/signal-model.md
      interval("signal_model.ctau_range_cm", DS_FIELD(signal_model.ctau_range_cm), 1e-6, 1e9,
               "cτ(h') range of the efficiency maps (cm), log-spaced."),
      integer("signal_model.ctau_points_per_decade", DS_FIELD(signal_model.ctau_points_per_decade), 1, 1000,
              fmt::format("Points per decade of the cτ(h') grid; the grid over ctau_range_cm may have at most {} "
                          "points.",
                          kMaxLifetimePoints)),
      real("signal_model.min_n_eff", DS_FIELD(signal_model.min_n_eff), 0, 1e9, false,
           "Efficiency cells with fewer effective MC events (Sum w)^2/Sum w^2 are flagged untrusted."),
      real("signal_model.tracking_rel_unc", DS_FIELD(signal_model.tracking_rel_unc), 0, 1, false,
           "Relative efficiency uncertainty of displaced-track finding."),
      real("signal_model.pid_electron_rel_unc", DS_FIELD(signal_model.pid_electron_rel_unc), 0, 1, false,
           "Relative efficiency uncertainty of identifying the two chi2 electrons."),
      real("signal_model.pid_hadron_rel_unc", DS_FIELD(signal_model.pid_hadron_rel_unc), 0, 1, false,
           "Relative efficiency uncertainty of identifying the h' daughters (mu, pi, K)."),
      real("signal_model.pid_displaced_rel_unc", DS_FIELD(signal_model.pid_displaced_rel_unc), 0, 1, false,
           "Additional PID uncertainty at 100 cm transverse displacement, scaled with the selected h' vertices' "
           "mean dv at each lifetime (lifetime-dependent PID)."),
      interval("signal_model.ctau_chi2_range_cm", DS_FIELD(signal_model.ctau_chi2_range_cm), 1e-6, 1e9,
               "cτ(chi2) range of the efficiency maps over both lifetimes (cm), log-spaced."),
      integer("signal_model.ctau_chi2_points_per_decade", DS_FIELD(signal_model.ctau_chi2_points_per_decade), 0, 1000,
              fmt::format("Points per decade of the cτ(chi2) grid; 0 writes no maps over cτ(chi2). At most {} points "
                          "over ctau_chi2_range_cm, and at most {} cells (cτ(h') points x cτ(chi2) points) in a "
                          "signal point's map.",
                          kMaxLifetimePoints, kMaxChi2MapCells)),
      // [interpret], docs/physics/interpretation.md
      real("interpret.y_m_hp_gev", DS_FIELD(interpret.y_m_hp_gev), 0, 10.58, true,
           "m(h') held fixed for the y limit vs m(chi1) (GeV); the scan's window nearest it gives the counts."),
      real("interpret.y_sin_theta", DS_FIELD(interpret.y_sin_theta), 0, 1, true,
           "sin theta held fixed for the y limit vs m(chi1): sets cτ(h') with the h' widths."),
      interval("interpret.epsilon_range", DS_FIELD(interpret.epsilon_range), 1e-12, 1,
               "Kinetic-mixing range scanned for the y limit (log-spaced); y = eps^2 alpha_D (m(chi1)/m(A'))^4."),
      integer("interpret.epsilon_points_per_decade", DS_FIELD(interpret.epsilon_points_per_decade), 1, 1000,
              "Points per decade of the eps scan."),
      boolean("interpret.benchmark_points", DS_FIELD(interpret.benchmark_points),
              "Also interpret the paper's benchmark model points: m(A')/m(chi1) in {3, 4}, Delta m/m(chi1) in "
              "{0.2, 0.4, 1.0}, alpha_D in {0.1, 0.5} (the [model] point's m(chi1) and epsilon)."),
      // [scan], docs/physics/window-scan.md and docs/physics/statistics.md
      text_list("scan.final_states", DS_FIELD(scan.final_states), {"mumu", "pipi", "kk"},
                "Final states to scan."),
      real("scan.mass_max_gev", DS_FIELD(scan.mass_max_gev), 0, 10.58, true,
           "Top of every final state's mass range (GeV); the bottom is the threshold 2 m_x."),
      real("scan.window_half_width_sigma", DS_FIELD(scan.window_half_width_sigma), kMinWindowSigma, 100, false,
           "Half width of a window in units of the mass resolution: windows m ± this x sigma(m)."),
      real("scan.window_step_sigma", DS_FIELD(scan.window_step_sigma), kMinWindowSigma, 100, false,
           fmt::format("Step between window centres in units of the mass resolution. The scan refuses a step that, "
                       "with the model's sigma(m), makes more than {} windows in a final state, more than {} rows "
                       "(windows x lifetimes) or more memory than the machine has.",
                       kMaxWindows, kMaxScanRows)),
      real("scan.pipi_split_gev", DS_FIELD(scan.pipi_split_gev), 0, 10.58, true,
           "pi+pi-: the range is split here; a window's sideband is the part on its centre's side."),
      real_list("scan.pipi_split_alternatives_gev", DS_FIELD(scan.pipi_split_alternatives_gev), 0, 10.58, true,
                "pi+pi-: moved splits; delta is the largest relative change of the background density "
                "(N_SB + 1) / (SB width) they give (at most 4; empty: delta = 0).",
                true),
      real("scan.sigma_extrapolation_gev", DS_FIELD(scan.sigma_extrapolation_gev), 0, 10, false,
           "How far outside the simulated m(h') window centres may go (GeV): sigma(m) is held at the nearest "
           "simulated mass there and the limit is marked missing; beyond it the model does not cover the scan."),
      below_one(real("scan.credibility", DS_FIELD(scan.credibility), 0, 1, true,
                     "Credibility level of the upper limits (below 1).")),
      text("scan.nuisance_prior", DS_FIELD(scan.nuisance_prior), {"gaussian", "lognormal"},
           "Efficiency and luminosity factors: (1 + y r) with r < 0.2, or (1 + r)^y for any r (docs/physics/statistics.md)."),
      text("scan.signal_prior", DS_FIELD(scan.signal_prior), {"uniform", "jeffreys"},
           "Prior of the signal: uniform (the paper's), or Jeffreys (s + b)^(-1/2)."),
  };
  const auto& processes = generator::background_processes();
  for (std::size_t i = 0; i < processes.size(); ++i) {
    const auto& p = processes[i];
    keys.push_back(real(fmt::format("generate.xsec_{}_fb", p.name),
                        [i](Config& c) -> double& { return c.generate.xsec_fb[i]; }, 0, 1e9, false,
                        fmt::format("Skim cross section of background '{}' (fb): {}.", p.name, p.description)));
  }
  return keys;
}

#undef DS_FIELD

}  // namespace

const std::vector<Key>& registry() {
  static const std::vector<Key> keys = make_registry();
  return keys;
}

const Key* find_key(const std::string& path) {
  for (const auto& k : registry())
    if (k.path == path) return &k;
  return nullptr;
}

GenerateConfig::GenerateConfig() {
  for (const auto& p : generator::background_processes()) xsec_fb.push_back(p.cross_section_fb);
}

std::string canonical_text(const Config& config, const std::vector<std::string>& sections) {
  Config copy = config;
  auto wanted = [&](const std::string& path) {
    for (const auto& s : sections)
      if (path == s || path.starts_with(s + ".")) return true;
    return false;
  };
  std::string text;
  for (const auto& k : registry())
    if (wanted(k.path)) text += k.path + " = " + k.show(copy) + "\n";
  if (wanted("columns"))
    for (const auto& [logical, stored] : config.columns.entries()) text += "columns." + logical + " = " + stored + "\n";
  return text;
}

std::vector<KeyDoc> documentation() {
  Config defaults;
  std::vector<KeyDoc> out;
  for (const auto& k : registry()) out.push_back({k.path, k.type, k.show(defaults), k.range, k.doc});
  out.push_back({"columns.<logical>", "string", "(the logical name)", "a docs/formats/events.md column name",
                 "Stored dataset or compound-field name of a logical column, for ntuples named otherwise."});
  return out;
}

}  // namespace darkscan::config
