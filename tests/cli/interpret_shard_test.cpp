// darkscan interpret --shard K/N and darkscan merge (docs/cluster.md#interpret-shards): the
// shards of any split of the grid masses and y-limit pairs merge into the file one process
// writes, every dataset (/model_points with its counts, /combined_limits, /sin_theta and
// /y_limit of the model point and the twelve benchmark points, each with maps over
// cτ(chi2) of its own) equal bit for bit and every attribute but the backend's
// description; merge refuses, in one line naming the files and writing nothing, a
// missing, duplicated or foreign shard, shards of different N and a shard of another
// stage; a bad --shard value is refused naming the option.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/lee_fixture.hpp"
#include "support/h5_read.hpp"

namespace darkscan {
namespace {

using testing::run_darkscan;

// Maps over cτ(chi2) make the y limit and the benchmark points' own efficiencies.
const std::string kConfig = R"([signal_model]
ctau_range_cm = [1.0, 100.0]
ctau_points_per_decade = 2
ctau_chi2_range_cm = [0.01, 100.0]
ctau_chi2_points_per_decade = 2
[scan]
final_states = ["pipi"]
sigma_extrapolation_gev = 0.4
[interpret]
epsilon_points_per_decade = 5
)";

class InterpretShard : public testing::TempDirTest {
 protected:
  // Three pi+pi- signal points, their model, hand-made selected masses and their scan, made once.
  static void SetUpTestSuite() {
    shared_ = std::filesystem::temp_directory_path() / ("darkscan-test-interpret-shards-" + std::to_string(::getpid()));
    std::filesystem::create_directories(shared_);
    testing::make_pipi_model(shared_, kConfig);
    const std::string data = (shared_ / "selected.h5").string();
    testing::write_pipi_data(data);
    const auto r = run_darkscan({"scan", "--config", (shared_ / "config.toml").string(), "--data", data, "--model",
                                 (shared_ / "model.h5").string(), "--output", (shared_ / "scan.h5").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(shared_, ec);
  }
  void SetUp() override {
    TempDirTest::SetUp();
    config_ = (shared_ / "config.toml").string();
  }

  // darkscan interpret of the suite's scan and model to `out`, with `extra`.
  testing::CommandResult interpret(const std::string& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"interpret", "--config", config_, "--scan", (shared_ / "scan.h5").string(),
                                  "--model", (shared_ / "model.h5").string(), "--output", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_darkscan(args);
  }
  // Shard K/N with `extra`, to "shard-K-of-N.h5" or `name`.
  std::string shard(int k, int n, std::vector<std::string> extra = {}, const std::string& name = "") {
    const std::string out = p(name.empty() ? "shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".h5" : name);
    return testing::run_shard([this](const std::string& o, std::vector<std::string> e) { return interpret(o, e); },
                              out, k, n, extra, "grid masses [");
  }
  std::string p(const std::string& name) const { return path(name).string(); }

  static inline std::filesystem::path shared_;
  std::string config_;
};

TEST_F(InterpretShard, ShardsOfAnySplitMergeIntoTheFileOfOneProcess) {
  const std::string whole = p("whole.h5");
  const auto one = interpret(whole, {"--benchmark-points"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  // What the comparison covers: every table, with rows: the thirteen points' sinθ
  // exclusions and their y limit at the samples' m(chi1), excluded intervals among them.
  const auto content = testing::stored_content(whole);
  const auto file = h5::open_file_readonly(whole);
  for (const char* column :
       {"/model_points/y_excluded_masses", "/combined_limits/limit_fb", "/sin_theta/masses/excluded",
        "/sin_theta/intervals/sin_theta_lo", "/y_limit/masses/y_excluded_lo", "/y_limit/intervals/epsilon_lo",
        "/y_limit/curve/limit_fb"}) {
    EXPECT_TRUE(content.datasets.contains(column)) << column;
    EXPECT_GT(testing::read_column<double>(file.get(), column).size(), 0u) << column;
  }
  const auto masses = testing::read_column<double>(file.get(), "/combined_limits/mass").size() / 5;  // 5 lifetimes
  EXPECT_EQ(testing::read_column<double>(file.get(), "/model_points/m_chi1").size(), 13u);
  EXPECT_EQ(testing::read_column<double>(file.get(), "/sin_theta/masses/mass").size(), 13 * masses);
  EXPECT_EQ(testing::read_column<double>(file.get(), "/y_limit/masses/m_chi1").size(), 13u);
  for (int n : {1, 2, 3}) {
    SCOPED_TRACE(n);
    std::vector<std::string> shards;
    for (int k = n; k >= 1; --k)
      shards.push_back(shard(k, n, {"--benchmark-points", "--threads", std::to_string(1 + k % 2)}));
    const std::string out = p("merged-" + std::to_string(n) + ".h5");
    const auto r = testing::merge_shards(out, shards);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string says = std::to_string(n) + " shards of " + std::to_string(masses) + " grid masses and 13 y-limit";
    EXPECT_NE(r.out.find(says), std::string::npos) << r.out;
    // The backend lists the shards' (1 and 2 threads); nothing else differs.
    testing::expect_same_file(out, whole, {"/@backend"});
  }
}

TEST_F(InterpretShard, MergeRefusesShardsThatAreNotOneWholeRunNamingThem) {
  std::vector<std::string> at{""};
  for (int k = 1; k <= 3; ++k) at.push_back(shard(k, 3));
  const auto other = shard(2, 3, {"--benchmark-points"}, "benchmarks.h5");
  const auto half = shard(1, 2);
  std::filesystem::copy_file(at[2], p("copy2.h5"));
  const std::string whole = p("whole.h5");
  ASSERT_EQ(interpret(whole).exit_code, 0);
  const std::string out = p("merged.h5");
  const auto cases = testing::merge_refusals(at, p("copy2.h5"), other, "benchmark points true", half, whole);
  testing::expect_merge_refusals(cases, out);
  const auto r = testing::merge_shards(out, {at[3], at[1], at[2]});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  testing::expect_same_file(out, whole);  // every attribute too: each shard on one kind of backend, the same threads
}

TEST_F(InterpretShard, ABadShardValueIsRefusedNamingTheOption) {
  const auto r = interpret(p("out.h5"), {"--shard=0/3"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("darkscan: error: --shard: '0/3'"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(p("out.h5")));
}

}  // namespace
}  // namespace darkscan
