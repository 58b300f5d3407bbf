// The h' widths, branching fractions and lifetime (docs/physics/dark-sector.md) against the
// sanity values computed independently of darkscan, and against limits worked out here:
// the β³ threshold, the μμ to ee ratio, the 1/sin²θ scaling, the charged shares of ππ and
// KK; a user table read back, and bad tables refused.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <fstream>

#include "darkscan/physics/dark_higgs.hpp"
#include "errors.hpp"
#include "physics/dark_higgs_widths.hpp"
#include "support/temp_dir.hpp"

namespace darkscan::physics {
namespace {

constexpr double kMuon = 0.1056583755, kElectron = 0.51099895e-3;

TEST(DarkHiggs, SanityValuesOfTheory) {
  const auto w = DarkHiggsWidths::builtin();
  EXPECT_NEAR(w.partial_hat(HiggsChannel::mumu, 0.5), 2.732e-9, 0.0005 * 2.732e-9);
  // The tables sum the charge states: π+π− is 2/3 of ππ, K+K− half of KK.
  EXPECT_NEAR(w.partial_hat(HiggsChannel::pipi, 0.5) * 1.5, 2.21e-8, 0.005 * 2.21e-8);
  EXPECT_NEAR(w.partial_hat(HiggsChannel::kk, 1.2) * 2.0, 8.86e-8, 0.005 * 8.86e-8);
  const double sin_theta = 1e-4;
  EXPECT_NEAR(w.total_hat(0.5) * sin_theta * sin_theta, 2.49e-16, 0.005 * 2.49e-16);
  EXPECT_NEAR(w.ctau_cm(0.5, sin_theta), 79.4, 0.005 * 79.4);
  EXPECT_NEAR(w.branching(HiggsChannel::mumu, 0.5), 0.110, 0.0015);
  EXPECT_NEAR(w.branching(HiggsChannel::pipi, 0.5) * 1.5, 0.890, 0.0015);
}

TEST(DarkHiggs, LeptonWidthHasThePWaveThreshold) {
  // Γ̂ / (m β³) is the constant m_ℓ² / (8π v²) at every mass.
  const double constant = kMuon * kMuon / (8 * 3.14159265358979323846 * 246.0 * 246.0);
  for (double m : {0.2114, 0.22, 0.3, 1.0, 3.0}) {
    const double beta = std::sqrt(1 - 4 * kMuon * kMuon / (m * m));
    EXPECT_NEAR(width_hp_to_leptons_hat(m, kMuon) / (m * beta * beta * beta), constant, 1e-13 * constant) << m;
  }
  EXPECT_EQ(width_hp_to_leptons_hat(2 * kMuon, kMuon), 0.0);
  EXPECT_EQ(width_hp_to_leptons_hat(0.1, kMuon), 0.0);
  // Well above both thresholds the widths go as the lepton mass squared.
  const double m = 1.5;
  const double ratio = width_hp_to_leptons_hat(m, kMuon) / width_hp_to_leptons_hat(m, kElectron);
  const double phase_space = std::pow((1 - 4 * kMuon * kMuon / (m * m)) / (1 - 4 * kElectron * kElectron / (m * m)), 1.5);
  EXPECT_NEAR(ratio, (kMuon / kElectron) * (kMuon / kElectron) * phase_space, 1e-10 * ratio);
}

TEST(DarkHiggs, LifetimeScalesAsOneOverSinThetaSquaredAndBranchingsDoNot) {
  const auto w = DarkHiggsWidths::builtin();
  for (double m : {0.3, 0.7, 1.1, 1.9}) {
    EXPECT_NEAR(w.ctau_cm(m, 1e-4) / w.ctau_cm(m, 3e-4), 9.0, 1e-12);
    double sum = 0;
    for (auto c : {HiggsChannel::ee, HiggsChannel::mumu}) sum += w.branching(c, m);
    // The rest is ππ and KK, of which the charged parts are 2/3 and 1/2.
    EXPECT_LT(sum + w.branching(HiggsChannel::pipi, m) + w.branching(HiggsChannel::kk, m), 1.0);
    EXPECT_GT(sum + 1.5 * w.branching(HiggsChannel::pipi, m) + 2 * w.branching(HiggsChannel::kk, m), 1 - 1e-12);
  }
  EXPECT_FALSE(w.total_incomplete(1.3));
  EXPECT_TRUE(w.total_incomplete(1.5));
  EXPECT_TRUE(std::isnan(w.total_hat(2.1)));  // beyond the tables
  EXPECT_EQ(w.partial_hat(HiggsChannel::kk, 0.9), 0.0);  // below the K K threshold
}

class WidthTable : public testing::TempDirTest {};

TEST_F(WidthTable, AUserTableReplacesTheBuiltInWidths) {
  const auto path = write_file("widths.csv",
                               "m_hp_gev, gamma_ee_gev, gamma_mumu_gev, gamma_pipi_gev, gamma_kk_gev, gamma_total_gev\n"
                               "0.5, 1e-13, 3e-9, 3e-8, 0, 4e-8\n"
                               "1.5, 2e-13, 9e-9, 6e-8, 4e-8, 2e-7\n");
  const auto w = DarkHiggsWidths::from_table(path);
  EXPECT_DOUBLE_EQ(w.partial_hat(HiggsChannel::mumu, 1.0), 6e-9);
  EXPECT_DOUBLE_EQ(w.partial_hat(HiggsChannel::pipi, 1.0), 2.0 / 3.0 * 4.5e-8);
  EXPECT_DOUBLE_EQ(w.total_hat(1.5), 2e-7);
  EXPECT_DOUBLE_EQ(w.branching(HiggsChannel::kk, 1.5), 0.5 * 4e-8 / 2e-7);
  EXPECT_EQ(w.valid_up_to(), 1.5);
  EXPECT_FALSE(w.total_incomplete(1.5));
  EXPECT_EQ(w.source(), path);
}

// The same table as HDF5: one 1-D dataset per column at the root, any numeric type.
void write_h5_table(const std::string& path, const std::vector<std::pair<std::string, std::vector<double>>>& columns,
                    bool two_d = false) {
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  for (const auto& [name, values] : columns) {
    const hsize_t dims[2] = {two_d ? values.size() / 2 : values.size(), 2};
    const hid_t space = H5Screate_simple(two_d ? 2 : 1, dims, nullptr);
    const hid_t ds = H5Dcreate2(file, name.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Dclose(ds);
    H5Sclose(space);
  }
  H5Fclose(file);
}

TEST_F(WidthTable, AnHdf5TableReadsAsTheCsvOne) {
  const std::string path = this->path("widths.h5").string();
  write_h5_table(path, {{"m_hp_gev", {0.5, 1.5}},
                        {"gamma_ee_gev", {0.0, 0.0}},
                        {"gamma_mumu_gev", {0.25, 0.75}},
                        {"gamma_pipi_gev", {3.0, 6.0}},
                        {"gamma_kk_gev", {0.0, 4.0}}});
  const auto w = DarkHiggsWidths::from_table(path);
  EXPECT_DOUBLE_EQ(w.partial_hat(HiggsChannel::mumu, 1.0), 0.5);
  EXPECT_DOUBLE_EQ(w.partial_hat(HiggsChannel::kk, 1.5), 0.5 * 4.0);
  EXPECT_DOUBLE_EQ(w.total_hat(1.0), 0.5 + 4.5 + 2.0);
  EXPECT_EQ(w.valid_up_to(), 1.5);

  const std::pair<std::vector<std::pair<std::string, std::vector<double>>>, const char*> bad[] = {
      {{{"m_hp_gev", {0.5, 1.5}}, {"gamma_ee_gev", {0, 0}}, {"gamma_mumu_gev", {0, 0}}, {"gamma_pipi_gev", {0, 0}}},
       "no dataset '/gamma_kk_gev'"},
      {{{"m_hp_gev", {0.5, 1.5}}, {"gamma_ee_gev", {0, 0}}, {"gamma_mumu_gev", {0, 0}}, {"gamma_pipi_gev", {0, 0}},
        {"gamma_kk_gev", {0, 0, 0}}},
       "/gamma_kk_gev has 3 rows"},
      {{{"m_hp_gev", {0.5, 1.5}}, {"gamma_ee_gev", {0, 0}}, {"gamma_mumu_gev", {0, -1}}, {"gamma_pipi_gev", {0, 0}},
        {"gamma_kk_gev", {0, 0}}},
       "/gamma_mumu_gev: row 2: -1 is negative"},
  };
  for (const auto& [columns, expect] : bad) {
    write_h5_table(path, columns);
    try {
      DarkHiggsWidths::from_table(path);
      ADD_FAILURE() << "accepted: " << expect;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(expect), std::string::npos) << e.what();
    }
  }
  write_h5_table(path, {{"m_hp_gev", {0.5, 1.5, 2.0, 2.5}}}, true);
  try {
    DarkHiggsWidths::from_table(path);
    ADD_FAILURE() << "a 2-D dataset was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/m_hp_gev: not a 1-D dataset"), std::string::npos) << e.what();
  }
}

