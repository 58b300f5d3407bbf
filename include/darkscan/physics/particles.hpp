#pragma once
// Particle species as docs/formats/events.md codes them (the `_pid` columns) and their PDG masses.
#include <cstdint>
#include <string_view>

#include "darkscan/core/macros.hpp"

namespace darkscan::physics {

// PID codes of docs/formats/events.md.
enum Species : std::int8_t { electron = 0, muon = 1, pion = 2, kaon = 3, proton = 4 };
inline constexpr int kSpecies = 5;

// PDG 2024 masses (GeV).
DS_FUNCTION inline double species_mass(int s) {
  switch (s) {
    case electron: return 0.000510998950;
    case muon: return 0.1056583755;
    case pion: return 0.13957039;
    case kaon: return 0.493677;
    default: return 0.93827208816;
  }
}

// Final states of docs/formats/events.md (the `final_state` of selected candidates): 0 mu+mu-,
// 1 pi+pi-, 2 K+K-; the species of their two tracks.
inline constexpr int kFinalStates = 3;
DS_FUNCTION inline int final_state_species(int final_state) {
  return final_state == 0 ? muon : (final_state == 1 ? pion : kaon);
}

// The names docs/formats/events.md and the configs use: "mumu", "pipi", "kk"; -1 for any other name.
inline constexpr std::string_view kFinalStateNames[kFinalStates] = {"mumu", "pipi", "kk"};
constexpr int final_state_from_name(std::string_view name) {
  for (int k = 0; k < kFinalStates; ++k)
    if (kFinalStateNames[k] == name) return k;
  return -1;
}

}  // namespace darkscan::physics
