#pragma once
// The unit of work of lifetime reweighting on a backend: one (lifetime cell, block of
// candidates) pair, Σw, Σw² and Σw·dv per final state over the block's candidates in
// their order. The host then adds the blocks of a cell in block order, so the sums
// have the same bits for any number of threads, and CPU and GPU differ only by the
// last bits of exp and log. Trivially copyable: the OpenMP launcher and a kernel run it.
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/physics/particles.hpp"
#include "darkscan/signal_model/lifetime_reweighting.hpp"

namespace darkscan::signal_model {

struct BlockSums {
  WeightSums fs[physics::kFinalStates];
  double dv[physics::kFinalStates] = {0, 0, 0};  // Σ w · dv(h')
};

struct ReweightBlocks {
  static constexpr std::uint64_t kBlock = 1024;  // candidates a block
  // The selected candidates (pointers into the backend's memory).
  const double* ell = nullptr;        // true h' proper decay length (cm)
  const double* ell_chi2 = nullptr;   // true chi2 proper decay length; used when ctau_chi2 is set
  const std::int8_t* final_state = nullptr;
  const double* mc_weight = nullptr;  // nullptr: 1
  const double* hp_dv = nullptr;      // nullptr: Σw·dv stays 0
  std::uint64_t candidates = 0;
  // The cells: target cτ(h') and, for maps over both lifetimes, cτ(chi2).
  const double* ctau = nullptr;
  const double* ctau_chi2 = nullptr;  // nullptr: the h' lifetime only
  std::uint64_t cells = 0;
  LifetimeMixture generated;          // of the h'
  double ctau_chi2_0 = 0;             // generated cτ(chi2)
  BlockSums* out = nullptr;           // [cell * blocks() + block]

  DS_FUNCTION std::uint64_t blocks() const { return (candidates + kBlock - 1) / kBlock; }
  DS_FUNCTION std::uint64_t items() const { return cells * blocks(); }

  DS_FUNCTION void operator()(std::uint64_t item) const {
    const std::uint64_t nb = blocks();
    const std::uint64_t cell = item / nb, block = item % nb;
    const std::uint64_t end = (block + 1) * kBlock < candidates ? (block + 1) * kBlock : candidates;
    BlockSums s;
    for (std::uint64_t i = block * kBlock; i < end; ++i) {
      const int fs = final_state[i];
      if (fs < 0 || fs >= physics::kFinalStates) continue;
      double w = generated.weight(ell[i], ctau[cell]);
      if (ctau_chi2 != nullptr) w *= lifetime_weight(ell_chi2[i], ctau_chi2_0, ctau_chi2[cell]);
      if (mc_weight != nullptr) w *= mc_weight[i];
      s.fs[fs].add(w);
      if (hp_dv != nullptr) s.dv[fs] += w * hp_dv[i];
    }
    out[item] = s;
  }
};

}  // namespace darkscan::signal_model
