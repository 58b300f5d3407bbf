#pragma once
// The scan configuration (TOML). Every key has a type, a default (the paper's value
// where the paper gives one), a valid range and a line of documentation in one
// registry (config_keys.cpp); an unknown key, a wrong type or a value out of range
// is an InputError naming the file and the key. `darkscan config` prints the
// registry, so the documentation cannot drift from the parser.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "darkscan/stats/counting_experiment.hpp"
#include "io/column_mapping.hpp"

namespace darkscan::config {

// An inclusive interval [lo, hi] of a cut or veto (GeV or degrees; see the key).
struct Interval {
  double lo = 0;
  double hi = 0;
};

struct RunConfig {
  std::string name = "darkscan";
  std::string output_dir = "darkscan-output";
  std::string backend = "auto";  // auto | cpu | cuda
  int threads = 0;               // CPU threads; 0 = every core
  int cuda_device = 0;
  std::uint64_t seed = 20250101;
  bool generate = false;          // darkscan run generates the built-in toy sample first
  std::uint64_t toys = 10000;     // darkscan run: look-elsewhere toys
};

struct InputConfig {
  std::string events;                   // HDF5 event file (docs/formats/events.md); relative to the config's folder
  std::uint64_t chunk_rows = 1u << 20;  // rows per read; bounds host and device buffers
};

struct ColliderConfig {
  double e_minus_gev = 7.0;  // HER, along +z
  double e_plus_gev = 4.0;   // LER, along -z
  double luminosity_fb = 365.0;
  double luminosity_rel_unc = 0.0047;
};

// docs/physics/selection.md: the nineteen cuts and three vetoes, defaults from the paper.
struct SelectionConfig {
  double ecl_energy_trigger_min_gev = 1.5;    // 1
  int track_hits_min = 20;                    // 2
  double pair_opening_angle_min_rad = 0.1;    // 3
  double hp_pointing_angle_max_deg = 3.1;     // 4
  double displaced_dv_min_cm = 0.2;           // 5
  double vertex_dv_max_cm = 110.0;            // 6
  Interval hp_track_theta_ext_deg{37, 122};   // 7
  Interval pipi_track_theta_ext_deg{18, 155}; // 8
  double electron_e_over_p_min = 0.6;         // 9
  Interval ks_veto_gev{0.467, 0.529};         // 10
  Interval lambda_veto_gev{1.06, 1.15};       // 11
  Interval phi_veto_gev{0.977, 1.061};        // 12
  double missing_energy_cm_min_gev = 0.4;     // 13
  double missing_klm_angle_min_rad = 0.5;     // 14
  Interval missing_theta_deg{23, 149};        // 15
  double ee_mass_max_gev = 2.5;               // 16
  int extra_tracks_max = 0;                   // 17
  double ecl_energy_extra_max_gev = 1.0;      // 18
  double hp_opening_angle_max_rad = 3.0;      // 19
};

// The dark-sector model point of the generated signal (docs/physics/model.md).
// Defaults: the point of the paper's figure 3 (m(A') = 3 m(chi1), Δm = 0.4 m(chi1)).
struct ModelConfig {
  double m_chi1_gev = 2.5;
  double delta_m_gev = 1.0;
  double m_ap_gev = 7.5;
  double alpha_d = 0.1;
  double epsilon = 1.5e-3;
  double ctau_chi2_cm = 0;  // 0: from the model point (docs/physics/dark-sector.md)
};

// The toy generator: the signal grid, the background cocktail and the data sample.
struct GenerateConfig {
  GenerateConfig();  // takes the cocktail's default cross sections

