// darkscan efficiency --shard K/N and darkscan merge (docs/cluster.md): the
// shards of any split of the signal points (more shards than points too,
// leaving one empty) merge into the file one process writes, every dataset (the
// per-point and per-sample tables, the maps over cτ(chi2), the resolution fits,
// and /maps, which the merge writes from the shards' points) equal bit for bit
// and every attribute but the backend's description. The points include three
// of one final state and mass, told apart by their cτ(chi2) only, split over
// two shards: their order in /maps is one process's. merge refuses, in one line
// naming the files and writing nothing, a missing, duplicated or foreign shard,
// shards of different N and a shard of another stage.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/lee_fixture.hpp"
#include "support/h5_read.hpp"

namespace darkscan {
namespace {

using testing::run_darkscan;

const std::string kModelConfig = R"([signal_model]
ctau_range_cm = [1.0, 100.0]
ctau_points_per_decade = 2
ctau_chi2_range_cm = [1.0, 10.0]
ctau_chi2_points_per_decade = 2
)";

class EfficiencyShard : public testing::TempDirTest {
 protected:
  // Five signal points (six samples: one point has two lifetimes), made once.
  static void SetUpTestSuite() {
    shared_ = std::filesystem::temp_directory_path() / ("darkscan-test-efficiency-shards-" + std::to_string(::getpid()));
    std::filesystem::create_directories(shared_);
    std::vector<std::string> args{"generate", "--output", (shared_ / "signal.h5").string(), "--events", "600",
                                  "--seed",   "5"};
    for (const std::string point :
         {"final_state=mumu,m_hp=0.8,ctau_hp_cm=10", "final_state=pipi,m_hp=0.6,ctau_hp_cm=10",
          "final_state=pipi,m_hp=0.6,ctau_hp_cm=30", "final_state=pipi,m_hp=0.9,ctau_hp_cm=3,ctau_chi2_cm=2.15",
          "final_state=pipi,m_hp=0.9,ctau_hp_cm=3,ctau_chi2_cm=4.64",
          "final_state=pipi,m_hp=0.9,ctau_hp_cm=3,ctau_chi2_cm=10"}) {
      args.push_back("--signal-point");
      args.push_back(point);
    }
    const auto r = run_darkscan(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(shared_); }
  void SetUp() override {
    TempDirTest::SetUp();
    events_ = (shared_ / "signal.h5").string();
    config_ = write_file("model.toml", kModelConfig);
  }

  testing::CommandResult efficiency(const std::string &out, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"efficiency", "--config", config_, "--input", events_, "--output", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_darkscan(args);
  }
  std::string shard(int k, int n, std::vector<std::string> extra = {}, const std::string &name = "") {
    const std::string out = p(name.empty() ? "shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".h5" : name);
    return testing::run_shard([this](const std::string &o, std::vector<std::string> e) { return efficiency(o, e); },
                              out, k, n, extra, "signal points [");
  }
  std::string p(const std::string &name) const { return path(name).string(); }

  static inline std::filesystem::path shared_;
  std::string config_, events_;
};

TEST_F(EfficiencyShard, ShardsOfAnySplitMergeIntoTheFileOfOneProcess) {
  const std::string whole = p("whole.h5");
  const auto one = efficiency(whole);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  // What the comparison covers: every group of a model with maps over cτ(chi2),
  // the tied points and the two-sample point among them.
  const auto content = testing::stored_content(whole);
  for (const char *table : {"/points/signal_pipi_m0.9000_2/efficiency", "/efficiency_chi2/signal_pipi_m0.9000_1/n_eff",
                            "/efficiency/signal_pipi_m0.600_ctau30/efficiency",
                            "/resolution/signal_mumu_m0.800_ctau10/sigma", "/maps/pipi/m_hp", "/maps/mumu/sigma_gev"})
    EXPECT_TRUE(content.datasets.contains(table)) << table;
  EXPECT_EQ(testing::read_column<double>(h5::open_file_readonly(whole).get(), "/maps/pipi/m_hp").size(), 4u * 5u);
  for (int n : {1, 2, 3, 6}) {  // 6: more shards than the 5 points, the last one empty
    SCOPED_TRACE(n);
    std::vector<std::string> shards;
    for (int k = n; k >= 1; --k) shards.push_back(shard(k, n, {"--threads", std::to_string(1 + k % 2)}));
    const std::string out = p("merged-" + std::to_string(n) + ".h5");
    const auto r = testing::merge_shards(out, shards);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(std::to_string(n) + " shards of 5 signal points"), std::string::npos) << r.out;
    // The backend lists the shards' (1 and 2 threads); nothing else differs.
    testing::expect_same_file(out, whole, {"/@backend"});
  }
}

TEST_F(EfficiencyShard, MergeRefusesShardsThatAreNotOneWholeRunNamingThem) {
  std::vector<std::string> at{""};
  for (int k = 1; k <= 3; ++k) at.push_back(shard(k, 3));
  auto other_config = write_file("other.toml", kModelConfig + "min_n_eff = 5\n");
  std::swap(config_, other_config);  // shard 2/3 of the model at another min_n_eff
  const auto other = shard(2, 3, {}, "other.h5");
  std::swap(config_, other_config);
  const auto half = shard(1, 2);
  std::filesystem::copy_file(at[2], p("copy2.h5"));
  const std::string whole = p("whole.h5");
  ASSERT_EQ(efficiency(whole).exit_code, 0);
  const std::string out = p("merged.h5");
  testing::expect_merge_refusals(testing::merge_refusals(at, p("copy2.h5"), other, "config sha256", half, whole), out);
  const auto r = testing::merge_shards(out, {at[3], at[1], at[2]});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(EfficiencyShard, ABadShardValueIsRefusedNamingTheOption) {
  const auto r = efficiency(p("out.h5"), {"--shard=4/3"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("darkscan: error: --shard: '4/3'"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(p("out.h5")));
}

}  // namespace
}  // namespace darkscan
