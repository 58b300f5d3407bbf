#pragma once
// The unit of work of the generator: event k of a sample, from its random stream to
// zero, one or two candidate rows in fixed slots (2k, 2k + 1), so that rows land in
// event order whatever thread or device made them. Trivially copyable: the same
// functor runs on the CPU launcher and, by value, in a kernel.
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/core/random.hpp"
#include "darkscan/generator/background_process.hpp"
#include "darkscan/generator/candidate.hpp"
#include "darkscan/generator/signal_process.hpp"

namespace darkscan::generator {

template <class Model>
struct GenerateCandidates {
  Model model;                     // SignalProcess or BackgroundModel
  RandomKey key;                   // (seed, sample stream)
  std::uint64_t first_event = 0;   // counter of slot pair 0
  std::int64_t first_number = 0;   // event number written for it
  double duplicate_rate = 0;
  CandidateRow* slots = nullptr;   // 2 per event
  std::uint8_t* valid = nullptr;   // 2 per event

  DS_FUNCTION void operator()(std::uint64_t i) const {
    RandomStream rng(key, first_event + i);
    const TrueEvent ev = generate_true_event(model, rng);
    valid[2 * i] = valid[2 * i + 1] = 0;
    CandidateRow row;
    if (!reconstruct_event(ev, model.collision, rng, row)) return;
    row.event = first_number + static_cast<std::int64_t>(i);
    slots[2 * i] = row;
    valid[2 * i] = 1;
    if (duplicate_rate > 0 && rng.chance(duplicate_rate)) {
      slots[2 * i + 1] = refit_duplicate(row, ev, rng);
      valid[2 * i + 1] = 1;
    }
  }
};

}  // namespace darkscan::generator