  std::vector<std::string> signal_final_states{"mumu", "pipi", "kk"};
  std::vector<double> signal_m_hp_gev{0.4, 1.5, 2.5};
  std::vector<double> signal_ctau_cm{1.0, 10.0, 100.0};
  // m(chi1) of the grid, with m(A') and Δm scaled as in the [model] point (the paper's
  // benchmarks fix m(A')/m(chi1) and Δm/m(chi1)); empty: the [model] point only.
  std::vector<double> signal_m_chi1_gev;
  std::vector<double> signal_m_chi1_at_m_hp_gev;  // m(h') where the m(chi1) grid is made; empty: every one
  std::uint64_t signal_events = 20000;  // generated events per signal sample
  bool backgrounds = true;              // one MC sample per background process
  double background_mc_scale = 1.0;     // MC events per process = scale x cross section x luminosity
  bool data = true;                     // a Poisson realisation of the cocktail
  double duplicate_rate = 0.03;         // events with a second (refitted) candidate
  // Optional signal injected into the data sample (closure tests); off when sigma is 0.
  std::string inject_final_state = "pipi";
  double inject_m_hp_gev = 0.6;
  double inject_ctau_cm = 1.0;
  double inject_sigma_fb = 0.0;
  std::vector<double> xsec_fb;  // per process of darkscan/generator/background_catalogue.hpp, in its order
};

// The signal model (docs/physics/signal-model.md): the lifetime grid of the efficiency maps,
// when a cell is trusted, and the efficiency uncertainties added in quadrature.
struct SignalModelConfig {
  Interval ctau_range_cm{0.1, 10000};  // cτ(h') grid ends
  int ctau_points_per_decade = 10;
  double min_n_eff = 20;                // cells with fewer effective MC events are flagged
  double tracking_rel_unc = 0.02;       // displaced-track finding
  double pid_electron_rel_unc = 0.03;   // the two chi2 electrons
  double pid_hadron_rel_unc = 0.01;     // mu, pi, K identification
  double pid_displaced_rel_unc = 0.10;  // extra PID uncertainty at 100 cm displacement, linear in <dv>
  Interval ctau_chi2_range_cm{0.01, 1000};  // cτ(chi2) grid ends of the 2-D maps
  int ctau_chi2_points_per_decade = 0;      // 0: no maps over cτ(chi2)
};

// The window scan and its statistics (docs/physics/window-scan.md and docs/physics/statistics.md).
struct ScanConfig {
  std::vector<std::string> final_states{"mumu", "pipi", "kk"};
  double mass_max_gev = 3.0;              // top of every final state's range; the bottom is 2 m_x
  double window_half_width_sigma = 2.0;   // windows m ± 2σ(m)
  double window_step_sigma = 0.5;         // centres advance by σ(m)/2
  double pipi_split_gev = 1.0;            // pi+pi-: the sideband is the part on the centre's side
  std::vector<double> pipi_split_alternatives_gev{0.9, 1.2};  // moved splits for δ
  double sigma_extrapolation_gev = 0.1;   // window centres this far outside the simulated masses
  double credibility = stats::kDefaultCredibility;
  std::string nuisance_prior = "gaussian";  // gaussian | lognormal
  std::string signal_prior = "uniform";     // uniform | jeffreys
};

// The model-dependent interpretation (docs/physics/interpretation.md, `darkscan interpret`).
struct InterpretConfig {
  // The y limit vs m(chi1) holds m(h') and sinθ fixed (the paper does not give its
  // figure 4's values: choice, documented in docs/commands/interpret.md#the-y-limit): 0.6 GeV, where mu+mu- and pi+pi-
  // are open and clear of the K_S veto, and sinθ = 3e-4, cτ(h') ≈ 6 cm.
  double y_m_hp_gev = 0.6;
  double y_sin_theta = 3e-4;
  Interval epsilon_range{1e-5, 1e-1};  // the ε scan of the y limit
  int epsilon_points_per_decade = 20;
  bool benchmark_points = false;  // also the paper's twelve benchmark model points
};

struct Config {
  RunConfig run;
  InputConfig input;
  io::ColumnMapping columns;
  ColliderConfig collider;
  SelectionConfig selection;
  ModelConfig model;
  GenerateConfig generate;
  SignalModelConfig signal_model;
  ScanConfig scan;
  InterpretConfig interpret;

  std::filesystem::path source;  // the file it was read from ("" for defaults)
  std::string text;              // its text, kept for provenance in outputs
};

// Parses and validates a config file (InputError "file: key: reason" on any problem).
Config load(const std::filesystem::path& path);
// Parses config text; `origin` names it in errors.
Config parse(const std::string& text, const std::string& origin);

// The config's [input] events, relative to the config's folder, for a command whose
// own event-file argument (`argument`, e.g. "--input") was not given; InputError if
// there is none.
std::string events_file(const Config& config, std::string_view command, std::string_view argument);

// "key = value" lines of every key under the given sections (e.g. "scan", "run.seed"),
// in registry order, and the [columns] mapping when "columns" is named: what a stage's
// result depends on, whatever the config file's layout and comments.
std::string canonical_text(const Config& config, const std::vector<std::string>& sections);

// One documented key of the registry.
struct KeyDoc {
  std::string key;        // "selection.track_hits_min"
  std::string type;       // "float", "integer", "string", "boolean", "[lo, hi]", "[float, ...]", "[string, ...]"
  std::string default_value;
  std::string range;
  std::string doc;
};
std::vector<KeyDoc> documentation();

}  // namespace darkscan::config
