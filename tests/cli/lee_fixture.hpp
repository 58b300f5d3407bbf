#pragma once
// The inputs of the look-elsewhere command's tests: a signal model of three pi+pi-
// points made once per suite, and per test a config, a small selected data set and its
// scan, with `darkscan lee` on them a call away; and the comparison of two of its outputs.
// Besides, what the shard tests of every stage share: a shard's run, the merge and its
// refusals, and the pi+pi- model and data they start from.
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "io/host_batch.hpp"
#include "support/h5_read.hpp"
#include "support/h5_builder.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan::testing {

const std::string kConfig = R"([run]
seed = 11
[signal_model]
ctau_range_cm = [1.0, 100.0]
ctau_points_per_decade = 2
[scan]
final_states = ["pipi"]
sigma_extrapolation_gev = 0.4
)";

const std::vector<double> kPipiMasses{0.31, 0.42, 0.55, 0.62, 0.749, 0.75, 0.751, 0.93, 1.04, 1.31, 1.77, 2.2, 2.8};
constexpr std::uint64_t kToys = 300, kBatch = 50;

inline bool same_attribute(const h5::AttributeValue& a, const h5::AttributeValue& b) {
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<double>(&a))  // NaN and infinities too, by their bits
    return std::bit_cast<std::uint64_t>(*x) == std::bit_cast<std::uint64_t>(std::get<double>(b));
  return a == b;
}

// Every dataset of `a` and `b` equal bit for bit, and every attribute of every object
// but those named "path@attribute" in `may_differ`; nothing of a shard left in `a`.
inline void expect_same_file(const std::string& a, const std::string& b, const std::set<std::string>& may_differ = {}) {
  const auto x = stored_content(a), y = stored_content(b);
  std::vector<std::string> xs, ys;
  for (const auto& [path, bytes] : x.datasets) xs.push_back(path);
  for (const auto& [path, bytes] : y.datasets) ys.push_back(path);
  ASSERT_EQ(xs, ys) << "the datasets of " << a << " and " << b;
  for (const auto& [path, bytes] : x.datasets) EXPECT_TRUE(bytes == y.datasets.at(path)) << path << " differs";
  ASSERT_EQ(x.attributes.size(), y.attributes.size());
  for (const auto& [path, attributes] : x.attributes) {
    const auto& other = y.attributes.at(path);
    ASSERT_EQ(attributes.size(), other.size()) << path;
    for (std::size_t i = 0; i < attributes.size(); ++i) {
      EXPECT_EQ(attributes[i].first, other[i].first) << path;
      if (may_differ.contains(path + "@" + attributes[i].first)) continue;
      EXPECT_TRUE(same_attribute(attributes[i].second, other[i].second)) << path << "@" << attributes[i].first;
    }
  }
  for (const auto& [path, bytes] : x.datasets) EXPECT_EQ(path.find("_shard/"), std::string::npos) << path;
}

// expect_same_file of two look-elsewhere outputs, which must hold what lee writes.
inline void expect_same_lee_file(const std::string& a, const std::string& b,
                                 const std::set<std::string>& may_differ = {}) {
  expect_same_file(a, b, may_differ);
  const auto x = stored_content(a);
  std::vector<std::string> xs;
  for (const auto& [path, bytes] : x.datasets) xs.push_back(path);
  // What the comparison covered: the scan's tables, the toys, coverage and expected
  // limits (with rows), nothing of a shard left.
  for (const char* table : {"/scan/mass", "/lee/toys/max_z", "/lee/coverage/covered", "/expected/ul_events_median"})
    EXPECT_TRUE(x.datasets.contains(table)) << table;
  EXPECT_GT(read_column<double>(h5::open_file_readonly(a).get(), "/lee/coverage/coverage").size(), 0u);
  for (const auto& path : xs) EXPECT_FALSE(path.starts_with("/lee_shard")) << path;
}

// `r` refused in one line saying `message` (after "darkscan: error: "), exit 2, with
// nothing at `out`.
inline void expect_refused(const CommandResult& r, const std::string& message, const std::string& out) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("darkscan: error: " + message), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

using MergeCases = std::vector<std::pair<std::vector<std::string>, std::string>>;

// The refusals every stage's merge makes (io/shard_file.hpp), each {shards, message}:
// `at` the shards 1/3, 2/3 and 3/3 as at[1..3], `copy2` a copy of at[2], `other` shard
// 2/3 of another run whose fingerprint line `line` differs first from at[1]'s, `half`
// shard 1/2 and `whole` the stage's unsharded output (no shard).
inline MergeCases merge_refusals(const std::vector<std::string>& at, const std::string& copy2, const std::string& other,
                                 const std::string& line, const std::string& half, const std::string& whole) {
  return {
      {{at[1], at[3]}, "merge: shard 2 of 3 missing (given: " + at[1] + " (1), " + at[3] + " (3))"},
      {{at[1], at[2], copy2, at[3]}, "merge: " + at[2] + " and " + copy2 + " are both shard 2/3"},
      {{at[1], other, at[3]},
       "merge: " + other + " is a shard of another run than " + at[1] + ": its fingerprint has '" + line},
      {{at[1], at[2], at[3], half},
       "merge: " + at[1] + " is shard 1/3 and " + half + " is shard 1/2: shards of one run have the same N"},
      {{whole, at[1], at[2], at[3]}, whole + ": not a shard (no /lee_shard, /efficiency_shard, /scan_shard"},
  };
}

