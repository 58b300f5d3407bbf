#include "generator/cocktail.hpp"

namespace darkscan::generator {

namespace {

// PDG: K_S 0.497611 GeV, cτ 2.6844 cm; Λ 1.115683 GeV, cτ 7.89 cm.
constexpr PairSource kKshort{.kind = PairKind::long_lived, .positive = pion, .negative = pion,
                             .parent_mass = 0.497611, .parent_ctau_cm = 2.6844, .p_mean = 1.0};
constexpr PairSource kLambda{.kind = PairKind::long_lived, .positive = proton, .negative = pion,
                             .parent_mass = 1.115683, .parent_ctau_cm = 7.89, .charge_conjugate = true,
                             .p_mean = 1.0};
constexpr PairSource kConversion{.kind = PairKind::conversion, .positive = electron, .negative = electron,
                                 .p_mean = 1.5};
constexpr PairSource kHardConversion{.kind = PairKind::conversion, .positive = electron, .negative = electron,
                                     .p_mean = 4.0};
constexpr PairSource kDalitz{.kind = PairKind::dalitz, .positive = electron, .negative = electron, .p_mean = 0.8};
// A prompt e+e- pair of continuum mass: the tagged electrons of a two-photon event, or an
// electron of τ -> e νν paired with one of a conversion.
constexpr PairSource kTwoPhotonElectrons{.kind = PairKind::prompt, .positive = electron, .negative = electron,
                                         .mass_min = 0.05, .mass_max = 8.0, .mass_slope = 1.5, .p_mean = 2.0,
                                         .along_beams = true};
constexpr PairSource kPromptElectrons{.kind = PairKind::prompt, .positive = electron, .negative = electron,
                                      .mass_min = 0.01, .mass_max = 4.0, .mass_slope = 0.6, .p_mean = 1.5};

constexpr PairSource two_photon(Species s, double threshold) {
  return {.kind = PairKind::prompt, .positive = s, .negative = s, .mass_min = threshold, .mass_max = 4.0,
          .mass_slope = 0.5, .p_mean = 1.5, .along_beams = true};
}
constexpr PairSource material(Species s, double threshold) {
  return {.kind = PairKind::material, .positive = s, .negative = s, .mass_min = threshold, .mass_max = 3.5,
          .mass_slope = 0.6, .p_mean = 1.2};
}

// Surroundings: e+e- -> qq̄ leaves more tracks, π0 photons and K_L; QED processes little.
constexpr Surroundings kQuiet{.extra_tracks_mean = 0.03};
constexpr Surroundings kContinuum{.extra_tracks_mean = 2.5, .neutral_energy_mean = 1.5, .klm_along_missing = 0.3};
constexpr Surroundings kTwoPhoton{.extra_tracks_mean = 0.05, .neutral_energy_mean = 0.1,
                                  .fake_displacement = 3e-4};
constexpr Surroundings kTauPair{.extra_tracks_mean = 0.4, .neutral_energy_mean = 0.6, .klm_along_missing = 0.05,
                                .fake_displacement = 1e-3};

const std::array<BackgroundProcess, kBackgroundProcesses> kProcesses = {{
    {"gamma_conversions", "e+e- -> γγ(γ), both photons converting in material", 1500.0, kHardConversion,
     kHardConversion, kQuiet},
    {"kshort", "e+e- -> qq̄ with K_S -> π+π- and a π0 Dalitz pair", 900.0, kKshort, kDalitz, kContinuum},
    {"lambda", "e+e- -> qq̄ with Λ -> pπ- (and charge conjugate) and a π0 Dalitz pair", 300.0, kLambda, kDalitz,
     kContinuum},
    {"material_pipi", "hadronic interaction of a neutral hadron in material: π+π-, and a π0 Dalitz pair", 60.0,
     material(pion, 0.28), kDalitz, Surroundings{.extra_tracks_mean = 0.5, .neutral_energy_mean = 0.4}},
    {"material_kk", "hadronic interaction in material: K+K-, and a π0 Dalitz pair", 8.0, material(kaon, 0.99),
     kDalitz, Surroundings{.extra_tracks_mean = 0.5, .neutral_energy_mean = 0.4}},
    {"cosmic_muons", "cosmic muon through the detector, with a beam-background conversion", 150.0,
     PairSource{.kind = PairKind::cosmic, .positive = muon, .negative = muon}, kConversion, kQuiet},
    {"eemumu", "two-photon e+e- -> e+e- μ+μ-, all four tracks seen", 500.0, two_photon(muon, 0.22),
     kTwoPhotonElectrons, kTwoPhoton},
    {"eepipi", "two-photon e+e- -> e+e- π+π-, all four tracks seen", 300.0, two_photon(pion, 0.28),
     kTwoPhotonElectrons, kTwoPhoton},
    {"eekk", "two-photon e+e- -> e+e- K+K-, all four tracks seen", 60.0, two_photon(kaon, 0.99),
     kTwoPhotonElectrons, kTwoPhoton},
    {"tautau", "e+e- -> τ+τ-: two tracks of one τ, an e+e- pair of the other side", 400.0,
     PairSource{.kind = PairKind::tau, .positive = pion, .negative = pion, .mass_min = 0.28, .mass_max = 1.7,
                .mass_slope = 0.4},
     kPromptElectrons, kTauPair},
    {"qqbar", "e+e- -> qq̄ with a fake displaced vertex of two prompt hadrons", 600.0,
     PairSource{.kind = PairKind::prompt, .positive = pion, .negative = pion, .mass_min = 0.28, .mass_max = 4.0,
                .mass_slope = 0.7, .p_mean = 1.0},
     kDalitz,
     Surroundings{.extra_tracks_mean = 2.5, .neutral_energy_mean = 1.5, .klm_along_missing = 0.3,
                  .fake_displacement = 5e-3}},
}};

}  // namespace

const std::array<BackgroundProcess, kBackgroundProcesses>& background_processes() { return kProcesses; }

BackgroundModel background_model(int i, const Collision& collision) {
  const auto& p = kProcesses.at(static_cast<std::size_t>(i));
  return {collision, p.hp, p.chi, p.around};
}

}  // namespace darkscan::generator
