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
constexpr Surroundings kMaterialInteraction{.extra_tracks_mean = 0.5, .neutral_energy_mean = 0.4};
constexpr Surroundings kTauPair{.extra_tracks_mean = 0.4, .neutral_energy_mean = 0.6, .klm_along_missing = 0.05,
                                .fake_displacement = 1e-3};

// The sources of each process, named as in the catalogue and in its order (checked below).
struct ProcessSources {
  std::string_view name;
  PairSource hp, chi;
  Surroundings around;
};

constexpr std::array<ProcessSources, kBackgroundProcesses> kProcesses = {{
    {"gamma_conversions", kHardConversion, kHardConversion, kQuiet},
    {"kshort", kKshort, kDalitz, kContinuum},
    {"lambda", kLambda, kDalitz, kContinuum},
    {"material_pipi", material(pion, 0.28), kDalitz, kMaterialInteraction},
    {"material_kk", material(kaon, 0.99), kDalitz, kMaterialInteraction},
    {"cosmic_muons", PairSource{.kind = PairKind::cosmic, .positive = muon, .negative = muon}, kConversion, kQuiet},
    {"eemumu", two_photon(muon, 0.22), kTwoPhotonElectrons, kTwoPhoton},
    {"eepipi", two_photon(pion, 0.28), kTwoPhotonElectrons, kTwoPhoton},
    {"eekk", two_photon(kaon, 0.99), kTwoPhotonElectrons, kTwoPhoton},
    {"tautau",
     PairSource{.kind = PairKind::tau, .positive = pion, .negative = pion, .mass_min = 0.28, .mass_max = 1.7,
                .mass_slope = 0.4},
     kPromptElectrons, kTauPair},
    {"qqbar",
     PairSource{.kind = PairKind::prompt, .positive = pion, .negative = pion, .mass_min = 0.28, .mass_max = 4.0,
                .mass_slope = 0.7, .p_mean = 1.0},
     kDalitz,
     Surroundings{.extra_tracks_mean = 2.5, .neutral_energy_mean = 1.5, .klm_along_missing = 0.3,
                  .fake_displacement = 5e-3}},
}};

constexpr bool names_follow_the_catalogue() {
  for (int i = 0; i < kBackgroundProcesses; ++i)
    if (kProcesses[i].name != kBackgroundCatalogue[i].name) return false;
  return true;
}
static_assert(names_follow_the_catalogue(), "the cocktail's sources must follow the catalogue's processes");

}  // namespace

BackgroundModel background_model(int i, const Collision& collision) {
  const auto& p = kProcesses.at(static_cast<std::size_t>(i));
  return {collision, p.hp, p.chi, p.around};
}

}  // namespace darkscan::generator
