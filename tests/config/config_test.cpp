// Config parsing: the paper's defaults (typed in here from docs/physics/selection.md,
// not read from the code), the shipped configs, and every kind of bad value.
#include "config/config.hpp"
#include "config/limits.hpp"

#include <gtest/gtest.h>

#include "errors.hpp"

namespace darkscan::config {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse(text, "cfg.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, DefaultsAreThePapersSelection) {
  const SelectionConfig s;
  EXPECT_EQ(s.ecl_energy_trigger_min_gev, 1.5);
  EXPECT_EQ(s.track_hits_min, 20);
  EXPECT_EQ(s.pair_opening_angle_min_rad, 0.1);
  EXPECT_EQ(s.hp_pointing_angle_max_deg, 3.1);
  EXPECT_EQ(s.displaced_dv_min_cm, 0.2);
  EXPECT_EQ(s.vertex_dv_max_cm, 110.0);
  EXPECT_EQ(s.hp_track_theta_ext_deg.lo, 37.0);
  EXPECT_EQ(s.hp_track_theta_ext_deg.hi, 122.0);
  EXPECT_EQ(s.pipi_track_theta_ext_deg.lo, 18.0);
  EXPECT_EQ(s.pipi_track_theta_ext_deg.hi, 155.0);
  EXPECT_EQ(s.electron_e_over_p_min, 0.6);
  EXPECT_EQ(s.ks_veto_gev.lo, 0.467);
  EXPECT_EQ(s.ks_veto_gev.hi, 0.529);
  EXPECT_EQ(s.lambda_veto_gev.lo, 1.06);
  EXPECT_EQ(s.lambda_veto_gev.hi, 1.15);
  EXPECT_EQ(s.phi_veto_gev.lo, 0.977);
  EXPECT_EQ(s.phi_veto_gev.hi, 1.061);
  EXPECT_EQ(s.missing_energy_cm_min_gev, 0.4);
  EXPECT_EQ(s.missing_klm_angle_min_rad, 0.5);
  EXPECT_EQ(s.missing_theta_deg.lo, 23.0);
  EXPECT_EQ(s.missing_theta_deg.hi, 149.0);
  EXPECT_EQ(s.ee_mass_max_gev, 2.5);
  EXPECT_EQ(s.extra_tracks_max, 0);
  EXPECT_EQ(s.ecl_energy_extra_max_gev, 1.0);
  EXPECT_EQ(s.hp_opening_angle_max_rad, 3.0);
  const ColliderConfig c;
  EXPECT_EQ(c.e_minus_gev, 7.0);
  EXPECT_EQ(c.e_plus_gev, 4.0);
  EXPECT_EQ(c.luminosity_fb, 365.0);
  EXPECT_EQ(c.luminosity_rel_unc, 0.0047);
}

TEST(Config, ShippedConfigsParse) {
  const Config paper = load(DARKSCAN_SOURCE_DIR "/scan_configs/belle2_2025.toml");
  EXPECT_EQ(paper.run.name, "belle2_2025");
  EXPECT_EQ(paper.selection.track_hits_min, 20);
  EXPECT_EQ(paper.selection.phi_veto_gev.hi, 1.061);
  const Config demo = load(DARKSCAN_SOURCE_DIR "/scan_configs/demo.toml");
  EXPECT_EQ(demo.run.name, "demo");
  EXPECT_EQ(demo.input.chunk_rows, 65536u);
}

TEST(Config, ValuesAreApplied) {
  const Config c = parse(R"(
    [run]
    backend = "cpu"
    threads = 3
    [selection]
    track_hits_min = 25
    ecl_energy_trigger_min_gev = 2    # an integer where a float is expected is fine
    ks_veto_gev = [0.45, 0.55]
    [columns]
    hp_trk0_px = "daughter__bo0__cm__sppx__bc"
  )",
                         "cfg.toml");
  EXPECT_EQ(c.run.backend, "cpu");
  EXPECT_EQ(c.run.threads, 3);
  EXPECT_EQ(c.selection.track_hits_min, 25);
  EXPECT_EQ(c.selection.ecl_energy_trigger_min_gev, 2.0);
  EXPECT_EQ(c.selection.ks_veto_gev.lo, 0.45);
  EXPECT_EQ(c.columns.stored_name("hp_trk0_px"), "daughter__bo0__cm__sppx__bc");
  EXPECT_EQ(c.columns.stored_name("hp_trk0_py"), "hp_trk0_py");
}

