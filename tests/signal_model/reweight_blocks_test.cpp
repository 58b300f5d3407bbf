// The reweighting work items (darkscan/signal_model/reweight_blocks.hpp): a candidate's
// mixture terms computed once for a group of cells give the same bits as the weight
// formula evaluated afresh for every (candidate, cell), and the block sums the same bits
// whatever the grouping of the cells.
#include "darkscan/signal_model/reweight_blocks.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace darkscan::signal_model {
namespace {

std::uint64_t bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

LifetimeMixture three_lifetimes() {
  LifetimeMixture m;
  m.components = 3;
  m.ctau0[0] = 1.0, m.n_generated[0] = 20000;
  m.ctau0[1] = 10.0, m.n_generated[1] = 15000;
  m.ctau0[2] = 100.0, m.n_generated[2] = 20000;
  return m;
}

TEST(MixtureWeights, SameBitsAsTheWeightFormula) {
  // Targets from far below to far above the generated lifetimes: a short target with a
  // short ℓ makes the target's exponent the largest (the other branch).
  const auto m = three_lifetimes();
  int above = 0, checked = 0;
  for (double ell : {0.0, 1e-6, 0.003, 0.2, 1.0, 7.5, 42.0, 300.0, 2500.0}) {
    const MixtureWeights once(m, ell);
    for (int k = -8; k <= 16; ++k) {
      const double ctau = std::pow(10.0, 0.25 * k);
      const double expected = m.weight(ell, ctau);
      const double got = once.weight(ctau, std::log(ctau));
      EXPECT_EQ(bits(got), bits(expected)) << "ℓ " << ell << " cτ " << ctau << ": " << got << " vs " << expected;
      above += -ell / ctau - std::log(ctau) > once.largest;
      ++checked;
    }
  }
  EXPECT_GT(above, 10) << "the branch where the target's exponent is the largest was not exercised";
  EXPECT_LT(above, checked - 10);
}

// Σw, Σw², Σw·dv per (cell, block) by the formulas of lifetime_reweighting.hpp, one pair
// at a time: the reference.
std::vector<BlockSums> direct(const ReweightBlocks& job) {
  std::vector<BlockSums> out(job.outputs());
  for (std::uint64_t cell = 0; cell < job.cells; ++cell)
    for (std::uint64_t i = 0; i < job.candidates; ++i) {
      const int fs = job.final_state[i];
      if (fs < 0 || fs >= physics::kFinalStates) continue;
      double w = job.generated.weight(job.ell[i], job.ctau[cell]);
      if (job.ctau_chi2 != nullptr) w *= lifetime_weight(job.ell_chi2[i], job.ctau_chi2_0, job.ctau_chi2[cell]);
      if (job.mc_weight != nullptr) w *= job.mc_weight[i];
      BlockSums& s = out[cell * job.blocks() + i / ReweightBlocks::kBlock];
      s.fs[fs].add(w);
      if (job.hp_dv != nullptr) s.dv[fs] += w * job.hp_dv[i];
    }
  return out;
}

std::vector<BlockSums> run(ReweightBlocks job, int cells_per_item) {
  std::vector<BlockSums> out(job.outputs());
  job.out = out.data();
  job.cells_per_item = cells_per_item;
  for (std::uint64_t item = 0; item < job.items(); ++item) job(item);
  return out;
}

void expect_same_bits(const std::vector<BlockSums>& a, const std::vector<BlockSums>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    for (int f = 0; f < physics::kFinalStates; ++f) {
      EXPECT_EQ(bits(a[i].fs[f].sum), bits(b[i].fs[f].sum)) << what << " item " << i << " fs " << f;
      EXPECT_EQ(bits(a[i].fs[f].sum2), bits(b[i].fs[f].sum2)) << what << " item " << i << " fs " << f;
      EXPECT_EQ(bits(a[i].dv[f]), bits(b[i].dv[f])) << what << " item " << i << " fs " << f;
    }
}

class ReweightItems : public ::testing::Test {
 protected:
  void SetUp() override {
    // 2,500 candidates (three blocks, the last partial), some of no final state; 70 cells
    // over both lifetimes (three groups of 32, the last partial).
    const std::size_t n = 2500;
    ell.resize(n), ell_chi2.resize(n), dv.resize(n), weight.resize(n), fs.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      ell[i] = 0.001 * static_cast<double>((i * 7919) % 90000);
      ell_chi2[i] = 0.0004 * static_cast<double>((i * 104729) % 5000);
      dv[i] = 0.5 * ell[i] + 0.1;
      weight[i] = 0.5 + 0.001 * static_cast<double>(i % 1000);
      fs[i] = static_cast<std::int8_t>(i % 7 == 3 ? -1 : static_cast<int>(i % 3));
    }
    for (int a = 0; a < 14; ++a)
      for (int b = 0; b < 5; ++b) {
        ctau.push_back(1e-3 * std::pow(3.0, a));
        ctau_chi2.push_back(0.01 * std::pow(4.0, b));
      }
    job.ell = ell.data();
    job.final_state = fs.data();
    job.candidates = n;
    job.ctau = ctau.data();
    job.cells = ctau.size();
    job.generated = three_lifetimes();
  }
  std::vector<double> ell, ell_chi2, dv, weight, ctau, ctau_chi2;
  std::vector<std::int8_t> fs;
  ReweightBlocks job;
};

TEST_F(ReweightItems, GroupedCellsGiveTheBitsOfTheFormulaPairByPair) {
  ASSERT_EQ(job.blocks(), 3u);
  expect_same_bits(run(job, ReweightBlocks::kMaxCellsPerItem), direct(job), "h' only, grouped");
  expect_same_bits(run(job, 1), direct(job), "h' only, a cell an item");
}

TEST_F(ReweightItems, BothLifetimesWeightsAndDisplacementsToo) {
  job.ell_chi2 = ell_chi2.data();
  job.ctau_chi2 = ctau_chi2.data();
  job.ctau_chi2_0 = 0.5;
  job.mc_weight = weight.data();
  job.hp_dv = dv.data();
  const auto reference = direct(job);
  expect_same_bits(run(job, ReweightBlocks::kMaxCellsPerItem), reference, "both lifetimes, grouped");
  expect_same_bits(run(job, 1), reference, "both lifetimes, a cell an item");
  // The sums are not trivially zero.
  double total = 0;
  for (const auto& s : reference) total += s.fs[0].sum + s.fs[1].sum + s.fs[2].sum;
  EXPECT_GT(total, 100.0);
}

TEST_F(ReweightItems, ItemCountsFollowTheGrouping) {
  job.cells_per_item = 1;
  EXPECT_EQ(job.items(), 70u * 3u);
  job.cells_per_item = ReweightBlocks::kMaxCellsPerItem;
  EXPECT_EQ(job.items(), 3u * 3u);
  EXPECT_EQ(job.outputs(), 70u * 3u);
}

}  // namespace
}  // namespace darkscan::signal_model
