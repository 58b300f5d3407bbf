// darkscan lee --shard K/N and darkscan merge (docs/cluster.md): the shards of any split,
// run with any thread count, resumed or not, merge into the file one process writes,
// every dataset equal bit for bit and every attribute but the backend's description;
// merge refuses, in one line naming the files and writing nothing, a missing, duplicated
// or foreign shard, shards of different N and a file that is not a shard; bad --shard
// values are refused naming the option.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "backend/cpu_backend.hpp"
#include "cli/lee_fixture.hpp"
#include "config/config.hpp"
#include "io/file_checksum.hpp"
#include "lee/look_elsewhere.hpp"
#include "scan/scan_file.hpp"
#include "selection/select_file.hpp"
#include "signal_model/signal_model_file.hpp"
#include "support/h5_read.hpp"

namespace darkscan {
namespace {

using testing::kBatch;
using testing::run_darkscan;

// The CPU backend, failing in its second batch of toys: a shard's node lost after the
// first batch's checkpoint.
class LostAfterOneBatch final : public Backend {
 public:
  std::string_view name() const override { return cpu_.name(); }
  std::string description() const override { return cpu_.description(); }
  bool removing_repeats_pays() const override { return cpu_.removing_repeats_pays(); }
  std::unique_ptr<ResidentSample> load(io::SampleReader& r, std::uint64_t rows) override { return cpu_.load(r, rows); }
  void for_each_chunk(io::SampleReader& r, std::uint64_t rows, const ChunkVisitor& v) override {
    cpu_.for_each_chunk(r, rows, v);
  }
  std::vector<ColumnSummary> summarize(const ChunkView& c) override { return cpu_.summarize(c); }
  std::vector<stats::StatsResult> marginalise(std::span<const stats::CountingExperiment> e, const stats::StatsPlan& p,
                                              const stats::StatsOptions& o) override {
    return cpu_.marginalise(e, p, o);
  }
  std::int64_t first_refused(const stats::StridedColumn& c, std::uint64_t n, stats::ExperimentField f,
                             const stats::StatsOptions& o) override {
    return cpu_.first_refused(c, n, f, o);
  }
  double element(const stats::StridedColumn& c, std::uint64_t flat) override { return cpu_.element(c, flat); }
  void marginalise_columns(const stats::ExperimentColumns& b, const PlanDistinct& p,
                           const stats::StatsOptions& o) override {
    cpu_.marginalise_columns(b, p, o);
  }
  std::shared_ptr<void> allocate(std::size_t bytes) override { return cpu_.allocate(bytes); }
  void upload(void* r, const void* h, std::size_t bytes) override { cpu_.upload(r, h, bytes); }
  void download(void* h, const void* r, std::size_t bytes) override { cpu_.download(h, r, bytes); }
  std::vector<stats::CombinedResult> combine(std::span<const stats::CombinedExperiment> e,
                                             const stats::CombinedPlan& p, const stats::StatsOptions& o) override {
    return cpu_.combine(e, p, o);
  }
  std::vector<selection::CandidateVerdict> select(const selection::CandidateColumns& c, std::uint64_t rows,
                                                  const selection::SelectionParams& p) override {
    return cpu_.select(c, rows, p);
  }
  std::vector<signal_model::BlockSums> reweight(const signal_model::ReweightBlocks& j) override {
    return cpu_.reweight(j);
  }
  std::vector<scan::WindowCounts> count_windows(std::span<const double> m,
                                                std::span<const scan::WindowGeometry> w) override {
    return cpu_.count_windows(m, w);
  }
  std::vector<lee::ToyOutcome> run_toys(const lee::ToyJob& job, std::uint64_t toys) override {
    if (++batches_ > 1) throw std::runtime_error("node lost");
    return cpu_.run_toys(job, toys);
  }
  io::HostBatch copy_to_host(const ChunkView& c, const std::vector<std::string>& n) override {
    return cpu_.copy_to_host(c, n);
  }

 private:
  CpuBackend cpu_{1};
  int batches_ = 0;
};

class LeeShard : public testing::LeeFixture {
 protected:
  // Shard k of n to `out`; the command must succeed.
  void shard(const std::string& out, int k, int n, std::vector<std::string> extra = {},
             std::uint64_t toys = testing::kToys) {
    extra.insert(extra.begin(), {"--shard", std::to_string(k) + "/" + std::to_string(n)});
    const auto r = lee(out, extra, toys);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out + ".toys.partial"));
  }