TEST_F(WidthTable, BadTablesAreRefusedNamingFileLineAndColumn) {
  const std::pair<const char*, const char*> cases[] = {
      {"m_hp_gev,gamma_ee_gev,gamma_mumu_gev,gamma_pipi_gev\n0.5,0,0,0\n1,0,0,0\n", "gamma_kk_gev"},
      {"m_hp_gev,gamma_ee_gev,gamma_mumu_gev,gamma_pipi_gev,gamma_kk_gev\n0.5,0,x,0,0\n1,0,0,0,0\n",
       "widths.csv:2: column 'gamma_mumu_gev'"},
      {"m_hp_gev,gamma_ee_gev,gamma_mumu_gev,gamma_pipi_gev,gamma_kk_gev\n1,0,0,0,0\n0.5,0,0,0,0\n", "must increase"},
      {"m_hp_gev,gamma_ee_gev,gamma_mumu_gev,gamma_pipi_gev,gamma_kk_gev\n0.5,0,-1,0,0\n1,0,0,0,0\n", "negative"},
  };
  for (const auto& [text, expect] : cases) {
    const auto path = write_file("widths.csv", text);
    try {
      DarkHiggsWidths::from_table(path);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(expect), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(DarkHiggsWidths::builtin("/nonexistent"), InputError);
}

}  // namespace
}  // namespace darkscan::physics
