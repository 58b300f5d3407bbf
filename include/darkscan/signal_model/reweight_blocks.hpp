#pragma once
// The unit of work of lifetime reweighting on a backend: one (group of lifetime cells,
// block of candidates) pair, Σw, Σw² and Σw·dv per final state and cell over the block's
// candidates in their order. The host then adds the blocks of a cell in block order, so
// the sums have the same bits for any number of threads and any grouping of the cells,
// and CPU and GPU differ only by the last bits of exp and log. Trivially copyable: the
// OpenMP launcher and a kernel run it.
//
// Why groups of cells: the weight of a candidate at one cell (LifetimeMixture::weight)
// costs K + 1 exponentials for K generated lifetimes, but all of them except one depend
// on the candidate alone. A work item that takes several cells for each candidate
// computes those once (MixtureWeights) and pays one exponential a cell, with the same
// bits as the formula evaluated afresh. The CPU groups cells; a GPU thread keeps one
// cell (per-thread arrays of sums would spill out of registers).
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
  static constexpr int kMaxCellsPerItem = 32;    // the CPU's groups of cells
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
  // Cells a work item takes: 1 or kMaxCellsPerItem (the backend chooses; the sums do
  // not depend on it).
  int cells_per_item = 1;

  DS_FUNCTION std::uint64_t blocks() const { return (candidates + kBlock - 1) / kBlock; }
  // The sums written: one per (cell, block).
  DS_FUNCTION std::uint64_t outputs() const { return cells * blocks(); }
  DS_FUNCTION std::uint64_t groups() const {
    const auto per = static_cast<std::uint64_t>(cells_per_item);
    return (cells + per - 1) / per;
  }
  // The work items to run: one per (group of cells, block).
  DS_FUNCTION std::uint64_t items() const { return groups() * blocks(); }

  DS_FUNCTION void operator()(std::uint64_t item) const {
#ifdef __CUDA_ARCH__
    run<1>(item);
#else
    if (cells_per_item == kMaxCellsPerItem) run<kMaxCellsPerItem>(item);
    else run<1>(item);
#endif
  }

 private:
  template <int G>
  DS_FUNCTION void run(std::uint64_t item) const {
    const std::uint64_t nb = blocks();
    const std::uint64_t group = item / nb, block = item % nb;
    const std::uint64_t first_cell = group * G;
    const int n_cells = cells - first_cell < static_cast<std::uint64_t>(G) ? static_cast<int>(cells - first_cell) : G;
    const std::uint64_t end = (block + 1) * kBlock < candidates ? (block + 1) * kBlock : candidates;
    const double* target = ctau + first_cell;
    const double* target_chi2 = ctau_chi2 != nullptr ? ctau_chi2 + first_cell : nullptr;
    double log_target[G] = {};
    for (int c = 0; c < n_cells; ++c) log_target[c] = log(target[c]);
    BlockSums s[G];
    for (std::uint64_t i = block * kBlock; i < end; ++i) {
      const int fs = final_state[i];
      if (fs < 0 || fs >= physics::kFinalStates) continue;
      const MixtureWeights mixture(generated, ell[i]);
      const double chi2_generated = ctau_chi2 != nullptr ? ell_chi2[i] / ctau_chi2_0 : 0.0;
      // Cells over both lifetimes repeat each cτ(h') for every cτ(chi2): its weight is
      // computed once for the run of equal targets.
      double hp_target = -1, hp_weight = 0;
      for (int c = 0; c < n_cells; ++c) {
        if (target[c] != hp_target) {
          hp_target = target[c];
          hp_weight = mixture.weight(target[c], log_target[c]);
        }
        double w = hp_weight;
        // lifetime_weight(ell_chi2, ctau_chi2_0, ctau_chi2) with ℓ/cτ0 computed once.
        if (target_chi2 != nullptr)
          w *= ctau_chi2_0 / target_chi2[c] * exp(chi2_generated - ell_chi2[i] / target_chi2[c]);
        if (mc_weight != nullptr) w *= mc_weight[i];
        s[c].fs[fs].add(w);
        if (hp_dv != nullptr) s[c].dv[fs] += w * hp_dv[i];
      }
    }
    for (int c = 0; c < n_cells; ++c) out[(first_cell + static_cast<std::uint64_t>(c)) * nb + block] = s[c];
  }
};

}  // namespace darkscan::signal_model
