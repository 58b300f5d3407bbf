#pragma once
// Counting experiments laid out as columns in a backend's memory as the Python package
// hands over device arrays (docs/python.md#device-arrays), in every way a column may
// come: integer and float32 columns, a Fortran-ordered one, one broadcast along an axis,
// a strided one, a number; and the experiments they hold, built element by element on
// the host, for marginalise_batch to compute independently.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "backend/backend.hpp"
#include "stats/column_batch.hpp"
#include "stats/marginalise_batch.hpp"

namespace darkscan::testing {

struct ResidentColumns {
  std::vector<std::shared_ptr<void>> memory;  // the columns' and the results' memory in the backend
  stats::ExperimentColumns batch;
  std::array<stats::StridedColumn, stats::kExperimentFields> own;  // each column over its own shape
  std::vector<stats::CountingExperiment> expected;                 // experiment i, in C order over (rows, cols)
};

template <class T>
const T* put(Backend& backend, ResidentColumns& r, const std::vector<T>& values) {
  r.memory.push_back(backend.allocate(values.size() * sizeof(T)));
  backend.upload(r.memory.back().get(), values.data(), values.size() * sizeof(T));
  return static_cast<const T*>(r.memory.back().get());
}

inline stats::StridedColumn column(const void* data, DType dtype, std::vector<std::int64_t> extent,
                                   std::vector<std::int64_t> stride) {
  stats::StridedColumn c;
  c.data = data;
  c.dtype = dtype;
  c.ndim = static_cast<std::int32_t>(extent.size());
  for (std::size_t d = 0; d < extent.size(); ++d) {
    c.extent[d] = extent[d];
    c.stride[d] = stride[d];
  }
  return c;
}

// A (rows, cols) batch: n_obs int32 (rows, cols) in Fortran order; n_sb int64 (rows, 1);
// f float64 (cols,) every other element; delta float32 (rows, cols); eff_rel_unc float64
// (rows, cols); lumi_rel_unc the number 0.0047. Counts up to max_n_obs; half the deltas
// and a fifth of the uncertainties 0, so that plan projections repeat.
inline ResidentColumns resident_columns(Backend& backend, std::int64_t rows, std::int64_t cols, int max_n_obs,
                                        double max_rel_unc, unsigned seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  auto integer = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const std::int64_t n = rows * cols;
  std::vector<std::int32_t> n_obs(n);  // Fortran order: element (r, c) at r + c * rows
  for (auto& v : n_obs) v = static_cast<std::int32_t>(integer(0, max_n_obs));
  std::vector<std::int64_t> n_sb(rows);
  for (auto& v : n_sb) v = integer(0, 3) == 0 ? integer(0, 9) : integer(0, 2'000'000);
  std::vector<double> f(2 * cols, -1.0);  // the odd elements are not the column's: refused values
  for (std::int64_t c = 0; c < cols; ++c) f[2 * c] = std::pow(10.0, uniform(-0.3, 3.0));
  std::vector<float> delta(n);
  for (auto& v : delta) v = integer(0, 1) == 0 ? 0.0f : static_cast<float>(uniform(0.0, 0.5));
  std::vector<double> eff(n);
  for (auto& v : eff) v = integer(0, 4) == 0 ? 0.0 : uniform(0.0, max_rel_unc);

  ResidentColumns r;
  r.own[stats::kNObsField] = column(put(backend, r, n_obs), DType::i32, {rows, cols}, {1, rows});
  r.own[stats::kNSbField] = column(put(backend, r, n_sb), DType::i64, {rows, 1}, {1, 1});
  r.own[stats::kFField] = column(put(backend, r, f), DType::f64, {cols}, {2});
  r.own[stats::kDeltaField] = column(put(backend, r, delta), DType::f32, {rows, cols}, {cols, 1});
  r.own[stats::kEffRelUncField] = column(put(backend, r, eff), DType::f64, {rows, cols}, {cols, 1});
  r.own[stats::kLumiRelUncField].constant = 0.0047;
  // The same over the broadcast shape (rows, cols): stride 0 along a stretched axis.
  auto& b = r.batch;
  b.columns[stats::kNObsField] = r.own[stats::kNObsField];
  b.columns[stats::kNSbField] = column(r.own[stats::kNSbField].data, DType::i64, {rows, cols}, {1, 0});
  b.columns[stats::kFField] = column(r.own[stats::kFField].data, DType::f64, {rows, cols}, {0, 2});
  b.columns[stats::kDeltaField] = r.own[stats::kDeltaField];
  b.columns[stats::kEffRelUncField] = r.own[stats::kEffRelUncField];
  b.columns[stats::kLumiRelUncField] = r.own[stats::kLumiRelUncField];
  b.size = static_cast<std::uint64_t>(n);
  for (auto** out : {&b.p0, &b.z, &b.ul_events}) {
    r.memory.push_back(backend.allocate(n * sizeof(double)));
    *out = static_cast<double*>(r.memory.back().get());
  }
  r.memory.push_back(backend.allocate(n * sizeof(std::uint32_t)));
  b.flags = static_cast<std::uint32_t*>(r.memory.back().get());

  for (std::int64_t row = 0; row < rows; ++row)
    for (std::int64_t c = 0; c < cols; ++c)
      r.expected.push_back({n_obs[row + c * rows], static_cast<int>(n_sb[row]), f[2 * c],
                            static_cast<double>(delta[row * cols + c]), eff[row * cols + c], 0.0047});
  return r;
}

struct ColumnResults {
  std::vector<double> p0, z, ul_events;
  std::vector<std::uint32_t> flags;
};

inline ColumnResults download_results(Backend& backend, const stats::ExperimentColumns& b) {
  ColumnResults out{std::vector<double>(b.size), std::vector<double>(b.size), std::vector<double>(b.size),
                    std::vector<std::uint32_t>(b.size)};
  backend.download(out.p0.data(), b.p0, b.size * sizeof(double));
  backend.download(out.z.data(), b.z, b.size * sizeof(double));
  backend.download(out.ul_events.data(), b.ul_events, b.size * sizeof(double));
  backend.download(out.flags.data(), b.flags, b.size * sizeof(std::uint32_t));
  return out;
}

// Every result the bits of marginalise_batch's for the same experiment.
inline void expect_same_bits(const ColumnResults& got, const std::vector<stats::StatsResult>& expected) {
  ASSERT_EQ(got.p0.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(std::memcmp(&got.p0[i], &expected[i].p0, sizeof(double)), 0) << i;
    EXPECT_EQ(std::memcmp(&got.z[i], &expected[i].z, sizeof(double)), 0) << i;
    EXPECT_EQ(std::memcmp(&got.ul_events[i], &expected[i].ul_events, sizeof(double)), 0) << i;
    EXPECT_EQ(got.flags[i], expected[i].flags) << i;
  }
}

}  // namespace darkscan::testing
