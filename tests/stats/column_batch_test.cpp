// The statistics of a batch given as columns in a backend's memory
// (stats/column_batch.hpp), on the CPU backend (tests/backend/cuda_backend_test.cpp runs
// the same on the device): the bits of marginalise_batch for the same experiments, built
// element by element; the first refused value found in the columns' own order; and the
// rule shared with the CSV reader's words.
#include "stats/column_batch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <string>

#include "backend/cpu_backend.hpp"
#include "errors.hpp"
#include "stats/column_batch_fixture.hpp"
#include "stats/stats_plan.hpp"

namespace darkscan::stats {
namespace {

struct Case {
  int max_n_obs;
  double max_rel_unc;
  const char* nuisance_prior;
  const char* signal_prior;
  double cl;
};

// What the test's name shows of a case (not its pointers' bytes, which change from run to run).
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.nuisance_prior << " nuisance, " << c.signal_prior << " signal prior, cl " << c.cl << ", n_obs to "
      << c.max_n_obs << ", rel. unc. to " << c.max_rel_unc;
}

class ColumnBatch : public ::testing::TestWithParam<Case> {};

TEST_P(ColumnBatch, SameBitsAsMarginaliseBatch) {
  const Case c = GetParam();
  const StatsOptions options = stats_options(c.cl, c.nuisance_prior, c.signal_prior);
  for (int threads : {1, 2}) {
    CpuBackend cpu(threads);
    auto r = testing::resident_columns(cpu, 12, 9, c.max_n_obs, c.max_rel_unc, 7);
    ASSERT_FALSE(first_refused_value(cpu, r.own, options).has_value());
    marginalise_columns(cpu, r.batch, options);
    CpuBackend reference(1);
    testing::expect_same_bits(testing::download_results(cpu, r.batch),
                              marginalise_batch(reference, r.expected, options, Dedup::never));
  }
}

INSTANTIATE_TEST_SUITE_P(Options, ColumnBatch,
                         ::testing::Values(Case{255, 0.19, "gaussian", "uniform", 0.95},
                                           Case{255, 0.9, "lognormal", "uniform", 0.9},
                                           Case{30, 0.19, "gaussian", "jeffreys", 0.95}),
                         // Names that stay the same from build to build (the default prints the pointers).
                         [](const ::testing::TestParamInfo<Case>& p) {
                           const Case& c = p.param;
                           return std::string(c.nuisance_prior) + "_" + c.signal_prior + "_cl" +
                                  std::to_string(static_cast<int>(c.cl * 100 + 0.5)) + "_nobs" +
                                  std::to_string(c.max_n_obs);
                         });

TEST(ColumnBatchValues, FirstRefusedValueInTheColumnsOwnOrder) {
  CpuBackend cpu(1);
  const StatsOptions options;
  auto r = testing::resident_columns(cpu, 4, 3, 20, 0.1, 3);
  // n_obs is Fortran-ordered: element (2, 1) is flat index 2 * 3 + 1 = 7, stored at 2 + 1 * 4.
  std::vector<std::int32_t> n_obs(12, 1);
  n_obs[2 + 1 * 4] = -3;
  n_obs[3 + 2 * 4] = 300;  // refused too, but later in C order
  cpu.upload(const_cast<void*>(r.own[kNObsField].data), n_obs.data(), n_obs.size() * sizeof(std::int32_t));
  auto refused = first_refused_value(cpu, r.own, options);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->field, kNObsField);
  EXPECT_EQ(refused->element, 7u);
  EXPECT_EQ(refused->value, -3.0);

  std::fill(n_obs.begin(), n_obs.end(), 1);
  cpu.upload(const_cast<void*>(r.own[kNObsField].data), n_obs.data(), n_obs.size() * sizeof(std::int32_t));
  r.own[kLumiRelUncField].constant = 0.25;  // a number: refused under the Gaussian prior
  refused = first_refused_value(cpu, r.own, options);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->field, kLumiRelUncField);
  EXPECT_EQ(refused->value, 0.25);
  EXPECT_FALSE(first_refused_value(cpu, r.own, stats_options(0.95, "lognormal", "uniform")).has_value());
}

TEST(ColumnBatchValues, TheRuleIsTheCsvReadersRule) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double values[] = {0.0, -0.0, 1.0, -1.0, 0.5, 2.5, 0.19999999999999998, 0.2, 255.0, 256.0, 1e9, 2e9,
                           2e9 + 1, 1e300, -1e300, inf, -inf, nan, 5e-324, 3.0e10};
  for (const char* prior : {"gaussian", "lognormal"}) {
    const StatsOptions options = stats_options(0.95, prior, "uniform");
    for (int f = 0; f < kExperimentFields; ++f)
      for (double v : values) {
        const auto field = static_cast<ExperimentField>(f);
        const bool refused_in_words = !experiment_value_problem(field, v, options).empty();
        // Words exist for every value the rule refuses (their function gives none for an
        // accepted one), and the written-out cases below pin the rule itself.
        EXPECT_EQ(refused_in_words, !value_accepted(field, v, options.nuisance_prior))
            << kExperimentFieldNames[f] << " = " << v << " under " << prior;
      }
  }
  // The expectations written out, independent of either function.
  EXPECT_FALSE(value_accepted(kNObsField, 256.0, NuisancePrior::gaussian));
  EXPECT_FALSE(value_accepted(kNObsField, 2.5, NuisancePrior::gaussian));
  EXPECT_TRUE(value_accepted(kNSbField, 2e9, NuisancePrior::gaussian));
  EXPECT_FALSE(value_accepted(kNSbField, 2e9 + 1, NuisancePrior::gaussian));
  EXPECT_FALSE(value_accepted(kFField, 0.0, NuisancePrior::gaussian));
  EXPECT_TRUE(value_accepted(kDeltaField, 0.0, NuisancePrior::gaussian));
  EXPECT_FALSE(value_accepted(kEffRelUncField, 0.2, NuisancePrior::gaussian));
  EXPECT_TRUE(value_accepted(kEffRelUncField, 0.2, NuisancePrior::lognormal));
  EXPECT_FALSE(value_accepted(kLumiRelUncField, nan, NuisancePrior::lognormal));
}

TEST(ColumnBatchValues, TheCredibilityLevelIsChecked) {
  CpuBackend cpu(1);
  auto r = testing::resident_columns(cpu, 2, 2, 5, 0.1, 1);
  StatsOptions options;
  options.credibility = 1.5;
  EXPECT_THROW(marginalise_columns(cpu, r.batch, options), InputError);
}

}  // namespace
}  // namespace darkscan::stats
