// darkscan scan through the executable: a signal model from generated pi+pi- points and
// selected data written here by hand, so that every count can be checked against the
// hand-made masses; the table's layout, units and provenance; thread independence; bad
// input (one line, exit code 2, no output); lee and interpret on the scan, every dataset
// of their outputs with its unit and description.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "io/h5.hpp"
#include "io/host_batch.hpp"
#include "support/h5_builder.hpp"
#include "support/h5_read.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

using testing::read_column;
using testing::run_darkscan;

std::string string_attribute(hid_t obj, const std::string& name) {
  for (const auto& [k, v] : h5::read_attributes(obj, "test"))
    if (k == name && std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  return "";
}

const std::string kConfigHead = R"([signal_model]
ctau_range_cm = [1.0, 100.0]
ctau_points_per_decade = 2
ctau_chi2_range_cm = [0.01, 100.0]
ctau_chi2_points_per_decade = 2
[scan]
final_states = ["pipi"]
)";
const std::string kConfig = kConfigHead + "sigma_extrapolation_gev = 0.4\n";

// Hand-made pi+pi- masses (three at 0.75 GeV: an excess) and two mu+mu- ones.
const std::vector<double> kPipiMasses{0.31, 0.42, 0.55, 0.62, 0.749, 0.75, 0.751, 0.93, 1.04, 1.31, 1.77, 2.2, 2.8};

