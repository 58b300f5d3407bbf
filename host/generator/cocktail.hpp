#pragma once
// The background cocktail of the toy generator: the processes that make two-vertex
// candidates at Belle II, each a pair of vertex sources with its surroundings
// (darkscan/generator/background_process.hpp) and a cross section.
//
// The cross sections are those of the skim the analysis starts from: events with two
// reconstructable two-track vertices, not the inclusive ones (e+e- -> qq̄ alone is
// about 3.7 nb). They are tuned so that the selection of ANALYSIS.md section 2 keeps a
// handful of events in 365 fb^-1, as the paper found (0 mu+mu-, 8 pi+pi-, 1 K+K-), while
// the sample before selection is millions of candidates, so that every cut does work.
#include <array>
#include <string_view>

#include "darkscan/generator/background_process.hpp"

namespace darkscan::generator {

struct BackgroundProcess {
  std::string_view name;
  std::string_view description;
  double cross_section_fb;  // default; the config's generate.xsec_<name>_fb overrides
  PairSource hp, chi;
  Surroundings around;
};

inline constexpr int kBackgroundProcesses = 11;
const std::array<BackgroundProcess, kBackgroundProcesses>& background_processes();

// The model of process `i` for the given collision.
BackgroundModel background_model(int i, const Collision& collision);

}  // namespace darkscan::generator
