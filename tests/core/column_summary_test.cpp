// The column summary functors against direct computations with the standard library,
// and the CPU launcher's reduction against a serial loop for any thread count.
#include "darkscan/core/column_summary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "launch.hpp"

namespace darkscan {
namespace {

TEST(IsFiniteValue, MatchesStdIsfinite) {
  const double inf = std::numeric_limits<double>::infinity();
  for (double v : {0.0, -0.0, 1.0, -1e308, 1e308, 5e-324, inf, -inf, std::nan(""), -std::nan("")})
    EXPECT_EQ(is_finite_value(v), std::isfinite(v)) << v;
}

TEST(ColumnSummary, MatchesDirectComputationWithNonFiniteValues) {
  std::vector<float> v(10007);
  std::mt19937 rng(7);
  std::normal_distribution<float> gauss(1.f, 3.f);
  for (auto& x : v) x = gauss(rng);
  v[17] = std::nanf("");
  v[400] = std::numeric_limits<float>::infinity();
  v[9000] = -std::numeric_limits<float>::infinity();

  const ColumnView view{v.data(), v.size(), DType::f32};
  const std::uint64_t first_row = 1000;
  const host::CpuLauncher launcher(3);
  const auto s = launcher.reduce(v.size(), ColumnSummary{}, SummarizeRow{view, first_row}, MergeColumnSummary{}, 64);

  std::vector<float> finite;
  std::copy_if(v.begin(), v.end(), std::back_inserter(finite), [](float x) { return std::isfinite(x); });
  EXPECT_EQ(s.rows, v.size());
  EXPECT_EQ(s.n_nonfinite, 3u);
  EXPECT_EQ(s.first_nonfinite_row, first_row + 17);
  EXPECT_EQ(s.min, static_cast<double>(*std::min_element(finite.begin(), finite.end())));
  EXPECT_EQ(s.max, static_cast<double>(*std::max_element(finite.begin(), finite.end())));
}

TEST(ColumnSummary, IntegerColumnsAreExact) {
  std::vector<std::int64_t> v = {5, -3, 9007199254740991LL, 0};
  const ColumnView view{v.data(), v.size(), DType::i64};
  ColumnSummary s;
  for (std::uint64_t i = 0; i < v.size(); ++i) s = MergeColumnSummary{}(s, SummarizeRow{view, 0}(i));
  EXPECT_EQ(s.min, -3.0);
  EXPECT_EQ(s.max, 9007199254740991.0);
  EXPECT_EQ(s.n_nonfinite, 0u);
  EXPECT_EQ(s.first_nonfinite_row, ColumnSummary::no_row);
}

TEST(ColumnSummary, EmptyMergeIsIdentity) {
  const ColumnSummary a = summarize_value(2.5, 3);
  const ColumnSummary b = MergeColumnSummary{}(ColumnSummary{}, a);
  EXPECT_EQ(b.rows, 1u);
  EXPECT_EQ(b.min, 2.5);
  EXPECT_EQ(b.max, 2.5);
}

TEST(CpuLauncher, ReductionBitsDoNotDependOnThreadCount) {
  // A floating-point sum is not associative: the blocked reduction must still give
  // the same bits for 1, 2 and 5 threads, equal to the serial blocked sum.
  std::vector<double> v(100003);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1e6, 1e6);
  for (auto& x : v) x = u(rng) * std::pow(10.0, static_cast<double>(rng() % 12));
  const std::uint64_t block = 1000;
  double serial = 0;
  for (std::size_t b = 0; b < v.size(); b += block) {
    double part = 0;
    for (std::size_t i = b; i < std::min(v.size(), b + block); ++i) part += v[i];
    serial += part;
  }
  for (int threads : {1, 2, 5}) {
    const host::CpuLauncher launcher(threads);
    const double sum = launcher.reduce(v.size(), 0.0, [&](std::uint64_t i) { return v[i]; }, std::plus<>{}, block);
    EXPECT_EQ(sum, serial) << threads << " threads";
  }
}

TEST(CpuLauncher, RethrowsTheFirstExceptionFromAnyThread) {
  const host::CpuLauncher launcher(2);
  EXPECT_THROW(launcher.parallel_for(1000,
                                     [](std::uint64_t i) {
                                       if (i == 777) throw std::runtime_error("boom");
                                     }),
               std::runtime_error);
}

}  // namespace
}  // namespace darkscan