struct BadCase {
  const char* text;
  const char* must_contain;
};

class BadConfig : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadConfig, IsRefusedWithAOneLineMessageNamingFileAndKey) {
  const std::string msg = error_of(GetParam().text);
  ASSERT_FALSE(msg.empty()) << "accepted: " << GetParam().text;
  EXPECT_NE(msg.find("cfg.toml"), std::string::npos) << msg;
  EXPECT_NE(msg.find(GetParam().must_contain), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadConfig,
    ::testing::Values(
        BadCase{"[selection]\ntrack_hit_min = 20\n", "unknown key 'selection.track_hit_min'; did you mean 'selection.track_hits_min'"},
        BadCase{"[selectoin]\ntrack_hits_min = 20\n", "unknown section [selectoin]"},
        BadCase{"bogus = 1\n", "unknown key 'bogus'"},
        BadCase{"[selection]\ntrack_hits_min = -3\n", "selection.track_hits_min': -3 is outside"},
        BadCase{"[selection]\ntrack_hits_min = 20.5\n", "selection.track_hits_min': expected an integer"},
        BadCase{"[selection]\nhp_pointing_angle_max_deg = 0\n", "selection.hp_pointing_angle_max_deg': 0 is outside"},
        BadCase{"[selection]\nhp_pointing_angle_max_deg = nan\n", "selection.hp_pointing_angle_max_deg': nan"},
        BadCase{"[selection]\nee_mass_max_gev = \"2.5\"\n", "selection.ee_mass_max_gev': expected a number"},
        BadCase{"[selection]\nks_veto_gev = [0.53, 0.46]\n", "selection.ks_veto_gev': lower edge"},
        BadCase{"[selection]\nks_veto_gev = [0.46]\n", "selection.ks_veto_gev': expected [lo, hi]"},
        BadCase{"[selection]\ndisplaced_dv_min_cm = 200\n", "selection.displaced_dv_min_cm"},
        BadCase{"[collider]\nluminosity_rel_unc = 2\n", "collider.luminosity_rel_unc': 2 is outside"},
        BadCase{"[run]\nbackend = \"gpu\"\n", "run.backend': 'gpu' is not one of auto | cpu | cuda"},
        BadCase{"[input]\nchunk_rows = 0\n", "input.chunk_rows': 0 is outside"},
        BadCase{"[columns]\nhp_trk0_pxx = \"a\"\n", "'hp_trk0_pxx' is not a darkscan column"},
        BadCase{"[columns]\nhp_trk0_px = 3\n", "columns.hp_trk0_px': expected a string"},
        BadCase{"[selection\ntrack_hits_min = 20\n", "cfg.toml:1:"}),
    [](const ::testing::TestParamInfo<BadCase>& param) { return "case" + std::to_string(param.index); });

// A UTF-8 byte-order mark (as some editors save a file) is skipped; anywhere else a
// character that does not print is shown as an escape in the message, never as itself.
TEST(Config, ByteOrderMarkIsSkippedAndNeverPrinted) {
  const Config cfg = parse("\xEF\xBB\xBF[selection]\ntrack_hits_min = 30\n", "cfg.toml");
  EXPECT_EQ(cfg.selection.track_hits_min, 30);
  for (const std::string text : {"[selection]\n\xEF\xBB\xBFtrack_hits_min = 30\n",
                                 "[selection]\n\"\xEF\xBB\xBFtrack_hits_min\" = 30\n",
                                 "[\"\xEF\xBB\xBFselection\"]\ntrack_hits_min = 30\n",
                                 "[columns]\n\"hp_trk0_px\xEF\xBB\xBF\" = \"a\"\n"}) {
    const std::string error = error_of(text);
    EXPECT_NE(error.find("cfg.toml:"), std::string::npos) << error;
    for (const char c : error) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << error;
  }
  EXPECT_NE(error_of("[selection]\n\"\xEF\xBB\xBFtrack_hits_min\" = 30\n")
                .find("unknown key 'selection.\\xef\\xbb\\xbftrack_hits_min'"),
            std::string::npos);
}

// Values whose implied sizes exceed the limits of config.hpp (docs/bad-input.md): refused
// when the config is read, naming the key and the size it implies, not in a stage's
// allocation.
INSTANTIATE_TEST_SUITE_P(
    Sizes, BadConfig,
    ::testing::Values(
        // A step of 1e-6 sigma made the scan grow to gigabytes; 0.01 is the least step.
        BadCase{"[scan]\nwindow_step_sigma = 1e-6\n", "scan.window_step_sigma': 1e-06 is outside the valid range [0.01, 100]"},
        // A half width of 1e-300 sigma gave windows of no width (f = inf in the statistics).
        BadCase{"[scan]\nwindow_half_width_sigma = 1e-300\n",
                "scan.window_half_width_sigma': 1e-300 is outside the valid range [0.01, 100]"},
        // 1,000 points a decade of cτ(chi2) over the default [0.01, 1000] cm: 5,001 points,
        // 255,051 cells with the default 51 cτ(h') points.
        BadCase{"[signal_model]\nctau_chi2_points_per_decade = 1000\n",
                "signal_model.ctau_chi2_points_per_decade': 1000 a decade over signal_model.ctau_chi2_range_cm = "
                "[0.01, 1000] is a cτ(chi2) grid of 5001 points, 255051 cells a signal point with the 51 cτ(h') points; "
                "at most 1000 points and 100000 cells"},
        // Under the point limit, over the cell limit: 401 x 401.
        BadCase{"[signal_model]\nctau_range_cm = [1.0, 100.0]\nctau_points_per_decade = 200\n"
                "ctau_chi2_range_cm = [1.0, 100.0]\nctau_chi2_points_per_decade = 200\n",
                "401 points, 160801 cells"},
        BadCase{"[signal_model]\nctau_range_cm = [1e-6, 1e9]\nctau_points_per_decade = 100\n",
                "signal_model.ctau_points_per_decade': 100 a decade over signal_model.ctau_range_cm = [1e-06, "
                "1000000000] is a cτ(h') grid of 1501 points; at most 1000"}),
    [](const ::testing::TestParamInfo<BadCase>& param) { return "size" + std::to_string(param.index); });

TEST(Config, SizesAtTheLimitsAreAccepted) {
  // 1,000 cτ(h') points; the least window step and width.
  const Config c = parse(
      "[signal_model]\nctau_range_cm = [1.0, 1e9]\nctau_points_per_decade = 111\n"
      "[scan]\nwindow_step_sigma = 0.01\nwindow_half_width_sigma = 0.01\n",
      "cfg.toml");
  EXPECT_EQ(log_grid_points(c.signal_model.ctau_range_cm, c.signal_model.ctau_points_per_decade), 1000);
  EXPECT_EQ(c.scan.window_step_sigma, 0.01);
  EXPECT_EQ(c.scan.window_half_width_sigma, 0.01);
  // A 316 x 316 map: 99,856 cells.
  const Config map = parse(
      "[signal_model]\nctau_range_cm = [1.0, 1e5]\nctau_points_per_decade = 63\n"
      "ctau_chi2_range_cm = [1.0, 1e5]\nctau_chi2_points_per_decade = 63\n",
      "cfg.toml");
  EXPECT_EQ(log_grid_points(map.signal_model.ctau_chi2_range_cm, map.signal_model.ctau_chi2_points_per_decade), 316);
  const std::string over = error_of(
      "[signal_model]\nctau_range_cm = [1.0, 1e9]\nctau_points_per_decade = 112\n");
  EXPECT_NE(over.find("grid of 1009 points; at most 1000"), std::string::npos) << over;
}

TEST(Config, MissingFileIsABadInput) {
  try {
    load("/no/such/config.toml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/no/such/config.toml: no such config file");
  }
}

TEST(Config, DocumentationCoversEveryKeyWithADefault) {
  const auto docs = documentation();
  EXPECT_GT(docs.size(), 25u);
  for (const auto& d : docs) {
    EXPECT_FALSE(d.doc.empty()) << d.key;
    EXPECT_FALSE(d.default_value.empty()) << d.key;
  }
}

}  // namespace
}  // namespace darkscan::config
