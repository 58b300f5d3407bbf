#pragma once
// Counting experiments given as six columns of numbers in a backend's memory (host
// memory for the CPU, device memory for CUDA), as the Python package's
// darkscan.stats.evaluate receives device arrays (docs/python.md#device-arrays): each
// column strided, of any stored number type or a single number, broadcast together. The
// per-item steps of their evaluation, the same on both backends: which values the
// engine refuses, the experiments gathered from the columns, the part of an experiment
// its plan depends on, and the results split into the caller's arrays.
#include <cstdint>

#include "darkscan/core/column_view.hpp"
#include "darkscan/core/macros.hpp"
#include "darkscan/stats/counting_experiment.hpp"
#include "darkscan/stats/nuisance_integrals.hpp"

namespace darkscan::stats {

// The fields of an experiment, in the order of the CSV header of `darkscan stats` and of
// evaluate's arguments.
enum ExperimentField : int { kNObsField, kNSbField, kFField, kDeltaField, kEffRelUncField, kLumiRelUncField,
                             kExperimentFields };

// Whether a finite value within the int64 range has no fractional part.
DS_FUNCTION inline bool is_whole(double v) { return static_cast<double>(static_cast<std::int64_t>(v)) == v; }

// Whether the engine takes `value` as field `field`: finite; n_obs and n_sb counts
// (non-negative integers) within kMaxObserved and kMaxSideband; f > 0; delta and the
// relative uncertainties >= 0, and the latter below kGaussianMaxRelUnc under the
// Gaussian prior. host/stats/experiment_values.cpp gives the reason of a refusal in
// words and asks this function first, so the rules are written once.
DS_FUNCTION inline bool value_accepted(int field, double value, NuisancePrior prior) {
  if (!(value - value == 0.0)) return false;  // NaN or infinite (no <cmath> name spelt alike by g++ and nvcc)
  switch (field) {  // a count is compared with its bounds before it is converted
    case kNObsField: return value >= 0 && value <= kMaxObserved && is_whole(value);
    case kNSbField: return value >= 0 && value <= kMaxSideband && is_whole(value);
    case kFField: return value > 0;
    case kDeltaField: return value >= 0;
    default: return value >= 0 && !(prior == NuisancePrior::gaussian && value >= kGaussianMaxRelUnc);
  }
}

// Dimensions a column may have (numpy's arrays have up to 64; experiments come as
// vectors or small grids).
inline constexpr int kMaxColumnDims = 8;

// One column: `data` strided over `extent` (element strides, 0 along a broadcast axis),
// or the number `constant` where `data` is null. Element `flat` counts in C order over
// the extents.
struct StridedColumn {
  const void* data = nullptr;
  DType dtype = DType::f64;
  std::int32_t ndim = 0;
  std::int64_t extent[kMaxColumnDims] = {};
  std::int64_t stride[kMaxColumnDims] = {};
  double constant = 0.0;

  // Element `flat`'s place in `data`, in elements.
  DS_FUNCTION std::int64_t offset(std::uint64_t flat) const {
    std::int64_t at = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const auto extent_d = static_cast<std::uint64_t>(extent[d]);
      at += static_cast<std::int64_t>(flat % extent_d) * stride[d];
      flat /= extent_d;
    }
    return at;
  }

  // The element at `at` widened to double as numpy's astype(float64) widens it: the
  // column view's widening, over the elements up to `at`.
  DS_FUNCTION double at_offset(std::int64_t at) const {
    const auto i = static_cast<std::uint64_t>(at);
    return ColumnView{data, i + 1, dtype}.as_double(i);
  }

  DS_FUNCTION double operator[](std::uint64_t flat) const {
    return data == nullptr ? constant : at_offset(offset(flat));
  }
};

// Predicate over one column's own elements: element i is refused.
struct ValueRefused {
  StridedColumn column;
  int field = kNObsField;
  NuisancePrior prior = NuisancePrior::gaussian;