  static void expect_same_file(const std::string& a, const std::string& b,
                               const std::set<std::string>& may_differ = {}) {
    testing::expect_same_lee_file(a, b, may_differ);
  }

  static std::string backend_of(const std::string& file) {
    const auto f = h5::open_file_readonly(file);
    h5::Group toys(H5Gopen2(f.get(), "/lee/toys", H5P_DEFAULT));
    for (const auto& [k, v] : h5::read_attributes(toys.get(), file))
      if (k == "backend") return std::get<std::string>(v);
    return "";
  }

  std::string p(const std::string& name) const { return path(name).string(); }
};

TEST_F(LeeShard, ThreeShardsOnOneThreadMergeIntoTheWholeRunOnTwo) {
  // 301 toys: shards of 101, 100 and 100; 20 coverage toys a point: 7, 7 and 6.
  const auto r = lee(p("whole.h5"), {"--threads", "2"}, 301);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (int k = 1; k <= 3; ++k) shard(p("s" + std::to_string(k) + ".h5"), k, 3, {"--threads", "1"}, 301);
  const auto m = testing::merge_shards(p("merged.h5"), {p("s3.h5"), p("s1.h5"), p("s2.h5")});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  // The printed summary is the whole run's.
  EXPECT_NE(m.out.find(r.out.substr(0, r.out.find("Gross"))), std::string::npos) << m.out << "\nvs\n" << r.out;
  expect_same_file(p("merged.h5"), p("whole.h5"), {"/lee/toys@backend"});
  EXPECT_EQ(backend_of(p("whole.h5")), "cpu (2 OpenMP threads)");
  EXPECT_EQ(backend_of(p("merged.h5")), "cpu (1 OpenMP threads)");
  const auto f = h5::open_file_readonly(p("merged.h5"));
  EXPECT_EQ(testing::read_column<double>(f.get(), "/lee/toys/toy").size(), 301u);
  for (double toys : testing::read_column<double>(f.get(), "/lee/coverage/toys")) EXPECT_LE(toys, 20);
}

