// Removing repeated experiments changes nothing but the work: the same bits in the
// caller's order, errors naming the caller's rows.
#include "stats/marginalise_batch.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "backend/cpu_backend.hpp"
#include "errors.hpp"

namespace darkscan::stats {
namespace {

std::vector<CountingExperiment> repeated_batch() {
  std::vector<CountingExperiment> batch;
  for (int lifetime = 0; lifetime < 6; ++lifetime)  // six lifetimes share each window
    for (int window = 0; window < 300; ++window)
      batch.push_back({window % 5, (window * 7) % 41, 20.0 + window, (window % 3) * 0.1, 0.05, 0.0047});
  return batch;
}

TEST(MarginaliseBatch, RemovingRepeatsGivesTheSameBitsInTheCallersOrder) {
  CpuBackend cpu(2);
  const auto batch = repeated_batch();
  BatchReport with, without;
  const auto a = marginalise_batch(cpu, batch, {}, Dedup::always, &with);
  const auto b = marginalise_batch(cpu, batch, {}, Dedup::never, &without);
  EXPECT_EQ(with.computed, 300u);
  EXPECT_EQ(without.computed, batch.size());
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(std::memcmp(&a[i].ul_events, &b[i].ul_events, sizeof(double)), 0) << i;
    EXPECT_EQ(std::memcmp(&a[i].p0, &b[i].p0, sizeof(double)), 0) << i;
  }
  BatchReport automatic;
  marginalise_batch(cpu, batch, {}, Dedup::automatic, &automatic);
  EXPECT_EQ(automatic.computed, 300u) << "83 % repeats on the CPU: removed";
}

TEST(MarginaliseBatch, ErrorsNameTheCallersRow) {
  CpuBackend cpu(1);
  auto batch = repeated_batch();
  batch[1500].f = -1;
  try {
    marginalise_batch(cpu, batch, {}, Dedup::always);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("experiment 1500:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace darkscan::stats