class ScanCommand : public testing::TempDirTest {
 protected:
  static void SetUpTestSuite() {
    shared_ = std::filesystem::temp_directory_path() / ("darkscan-scan-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(shared_);
    const std::string events = (shared_ / "signal.h5").string();
    const std::string config = (shared_ / "config.toml").string();
    std::ofstream(config) << kConfig;
    std::vector<std::string> args{"generate", "--output", events, "--events", "3000", "--seed", "7"};
    for (const char* m : {"0.6", "1.5", "3.0"})
      for (const char* c : {"3", "30"}) {
        args.push_back("--signal-point");
        args.push_back(std::string("final_state=pipi,m_hp=") + m + ",ctau_hp_cm=" + c);
      }
    auto r = run_darkscan(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_darkscan({"efficiency", "--config", config, "--input", events, "--output", (shared_ / "model.h5").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(shared_, ec);
  }
  void SetUp() override {
    TempDirTest::SetUp();
    model_ = (shared_ / "model.h5").string();
    config_ = write_file("scan.toml", kConfig);
    data_ = write_data("selected.h5", kPipiMasses);
  }

  std::string write_data(const std::string& name, const std::vector<double>& pipi) {
    io::HostBatch batch;
    std::vector<std::int8_t> fs(pipi.size(), 1);
    std::vector<double> mass = pipi;
    fs.insert(fs.end(), {0, 0});
    mass.insert(mass.end(), {0.5, 1.2});
    batch.rows = mass.size();
    batch.columns = {io::HostColumn::from<std::int8_t>("final_state", fs),
                     io::HostColumn::from<double>("mass", mass)};
    testing::H5Builder builder(path(name));
    builder.column_sample("/selected/data", batch, "data");
    builder.close();
    return path(name).string();
  }

  testing::CommandResult scan(const std::string& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"scan", "--config", config_, "--data", data_, "--model", model_, "--output", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_darkscan(args);
  }

  static inline std::filesystem::path shared_;
  std::string model_, config_, data_;
};

TEST_F(ScanCommand, EveryRowCountsTheHandMadeMassesAndCarriesItsLimit) {
  const auto out = path("scan.h5").string();
  const auto r = scan(out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("largest local excess: pipi at m = 0.7"), std::string::npos) << r.out;

  const auto file = h5::open_file_readonly(out);
  const auto fs = read_column<std::int8_t>(file.get(), "/scan/final_state");
  const auto ctau = read_column<double>(file.get(), "/scan/ctau_cm");
  const auto mass = read_column<double>(file.get(), "/scan/mass");
  const auto lo = read_column<double>(file.get(), "/scan/window_lo");
  const auto hi = read_column<double>(file.get(), "/scan/window_hi");
  const auto sigma = read_column<double>(file.get(), "/scan/sigma_mass");
  const auto n_obs = read_column<std::int64_t>(file.get(), "/scan/n_obs");
  const auto n_sb = read_column<std::int64_t>(file.get(), "/scan/n_sb");
  const auto eff = read_column<double>(file.get(), "/scan/efficiency");
  const auto p0 = read_column<double>(file.get(), "/scan/p0");
  const auto ul = read_column<double>(file.get(), "/scan/ul_events");
  const auto ul_xsec = read_column<double>(file.get(), "/scan/ul_xsec_fb");
  const auto status = read_column<std::int8_t>(file.get(), "/scan/limit_status");
  ASSERT_GT(mass.size(), 500u);
  ASSERT_EQ(mass.size() % 5, 0u);  // five lifetimes: 1, 3.16, 10, 31.6, 100 cm
  const std::size_t windows = mass.size() / 5;
  std::size_t with_limit = 0, below_model = 0;
  for (std::size_t i = 0; i < mass.size(); ++i) {
    EXPECT_EQ(fs[i], 1);
    EXPECT_NEAR(ctau[i], std::pow(10.0, static_cast<double>(i / windows) / 2), 1e-9 * ctau[i]);
    EXPECT_NEAR(hi[i] - lo[i], 4 * sigma[i], 1e-12);
    EXPECT_NEAR(0.5 * (lo[i] + hi[i]), mass[i], 1e-12);
    EXPECT_FALSE(lo[i] < 0.467 + 1e-12 && hi[i] > 0.529 - 1e-12) << "window in the K_S veto at " << mass[i];
    std::int64_t in = 0;
    for (double m : kPipiMasses) in += m >= lo[i] && m <= hi[i];
    EXPECT_EQ(n_obs[i], in) << mass[i];
    // Nothing vetoed among the hand-made masses: the sideband is the rest of the centre's side.
    std::int64_t side = 0;
    for (double m : kPipiMasses) side += (mass[i] < 1.0 ? m <= 1.0 : m >= 1.0) && !(m >= lo[i] && m <= hi[i]);
    EXPECT_EQ(n_sb[i], side) << mass[i];
    EXPECT_TRUE(p0[i] > 0 && p0[i] <= 1) << i;
    if (status[i] == 0) {
      ++with_limit;
      EXPECT_NEAR(ul_xsec[i], ul[i] / (eff[i] * 365.0), 1e-12 * ul_xsec[i]);
    } else {
      EXPECT_TRUE(std::isnan(ul_xsec[i]));
    }
    if (mass[i] < 0.6) {  // below the lowest signal point: no efficiency, still a p0
      ++below_model;
      EXPECT_EQ(status[i], 1);
    }
  }
  EXPECT_GT(with_limit, mass.size() / 2);
  // The largest Z is at a window holding the three events around 0.75 GeV.
  const auto z = read_column<double>(file.get(), "/scan/z");
  const auto best = std::max_element(z.begin(), z.end()) - z.begin();
  EXPECT_LE(lo[best], 0.749);
  EXPECT_GE(hi[best], 0.751);
  EXPECT_GT(below_model, 0u);

  // Units and provenance.
  h5::Dataset mass_ds(H5Dopen2(file.get(), "/scan/mass", H5P_DEFAULT));
  EXPECT_EQ(string_attribute(mass_ds.get(), "unit"), "GeV");
  EXPECT_EQ(testing::undescribed_datasets(out), std::vector<std::string>{});
  EXPECT_EQ(string_attribute(file.get(), "data_sha256").size(), 64u);
  EXPECT_EQ(string_attribute(file.get(), "model_sha256").size(), 64u);
  EXPECT_FALSE(string_attribute(file.get(), "darkscan_version").empty());
  EXPECT_EQ(string_attribute(file.get(), "config"), kConfig);

  // One final state: the combination is that final state's p0 on its own grid.
  const auto c_p0 = read_column<double>(file.get(), "/scan_combined/p0");
  const auto c_row = read_column<std::int64_t>(file.get(), "/scan_combined/row_pipi");
  ASSERT_EQ(c_p0.size(), mass.size());
  for (std::size_t i = 0; i < c_p0.size(); ++i) {
    ASSERT_GE(c_row[i], 0);
    EXPECT_EQ(c_p0[i], p0[c_row[i]]);
  }
}

TEST_F(ScanCommand, TheResultDoesNotDependOnTheThreadCount) {
  const auto one = path("one.h5").string(), two = path("two.h5").string();
  ASSERT_EQ(scan(one, {"--threads", "1"}).exit_code, 0);
  ASSERT_EQ(scan(two, {"--threads", "2"}).exit_code, 0);
  const auto a = h5::open_file_readonly(one), b = h5::open_file_readonly(two);
  for (const char* column : {"/scan/p0", "/scan/z", "/scan/ul_events", "/scan/f", "/scan/delta",
                             "/scan_combined/p0"}) {
    const auto x = read_column<double>(a.get(), column), y = read_column<double>(b.get(), column);
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i)
      ASSERT_TRUE(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i]))) << column << " row " << i;
  }
}

