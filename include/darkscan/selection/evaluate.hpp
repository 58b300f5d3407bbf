#pragma once
// The unit of work of the selection: one candidate from its columns to a verdict (the
// first step it fails, its final state and the quantities the later stages keep).
// Trivially copyable: the CPU launcher and the CUDA kernel run the same functor.
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/selection/candidate.hpp"
#include "darkscan/selection/cuts.hpp"
#include "darkscan/selection/derived.hpp"

namespace darkscan::selection {

struct CandidateVerdict {
  double mass = 0;      // M(x+x-) under the final state's hypothesis (GeV)
  double pointing = 0;  // h' pointing angle (rad), the best-candidate criterion
  double hp_dv = 0, chi_dv = 0;  // cm
  std::int8_t step = 0;          // first failed step (0 preselection, 1-19 the cuts), kPassed if none,
                                 // kNotFinite if a column holds NaN or inf
  std::int8_t final_state = -1;  // 0 mu+mu-, 1 pi+pi-, 2 K+K-, -1 none
};

inline constexpr std::int8_t kNotFinite = -1;

struct SelectionParams {
  Beams beams;
  SelectionCuts cuts;
};

struct EvaluateCandidates {
  CandidateColumns columns;
  SelectionParams params;
  CandidateVerdict* out = nullptr;

  DS_FUNCTION void operator()(std::uint64_t i) const {
    const Candidate c = load_candidate(columns, i);
    CandidateVerdict v;
    if (!is_finite(c)) {
      v.step = kNotFinite;
      out[i] = v;
      return;
    }
    const Derived d = derive(c, params.beams);
    v.mass = d.m_hp;
    v.pointing = d.pointing;
    v.hp_dv = d.hp_dv;
    v.chi_dv = d.chi_dv;
    v.step = static_cast<std::int8_t>(first_failed_cut(c, d, params.cuts));
    v.final_state = static_cast<std::int8_t>(d.final_state);
    out[i] = v;
  }
};

}  // namespace darkscan::selection
