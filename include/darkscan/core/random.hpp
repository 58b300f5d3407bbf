#pragma once
// Counter-based random numbers (Random123's Philox4x32-10, Salmon et al., SC11):
// the numbers for (seed, stream, index) are a pure function of those three, so any
// split of the work over threads, batches, backends or machines draws the same ones.
#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include <cstdint>

#include "darkscan/core/macros.hpp"

namespace darkscan {

struct RandomKey {
  std::uint64_t seed = 0;
  std::uint32_t stream = 0;  // which sequence: a sample, a column, a toy batch, ...
};

// Four independent 32-bit words for counter `index` (and sub-counter `lane`).
DS_FORCEINLINE_FUNCTION r123::Philox4x32::ctr_type random_words(RandomKey key, std::uint64_t index,
                                                               std::uint32_t lane = 0) {
  r123::Philox4x32 philox;
  const r123::Philox4x32::key_type k = {{static_cast<std::uint32_t>(key.seed),
                                         static_cast<std::uint32_t>(key.seed >> 32)}};
  const r123::Philox4x32::ctr_type c = {{static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
                                         key.stream, lane}};
  return philox(c, k);
}

// Uniform double in (0, 1] from two words (never 0, so log() is safe).
DS_FORCEINLINE_FUNCTION double uniform01(std::uint32_t hi, std::uint32_t lo) {
  return r123::u01<double>((static_cast<std::uint64_t>(hi) << 32) | lo);
}

}  // namespace darkscan