// darkscan merge --output `out` of each case's shards refused as the case says
// (expect_refused), nothing written.
inline void expect_merge_refusals(const MergeCases& cases, const std::string& out) {
  for (const auto& [files, message] : cases) {
    SCOPED_TRACE(message);
    std::vector<std::string> args{"merge", "--output", out};
    args.insert(args.end(), files.begin(), files.end());
    expect_refused(run_darkscan(args), message, out);
  }
}

// mpirun's MPMD form: `ranks` ranks of darkscan `args` and one more of `args` + `other`,
// oversubscribed (more ranks than cores), as root where the tests run so.
inline std::vector<std::string> mpmd_argv(const char* mpiexec, const char* exe, int ranks,
                                          const std::vector<std::string>& args, const std::vector<std::string>& other) {
  std::vector<std::string> argv{mpiexec, "--oversubscribe", "--allow-run-as-root", "-n", std::to_string(ranks), exe};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {":", "-n", "1", exe});
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), other.begin(), other.end());
  return argv;
}

// darkscan merge --output `out` of `shards`.
inline CommandResult merge_shards(const std::string& out, const std::vector<std::string>& shards) {
  std::vector<std::string> args{"merge", "--output", out};
  args.insert(args.end(), shards.begin(), shards.end());
  return run_darkscan(args);
}

// Shard K/N of a stage: `run(out, extra)` with `--shard K/N` added to `extra`, which must
// succeed and say "shard K/N: `says`" on stdout. Returns `out`.
inline std::string run_shard(const std::function<CommandResult(const std::string&, std::vector<std::string>)>& run,
                             const std::string& out, int k, int n, std::vector<std::string> extra,
                             const std::string& says) {
  const std::string kn = std::to_string(k) + "/" + std::to_string(n);
  extra.insert(extra.end(), {"--shard", kn});
  const auto r = run(out, extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("shard " + kn + ": " + says), std::string::npos) << r.out;
  return out;
}

// In `dir`: signal.h5, three pi+pi- signal points (m(h') = 0.6, 1.5 and 3 GeV, cτ(h') =
// 10 cm) of 2000 events, and model.h5, their signal model with `config_text` as config.toml.
inline void make_pipi_model(const std::filesystem::path& dir, const std::string& config_text) {
  const std::string events = (dir / "signal.h5").string();
  const std::string config = (dir / "config.toml").string();
  std::ofstream(config) << config_text;
  std::vector<std::string> args{"generate", "--output", events, "--events", "2000", "--seed", "7"};
  for (const char* m : {"0.6", "1.5", "3.0"}) {
    args.push_back("--signal-point");
    args.push_back(std::string("final_state=pipi,m_hp=") + m + ",ctau_hp_cm=10");
  }
  auto r = run_darkscan(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_darkscan({"efficiency", "--config", config, "--input", events, "--output", (dir / "model.h5").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// Selected data at `path`: the pi+pi- masses kPipiMasses.
inline void write_pipi_data(const std::string& path) {
  io::HostBatch batch;
  std::vector<std::int8_t> fs(kPipiMasses.size(), 1);
  batch.rows = kPipiMasses.size();
  batch.columns = {io::HostColumn::from<std::int8_t>("final_state", fs),
                   io::HostColumn::from<double>("mass", kPipiMasses)};
  testing::H5Builder builder(path);
  builder.column_sample("/selected/data", batch, "data");
  builder.close();
}

class LeeFixture : public TempDirTest {
 protected:
  static void SetUpTestSuite() {
    shared_ = std::filesystem::temp_directory_path() / ("darkscan-lee-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(shared_);
    make_pipi_model(shared_, kConfig);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(shared_, ec);
  }
  void SetUp() override {
    TempDirTest::SetUp();
    model_ = (shared_ / "model.h5").string();
    config_ = write_file("lee.toml", kConfig);
    data_ = path("selected.h5").string();
    write_pipi_data(data_);
    scan_ = path("scan.h5").string();
    const auto r = run_darkscan({"scan", "--config", config_, "--data", data_, "--model", model_, "--output", scan_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // darkscan lee on these inputs: `toys` toys in batches of kBatch, 20 coverage toys a
  // point, written to `out` (its default output when "").
  CommandResult lee(const std::string& out, std::vector<std::string> extra = {}, std::uint64_t toys = kToys) {
    std::vector<std::string> args{"lee",     "--config", config_,         "--data",  data_,
                                  "--model", model_,     "--scan",        scan_,     "--toys",
                                  std::to_string(toys), "--batch", std::to_string(kBatch), "--coverage-toys", "20"};
    if (!out.empty()) {
      args.push_back("--output");
      args.push_back(out);
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return run_darkscan(args);
  }

  static inline std::filesystem::path shared_;
  std::string model_, config_, data_, scan_;
};

}  // namespace darkscan::testing