  DS_FUNCTION bool operator()(std::uint64_t i) const { return !value_accepted(field, column[i], prior); }
};

// The six columns, each viewed over the broadcast shape, and the caller's four result
// arrays of `size` elements, all in the backend's memory.
struct ExperimentColumns {
  StridedColumn columns[kExperimentFields];
  std::uint64_t size = 0;
  double* p0 = nullptr;
  double* z = nullptr;
  double* ul_events = nullptr;
  std::uint32_t* flags = nullptr;
};

// Experiment i from its columns' elements (every element already accepted, so the
// counts convert to int exactly).
struct GatherExperiments {
  ExperimentColumns in;
  CountingExperiment* out = nullptr;

  DS_FUNCTION void operator()(std::uint64_t i) const {
    out[i] = {static_cast<int>(in.columns[kNObsField][i]), static_cast<int>(in.columns[kNSbField][i]),
              in.columns[kFField][i],                      in.columns[kDeltaField][i],
              in.columns[kEffRelUncField][i],              in.columns[kLumiRelUncField][i]};
  }
};

// The part of an experiment its plan depends on (host/stats/stats_plan.cpp: the
// quadrature orders follow n_obs, delta and the relative uncertainties; the rules' lower
// edge delta), as an experiment with the sideband left at a valid default: planning the
// distinct projections of a batch gives the rules and choices of the batch itself.
DS_FUNCTION inline CountingExperiment plan_projection(const CountingExperiment& e) {
  CountingExperiment p;
  p.n_obs = e.n_obs;
  p.delta = e.delta;
  p.eff_rel_unc = e.eff_rel_unc;
  p.lumi_rel_unc = e.lumi_rel_unc;
  return p;
}

// A strict order of projections (every value is finite, so < is total); equal under it
// means equal plans.
struct ProjectionLess {
  DS_FUNCTION bool operator()(const CountingExperiment& a, const CountingExperiment& b) const {
    if (a.n_obs != b.n_obs) return a.n_obs < b.n_obs;
    if (a.delta != b.delta) return a.delta < b.delta;
    if (a.eff_rel_unc != b.eff_rel_unc) return a.eff_rel_unc < b.eff_rel_unc;
    return a.lumi_rel_unc < b.lumi_rel_unc;
  }
};

struct ProjectExperiments {
  const CountingExperiment* experiments = nullptr;
  CountingExperiment* out = nullptr;

  DS_FUNCTION void operator()(std::uint64_t i) const { out[i] = plan_projection(experiments[i]); }
};

// Experiment i's rule choice: that of its projection among the sorted distinct ones.
struct ChooseRules {
  const CountingExperiment* experiments = nullptr;
  const CountingExperiment* distinct = nullptr;  // sorted by ProjectionLess, no two equal
  std::uint64_t distinct_count = 0;
  const RuleChoice* distinct_choices = nullptr;
  RuleChoice* out = nullptr;

  DS_FUNCTION void operator()(std::uint64_t i) const {
    const CountingExperiment p = plan_projection(experiments[i]);
    const ProjectionLess less;
    std::uint64_t lo = 0;
    std::uint64_t hi = distinct_count;
    while (lo < hi) {  // the first distinct projection not below p: p itself
      const std::uint64_t mid = lo + (hi - lo) / 2;
      if (less(distinct[mid], p)) lo = mid + 1;
      else hi = mid;
    }
    out[i] = distinct_choices[lo];
  }
};

// The results into the caller's four arrays.
struct SplitResults {
  const StatsResult* results = nullptr;
  double* p0 = nullptr;
  double* z = nullptr;
  double* ul_events = nullptr;
  std::uint32_t* flags = nullptr;

  DS_FUNCTION void operator()(std::uint64_t i) const {
    const StatsResult r = results[i];
    p0[i] = r.p0;
    z[i] = r.z;
    ul_events[i] = r.ul_events;
    flags[i] = r.flags;
  }
};

}  // namespace darkscan::stats
