#include "stats/marginalise_batch.hpp"

#include <bit>
#include <cstring>
#include <unordered_map>

namespace darkscan::stats {

namespace {

// Bitwise identity of an experiment (two NaN-free experiments with equal bits give
// equal results; -0.0 and 0.0 differ in bits but both are refused or give the same).
struct Key {
  std::uint64_t words[5];
  bool operator==(const Key& o) const { return std::memcmp(words, o.words, sizeof(words)) == 0; }
};

Key key_of(const CountingExperiment& e) {
  Key k;
  k.words[0] = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(e.n_obs)) << 32) |
               static_cast<std::uint32_t>(e.n_sb);
  k.words[1] = std::bit_cast<std::uint64_t>(e.f);
  k.words[2] = std::bit_cast<std::uint64_t>(e.delta);
  k.words[3] = std::bit_cast<std::uint64_t>(e.eff_rel_unc);
  k.words[4] = std::bit_cast<std::uint64_t>(e.lumi_rel_unc);
  return k;
}

struct KeyHash {
  std::size_t operator()(const Key& k) const {
    std::uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (std::uint64_t w : k.words) h = (h ^ w) * 0xbf58476d1ce4e5b9ULL ^ (h >> 29);
    return static_cast<std::size_t>(h);
  }
};

// Share of repeats among the first `sample` experiments.
double repeat_share(std::span<const CountingExperiment> experiments, std::size_t sample) {
  const std::size_t n = std::min(sample, experiments.size());
  if (n == 0) return 0.0;
  std::unordered_map<Key, std::size_t, KeyHash> seen;
  seen.reserve(n);
  for (std::size_t i = 0; i < n; ++i) seen.emplace(key_of(experiments[i]), i);
  return 1.0 - static_cast<double>(seen.size()) / static_cast<double>(n);
}

}  // namespace

std::vector<StatsResult> marginalise_batch(Backend& backend, std::span<const CountingExperiment> experiments,
                                           const StatsOptions& options, Dedup dedup, BatchReport* report) {
  bool remove_repeats = dedup == Dedup::always;
  if (dedup == Dedup::automatic && backend.removing_repeats_pays())
    remove_repeats = repeat_share(experiments, 4096) >= 0.03;

  if (!remove_repeats) {
    if (report) *report = {experiments.size(), experiments.size()};
    return backend.marginalise(experiments, plan_statistics(experiments, options), options);
  }

  validate_batch(experiments, options);  // errors name the caller's rows, not the distinct ones
  std::unordered_map<Key, std::uint32_t, KeyHash> index;
  index.reserve(experiments.size());
  std::vector<CountingExperiment> distinct;
  std::vector<std::uint32_t> slot(experiments.size());
  for (std::size_t i = 0; i < experiments.size(); ++i) {
    const auto [it, fresh] = index.try_emplace(key_of(experiments[i]), static_cast<std::uint32_t>(distinct.size()));
    if (fresh) distinct.push_back(experiments[i]);
    slot[i] = it->second;
  }
  const auto plan = plan_statistics(distinct, options);
  const auto computed = backend.marginalise(distinct, plan, options);
  std::vector<StatsResult> results(experiments.size());
  for (std::size_t i = 0; i < experiments.size(); ++i) results[i] = computed[slot[i]];
  if (report) *report = {experiments.size(), distinct.size()};
  return results;
}

}  // namespace darkscan::stats