TEST_F(LeeShard, OneAndTwoShardsMergeIntoTheWholeRunToo) {
  const auto r = lee(p("whole.h5"), {"--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  shard(p("only.h5"), 1, 1, {"--threads", "1"});
  ASSERT_EQ(testing::merge_shards(p("merged1.h5"), {p("only.h5")}).exit_code, 0);
  expect_same_file(p("merged1.h5"), p("whole.h5"));  // every attribute too: the same backend
  shard(p("half1.h5"), 1, 2, {"--threads", "2"});
  shard(p("half2.h5"), 2, 2, {"--threads", "1"});
  ASSERT_EQ(testing::merge_shards(p("merged2.h5"), {p("half1.h5"), p("half2.h5")}).exit_code, 0);
  expect_same_file(p("merged2.h5"), p("whole.h5"), {"/lee/toys@backend"});
  EXPECT_EQ(backend_of(p("merged2.h5")), "cpu (2 OpenMP threads); cpu (1 OpenMP threads)");
}

TEST_F(LeeShard, AShardResumedFromItsCheckpointMergesIntoTheWholeRun) {
  const auto r = lee(p("whole.h5"), {"--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  shard(p("s1.h5"), 1, 3, {"--threads", "1"});
  shard(p("s3.h5"), 3, 3, {"--threads", "1"});
  // Shard 2/3 (toys 100-199) stopped in its second batch, as the command runs it: its
  // checkpoint beside its output holds the first batch.
  const auto out = p("s2.h5");
  {
    lee::LeeRequest request;
    request.settings.toys = testing::kToys;
    request.settings.batch = kBatch;
    request.settings.seed = 11;
    request.coverage_toys = 20;
    request.shard = {2, 3};
    request.scan_sha256 = io::sha256_file(scan_);
    request.checkpoint = out + ".toys.partial";
    LostAfterOneBatch backend;
    EXPECT_THROW(lee::look_elsewhere_part(backend, config::load(config_), selection::read_selected_data(data_),
                                          signal_model::read_signal_model(model_), model_,
                                          scan::read_scan_rows(scan_), scan::read_scan_settings(scan_), request),
                 std::runtime_error);
    ASSERT_TRUE(std::filesystem::exists(request.checkpoint));
  }
  // The same checkpoint beside shard 3's output is another shard's: not taken.
  std::filesystem::copy_file(out + ".toys.partial", p("s3b.h5") + ".toys.partial");
  const auto other = lee(p("s3b.h5"), {"--shard", "3/3", "--threads", "1"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(other.err.find("resuming"), std::string::npos) << other.err;
  EXPECT_NE(other.err.find("toy checkpoint of another run ('first toy 100' there, 'first toy 200' here)"),
            std::string::npos)
      << other.err;

  const auto resumed = lee(out, {"--shard", "2/3", "--threads", "1"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming after 50 toys kept in " + out + ".toys.partial"), std::string::npos)
      << resumed.err;
  ASSERT_EQ(testing::merge_shards(p("merged.h5"), {p("s1.h5"), out, p("s3b.h5")}).exit_code, 0);
  expect_same_file(p("merged.h5"), p("whole.h5"));
}

TEST_F(LeeShard, MergeRefusesShardsThatAreNotOneWholeRunNamingThem) {
  // Shards at their default names beside the scan, one of another seed, one of N = 2.
  for (int k = 1; k <= 3; ++k) shard("", k, 3);
  const auto at = [&](int k) { return p("scan.lee-shard-" + std::to_string(k) + "-of-3.h5"); };
  for (int k = 1; k <= 3; ++k) ASSERT_TRUE(std::filesystem::exists(at(k))) << at(k);
  shard(p("seed12.h5"), 2, 3, {"--seed", "12"});
  shard(p("half.h5"), 1, 2);
  std::filesystem::copy_file(at(2), p("copy2.h5"));
  const auto text = write_file("notes.txt", "not HDF5\n");
  const std::string out = p("merged.h5");
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{at(1), at(3)}, "merge: shard 2 of 3 missing (given: " + at(1) + " (1), " + at(3) + " (3))"},
      {{at(2)}, "merge: shards 1, 3 of 3 missing (given: " + at(2) + " (2))"},
      {{at(1), at(2), p("copy2.h5"), at(3)}, "merge: " + at(2) + " and " + p("copy2.h5") + " are both shard 2/3"},
      {{at(1), at(1), at(2), at(3)}, "merge: " + at(1) + " and " + at(1) + " are both shard 1/3"},
      {{at(1), p("seed12.h5"), at(3)},
       "merge: " + p("seed12.h5") + " is a shard of another run than " + at(1) + ": its fingerprint has 'seed 12' "
       "where " + at(1) + " has 'seed 11'"},
      {{at(1), at(2), at(3), p("half.h5")},
       "merge: " + at(1) + " is shard 1/3 and " + p("half.h5") + " is shard 1/2: shards of one run have the same N"},
      {{scan_, at(1), at(2), at(3)}, scan_ + ": not a shard (no /lee_shard"},
      {{at(1), at(2), at(3), scan_}, scan_ + ": not a shard of darkscan lee (no /lee_shard"},
      {{at(1), text, at(3)}, text},
      {{at(1), p("absent.h5"), at(3)}, p("absent.h5")},
  };
  for (const auto& [files, message] : cases) {
    SCOPED_TRACE(message);
    testing::expect_refused(testing::merge_shards(out, files), message, out);
  }
  // The same shards, whole: merged.
  const auto r = testing::merge_shards(out, {at(2), at(3), at(1)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(LeeShard, BadShardValuesAreRefusedNamingTheOption) {
  for (const std::string value : {"0/3", "4/3", "3", "1/0", "a/3", "-1/3", "", "1/3/3"}) {
    SCOPED_TRACE(value);
    const auto r = lee(p("out.h5"), {"--shard=" + value});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    // An empty value is refused by the command-line parser, naming the option too.
    EXPECT_NE(r.err.find("darkscan: error: --shard: " + (value.empty() ? std::string() : "'" + value + "'")),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(p("out.h5")));
    EXPECT_FALSE(std::filesystem::exists(p("out.h5.toys.partial")));
  }
}

}  // namespace
}  // namespace darkscan
