#pragma once
// The random numbers of one generated event: Philox keyed by (seed, sample stream) and
// counted by (event, draw), so an event's numbers depend on nothing but the seed, the
// sample and the event number: any split over threads, chunks or machines makes the
// same events. Each Philox call gives four 32-bit words, used as two doubles.
#include <cmath>
#include <cstdint>

#include "darkscan/core/macros.hpp"
#include "darkscan/core/random.hpp"

namespace darkscan::generator {

class RandomStream {
 public:
  // `substream` separates independent uses within one event (e.g. the detector
  // response of a duplicate candidate) without shifting the draws of the others.
  DS_FUNCTION RandomStream(RandomKey key, std::uint64_t event, std::uint32_t substream = 0)
      : key_(key), event_(event), lane_(substream << 16) {}

  // Uniform in (0, 1].
  DS_FUNCTION double uniform() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const auto w = random_words(key_, event_, lane_++);
    spare_ = uniform01(w[2], w[3]);
    has_spare_ = true;
    return uniform01(w[0], w[1]);
  }
  DS_FUNCTION double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal (Box–Muller; one of the pair is kept for the next call).
  DS_FUNCTION double normal() {
    if (has_normal_) {
      has_normal_ = false;
      return normal_spare_;
    }
    const double r = sqrt(-2.0 * log(uniform()));
    const double a = 6.283185307179586 * uniform();
    normal_spare_ = r * sin(a);
    has_normal_ = true;
    return r * cos(a);
  }
  DS_FUNCTION double normal(double mean, double sigma) { return mean + sigma * normal(); }
  DS_FUNCTION double exponential(double mean) { return -mean * log(uniform()); }
  // Poisson by inversion of the CDF: for the small means of per-event counts (< ~30).
  DS_FUNCTION int poisson(double mean) {
    double u = uniform();
    double p = exp(-mean);
    int k = 0;
    double cdf = p;
    while (u > cdf && k < 1000) {
      ++k;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
  // true with probability `p`.
  DS_FUNCTION bool chance(double p) { return uniform() <= p; }

 private:
  RandomKey key_;
  std::uint64_t event_;
  std::uint32_t lane_;
  double spare_ = 0;
  double normal_spare_ = 0;
  bool has_spare_ = false;
  bool has_normal_ = false;
};

}  // namespace darkscan::generator
