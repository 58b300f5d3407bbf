#pragma once
// The background processes of the toy generator's cocktail by name: what its MC samples
// (bkg_<name>) and the config's cross-section keys (generate.xsec_<name>_fb) are
// called, and their default cross sections. The vertex sources that make each one's
// events are the generator's (host/generator/cocktail.cpp, in this order); the config
// reads only this list, which does not need them.
//
// The cross sections are those of the skim the analysis starts from: events with two
// reconstructable two-track vertices, not the inclusive ones (e+e- -> qq̄ alone is
// about 3.7 nb). They are tuned so that the selection of docs/physics/selection.md keeps a
// handful of events in 365 fb^-1, as the paper found (0 mu+mu-, 8 pi+pi-, 1 K+K-), while
// the sample before selection is millions of candidates, so that every cut does work.
#include <array>
#include <string_view>

namespace darkscan::generator {

struct BackgroundProcess {
  std::string_view name;
  std::string_view description;
  double cross_section_fb;  // default; the config's generate.xsec_<name>_fb overrides
};

inline constexpr int kBackgroundProcesses = 11;

inline constexpr std::array<BackgroundProcess, kBackgroundProcesses> kBackgroundCatalogue = {{
    {"gamma_conversions", "e+e- -> γγ(γ), both photons converting in material", 1500.0},
    {"kshort", "e+e- -> qq̄ with K_S -> π+π- and a π0 Dalitz pair", 900.0},
    {"lambda", "e+e- -> qq̄ with Λ -> pπ- (and charge conjugate) and a π0 Dalitz pair", 300.0},
    {"material_pipi", "hadronic interaction of a neutral hadron in material: π+π-, and a π0 Dalitz pair", 60.0},
    {"material_kk", "hadronic interaction in material: K+K-, and a π0 Dalitz pair", 8.0},
    {"cosmic_muons", "cosmic muon through the detector, with a beam-background conversion", 150.0},
    {"eemumu", "two-photon e+e- -> e+e- μ+μ-, all four tracks seen", 500.0},
    {"eepipi", "two-photon e+e- -> e+e- π+π-, all four tracks seen", 300.0},
    {"eekk", "two-photon e+e- -> e+e- K+K-, all four tracks seen", 60.0},
    {"tautau", "e+e- -> τ+τ-: two tracks of one τ, an e+e- pair of the other side", 400.0},
    {"qqbar", "e+e- -> qq̄ with a fake displaced vertex of two prompt hadrons", 600.0},
}};

constexpr const std::array<BackgroundProcess, kBackgroundProcesses>& background_processes() {
  return kBackgroundCatalogue;
}

}  // namespace darkscan::generator