TEST_F(ScanCommand, BadInputIsOneLineExitTwoAndNoFile) {
  struct Case {
    std::string config_text;
    std::string data;  // "" keeps the good data
    std::string expect;
  };
  const std::string nan_data = write_data("nan.h5", {0.4, std::nan(""), 1.0});
  const Case cases[] = {
      {kConfigHead + "sigma_extrapolation_gev = 0.01\n", "", "model.h5"},
      {kConfig + "window_half_width_sigma = 0\n", "", "scan.window_half_width_sigma"},
      {kConfig + "window_step_sigma = -0.5\n", "", "scan.window_step_sigma"},
      // Sizes (docs/bad-input.md): a step of 1e-6 σ grew the scan to gigabytes, a half
      // width of 1e-300 σ made windows of no width (f = inf); refused as the config is read.
      {kConfig + "window_step_sigma = 1e-6\n", "", "key 'scan.window_step_sigma': 1e-06 is outside the valid range"},
      {kConfig + "window_half_width_sigma = 1e-300\n", "",
       "key 'scan.window_half_width_sigma': 1e-300 is outside the valid range"},
      {"[signal_model]\nctau_range_cm = [0.1, 100.0]\nctau_points_per_decade = 2\n[scan]\nfinal_states = "
       "[\"pipi\"]\nsigma_extrapolation_gev = 0.4\n",
       "", "model.h5"},
      {"[signal_model]\nctau_range_cm = [1.0, 100.0]\nctau_points_per_decade = 2\n[scan]\nfinal_states = "
       "[\"pipi\", \"kk\"]\nsigma_extrapolation_gev = 0.4\n",
       "", "final state kk"},
      {kConfig, model_, "model.h5"},  // no /selected group
      {kConfig, nan_data, "'mass'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expect);
    config_ = write_file("bad.toml", c.config_text);
    const std::string good_data = data_;
    if (!c.data.empty()) data_ = c.data;
    const auto out = path("bad_out.h5").string();
    const auto r = scan(out);
    data_ = good_data;
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

double double_attribute(hid_t obj, const std::string& name) {
  for (const auto& [k, v] : h5::read_attributes(obj, "test"))
    if (k == name && std::holds_alternative<double>(v)) return std::get<double>(v);
  return std::nan("");
}

TEST_F(ScanCommand, LeeAddsToysExpectedLimitsAndCoverageToTheScanFile) {
  const auto result = path("scan.h5").string();
  ASSERT_EQ(scan(result).exit_code, 0);
  auto lee = [&](const std::string& out) {
    return run_darkscan({"lee", "--config", config_, "--data", data_, "--model", model_, "--scan", result, "--toys",
                         "400", "--batch", "150", "--coverage-toys", "100", "--seed", "9", "--output", out});
  };
  const auto first = path("lee1.h5").string(), second = path("lee2.h5").string();
  auto r = lee(first);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("global p ="), std::string::npos) << r.out;
  ASSERT_EQ(lee(second).exit_code, 0);

  const auto file = h5::open_file_readonly(first);
  const auto z = read_column<double>(file.get(), "/scan/z");
  const auto toys = read_column<double>(file.get(), "/lee/toys/max_z");
  ASSERT_EQ(toys.size(), 400u);
  h5::Group lee_group(H5Gopen2(file.get(), "/lee/toys", H5P_DEFAULT));
  // The toys' own scan of the data finds the scan's largest Z (their p0 agrees to 1e-10).
  EXPECT_NEAR(double_attribute(lee_group.get(), "z_local"), *std::max_element(z.begin(), z.end()), 1e-8);
  const double p = double_attribute(lee_group.get(), "p_global");
  EXPECT_GT(p, 0.0);
  EXPECT_LT(p, 1.0);
  // Expected limits row by row beside /scan, ordered bands.
  const auto status = read_column<std::int8_t>(file.get(), "/scan/limit_status");
  const auto m2 = read_column<double>(file.get(), "/expected/ul_xsec_fb_m2");
  const auto med = read_column<double>(file.get(), "/expected/ul_xsec_fb_median");
  const auto p2 = read_column<double>(file.get(), "/expected/ul_xsec_fb_p2");
  ASSERT_EQ(med.size(), z.size());
  for (std::size_t i = 0; i < med.size(); ++i) {
    if (status[i] != 0) {
      EXPECT_TRUE(std::isnan(med[i]));
      continue;
    }
    EXPECT_LE(m2[i], med[i]);
    EXPECT_LE(med[i], p2[i]);
  }
  const auto coverage = read_column<double>(file.get(), "/lee/coverage/coverage");
  ASSERT_FALSE(coverage.empty());
  for (double c : coverage) EXPECT_GT(c, 0.85);
  // The same seed, the same toys.
  const auto again = h5::open_file_readonly(second);
  EXPECT_EQ(read_column<double>(again.get(), "/lee/toys/max_z"), toys);
  // Every column of /lee and /expected (and of /scan, copied) says its unit and what it is.
  EXPECT_EQ(testing::undescribed_datasets(first), std::vector<std::string>{});
  // The scan file itself was left as it was.
  EXPECT_FALSE(h5::link_exists(h5::open_file_readonly(result).get(), "/lee"));
}

TEST_F(ScanCommand, LeeRefusesAScanOfOtherData) {
  const auto result = path("scan.h5").string();
  ASSERT_EQ(scan(result).exit_code, 0);
  const std::string other = write_data("other.h5", {0.4, 0.9, 1.7});
  const auto out = path("lee.h5").string();
  const auto r = run_darkscan({"lee", "--config", config_, "--data", other, "--model", model_, "--scan", result,
                               "--toys", "10", "--output", out});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("scan.h5"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(ScanCommand, InterpretCombinesAndExcludesConsistentlyWithTheScan) {
  const auto result = path("scan.h5").string();
  ASSERT_EQ(scan(result).exit_code, 0);
  const auto out = path("interpret.h5").string();
  const auto r = run_darkscan({"interpret", "--config", config_, "--scan", result, "--model", model_, "--output", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto file = h5::open_file_readonly(out);
  const auto scan_file = h5::open_file_readonly(result);
  // One final state scanned: each combined limit is that window's limit over B(pi+pi-).
  const auto ul_events = read_column<double>(scan_file.get(), "/scan/ul_events");
  const auto efficiency = read_column<double>(scan_file.get(), "/scan/efficiency");
  const auto rows = read_column<std::int64_t>(scan_file.get(), "/scan_combined/row_pipi");
  const auto combined_mass = read_column<double>(scan_file.get(), "/scan_combined/mass");
  const auto limit = read_column<double>(file.get(), "/combined_limits/limit_fb");
  const auto mass = read_column<double>(file.get(), "/combined_limits/mass");
  const auto b = read_column<double>(file.get(), "/combined_limits/b_pipi");
  ASSERT_FALSE(limit.empty());
  std::size_t compared = 0, j = 0;
  for (std::size_t i = 0; i < combined_mass.size() && j < mass.size(); ++i) {
    if (combined_mass[i] != mass[j]) continue;  // above the widths' 2 GeV
    const auto row = rows[i];
    if (std::isfinite(limit[j]) && row >= 0 && std::isfinite(ul_events[row])) {
      EXPECT_NEAR(limit[j] * b[j] * efficiency[row] * 365.0, ul_events[row], 1e-9 * ul_events[row]) << mass[j];
      ++compared;
    }
    ++j;
  }
  EXPECT_GT(compared, 100u);
  // At an interval's closed edges the interpolated limit equals the prediction.
  const auto pred = read_column<double>(file.get(), "/sin_theta/intervals/predicted_fb");
  const auto at_lo = read_column<double>(file.get(), "/sin_theta/intervals/limit_at_lo_fb");
  const auto open_lo = read_column<std::int8_t>(file.get(), "/sin_theta/intervals/open_lo");
  const auto lo = read_column<double>(file.get(), "/sin_theta/intervals/sin_theta_lo");
  const auto hi = read_column<double>(file.get(), "/sin_theta/intervals/sin_theta_hi");
  for (std::size_t i = 0; i < pred.size(); ++i) {
    EXPECT_LT(lo[i], hi[i]);
    if (!open_lo[i]) {
      EXPECT_DOUBLE_EQ(at_lo[i], pred[i]);
    }
  }
  // Every column of every table says its unit and what it is.
  EXPECT_EQ(testing::undescribed_datasets(out), std::vector<std::string>{});
}

TEST_F(ScanCommand, InterpretMakesTheYLimitAndTheBenchmarkPoints) {
  const auto result = path("scan.h5").string();
  ASSERT_EQ(scan(result).exit_code, 0);
  const auto alone = path("alone.h5").string();
  auto r = run_darkscan({"interpret", "--config", config_, "--scan", result, "--model", model_, "--output", alone});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = path("benchmarks.h5").string();
  r = run_darkscan({"interpret", "--config", config_, "--scan", result, "--model", model_, "--output", out,
                    "--benchmark-points"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto file = h5::open_file_readonly(out);
  const auto base = h5::open_file_readonly(alone);
  // Every column of every table, /y_limit's too, says its unit and what it is.
  ASSERT_TRUE(h5::link_exists(file.get(), "/y_limit/curve"));
  EXPECT_EQ(testing::undescribed_datasets(out), std::vector<std::string>{});

  // The [model] point and the twelve benchmarks; point 0 as without them, bit for bit.
  const auto ctau_chi2 = read_column<double>(file.get(), "/model_points/ctau_chi2_cm");
  const auto eff_ctau_chi2 = read_column<double>(file.get(), "/model_points/efficiency_ctau_chi2_cm");
  ASSERT_EQ(ctau_chi2.size(), 13u);
  for (std::size_t k = 1; k < 13; ++k) EXPECT_EQ(eff_ctau_chi2[k], ctau_chi2[k]) << k;  // through the maps
  const auto point = read_column<std::int32_t>(file.get(), "/sin_theta/masses/model_point");
  const auto best = read_column<double>(file.get(), "/sin_theta/masses/best_limit_fb");
  const auto best_alone = read_column<double>(base.get(), "/sin_theta/masses/best_limit_fb");
  ASSERT_EQ(point.size(), 13 * best_alone.size());
  for (std::size_t i = 0; i < best_alone.size(); ++i) {
    EXPECT_EQ(point[i], 0);
    EXPECT_TRUE(best[i] == best_alone[i] || (std::isnan(best[i]) && std::isnan(best_alone[i])));
  }

  // The y limit: one m(chi1) (the samples'), every point; prediction ∝ ε², y = ε² α_D (m1/m_A')⁴,
  // and a grid ε is inside an excluded interval exactly where its prediction exceeds its limit.
  const auto m_chi1 = read_column<double>(file.get(), "/y_limit/masses/m_chi1");
  const auto y_point = read_column<std::int32_t>(file.get(), "/y_limit/masses/model_point");
  const auto y_per = read_column<double>(file.get(), "/y_limit/masses/y_per_epsilon2");
  ASSERT_EQ(m_chi1.size(), 13u);
  const auto c_point = read_column<std::int32_t>(file.get(), "/y_limit/curve/model_point");
  const auto eps = read_column<double>(file.get(), "/y_limit/curve/epsilon");
  const auto y = read_column<double>(file.get(), "/y_limit/curve/y");
  const auto pred = read_column<double>(file.get(), "/y_limit/curve/predicted_fb");
  const auto limit = read_column<double>(file.get(), "/y_limit/curve/limit_fb");
  const auto i_point = read_column<std::int32_t>(file.get(), "/y_limit/intervals/model_point");
  const auto e_lo = read_column<double>(file.get(), "/y_limit/intervals/epsilon_lo");
  const auto e_hi = read_column<double>(file.get(), "/y_limit/intervals/epsilon_hi");
  const auto p_lo = read_column<double>(file.get(), "/y_limit/intervals/predicted_at_lo_fb");
  const auto l_lo = read_column<double>(file.get(), "/y_limit/intervals/limit_at_lo_fb");
  const auto open_lo = read_column<std::int8_t>(file.get(), "/y_limit/intervals/open_lo");
  ASSERT_EQ(eps.size(), 13u * 81u);
  std::size_t excluded = 0, finite = 0;
  for (std::size_t j = 0; j < eps.size(); ++j) {
    const auto k = static_cast<std::size_t>(c_point[j]);
    const std::size_t first = k * 81;
    EXPECT_NEAR(pred[j] / (eps[j] * eps[j]), pred[first] / (eps[first] * eps[first]), 1e-12 * pred[j] / (eps[j] * eps[j]));
    EXPECT_NEAR(y[j], eps[j] * eps[j] * y_per[k], 1e-15 * y[j]);
    bool inside = false;
    for (std::size_t i = 0; i < e_lo.size(); ++i)
      inside = inside || (i_point[i] == c_point[j] && eps[j] >= e_lo[i] && eps[j] <= e_hi[i]);
    if (std::isfinite(limit[j])) {
      ++finite;
      EXPECT_EQ(inside, pred[j] > limit[j]) << "point " << k << " eps " << eps[j];
      excluded += inside;
    } else {
      EXPECT_FALSE(inside);
    }
  }
  EXPECT_GT(finite, 100u);
  EXPECT_GT(excluded, 10u);
  for (std::size_t i = 0; i < e_lo.size(); ++i) {
    if (!open_lo[i]) {
      EXPECT_NEAR(l_lo[i], p_lo[i], 1e-12 * p_lo[i]);
    }
  }
}

}  // namespace
}  // namespace darkscan
