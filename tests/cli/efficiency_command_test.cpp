// darkscan efficiency through the executable: the efficiency of a signal point from two
// samples generated at different cτ0 (a mixture), checked against the same reweighting
// computed here from the selected candidates that darkscan select writes; the
// resolution fits, the maps, and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "backend/cpu_backend.hpp"
#include "config/config.hpp"
#include "errors.hpp"
#include "io/event_file.hpp"
#include "io/h5.hpp"
#include "signal_model/mass_interpolation.hpp"
#include "signal_model/signal_model_file.hpp"
#include "support/h5_read.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

using testing::run_darkscan;

std::vector<double> read_column(hid_t file, const std::string& path) {
  return testing::read_column<double>(file, path);
}

class EfficiencyCommand : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    events_ = path("signal.h5").string();
    const auto r = run_darkscan({"generate", "--output", events_, "--events", "20000", "--seed", "4",
                                 "--signal-point", "final_state=pipi,m_hp=0.9,ctau_hp_cm=2",
                                 "--signal-point", "final_state=pipi,m_hp=0.9,ctau_hp_cm=40",
                                 "--signal-point", "final_state=mumu,m_hp=1.7,ctau_hp_cm=5"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    config_ = write_file("model.toml", "[signal_model]\nctau_range_cm = [1.0, 100.0]\nctau_points_per_decade = 2\n");
  }
  std::string events_, config_;
};

TEST_F(EfficiencyCommand, MixtureEfficiencyMatchesAReweightingDoneHere) {
  const auto out = path("model.h5").string();
  const auto r = run_darkscan({"efficiency", "--config", config_, "--input", events_, "--output", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto sel = path("selected.h5").string();
  ASSERT_EQ(run_darkscan({"select", "--input", events_, "--output", sel}).exit_code, 0);

  const auto model = h5::open_file_readonly(out);
  const auto selected = h5::open_file_readonly(sel);
  const std::string point = "/points/signal_pipi_m0.9000";
  const auto grid = read_column(model.get(), point + "/ctau_cm");
  ASSERT_EQ(grid.size(), 5u);  // 1, 3.16, 10, 31.6, 100
  EXPECT_NEAR(grid[1], std::sqrt(10.0), 1e-12);
  const auto eff = read_column(model.get(), point + "/efficiency");
  const auto unc = read_column(model.get(), point + "/efficiency_unc");

  // The mixture weight N e^{-l/c}/c / Σ_k N_k e^{-l/c_k}/c_k, in long double, over the
  // selected pi+pi- candidates of both samples.
  const char* samples[2] = {"signal_pipi_m0.900_ctau2", "signal_pipi_m0.900_ctau40"};
  const long double c0[2] = {2.0L, 40.0L}, n_k = 20000.0L;
  for (std::size_t j = 0; j < grid.size(); ++j) {
    const long double c = grid[j];
    long double sum = 0, sum2 = 0;
    for (const char* s : samples) {
      const auto ell = read_column(selected.get(), std::string("/selected/") + s + "/true_hp_ctau");
      const auto fs = read_column(selected.get(), std::string("/selected/") + s + "/final_state");
      for (std::size_t i = 0; i < ell.size(); ++i) {
        if (fs[i] != 1) continue;
        const long double l = ell[i];
        const long double w = 2 * n_k * std::exp(-l / c) / c /
                              (n_k * std::exp(-l / c0[0]) / c0[0] + n_k * std::exp(-l / c0[1]) / c0[1]);
        sum += w;
        sum2 += w * w;
      }
    }
    EXPECT_NEAR(eff[j], static_cast<double>(sum / 40000), 1e-12 * eff[j]) << "ctau " << grid[j];
    EXPECT_NEAR(unc[j], static_cast<double>(std::sqrt(sum2) / 40000), 1e-12 * unc[j]) << "ctau " << grid[j];
  }
  // Resolution fits of every sample; the maps hold both points' rows.
  for (const char* s : {"signal_pipi_m0.900_ctau2", "signal_pipi_m0.900_ctau40", "signal_mumu_m1.700_ctau5"}) {
    EXPECT_EQ(read_column(model.get(), std::string("/resolution/") + s + "/converged")[0], 1.0) << s;
    const double sigma = read_column(model.get(), std::string("/resolution/") + s + "/sigma")[0];
    EXPECT_GT(sigma, 0.0005) << s;
    EXPECT_LT(sigma, 0.008) << s;
  }
  EXPECT_EQ(read_column(model.get(), "/maps/pipi/m_hp").size(), 5u);
  // Each sample alone: its own reweighting, over the same grid.
  EXPECT_EQ(read_column(model.get(), "/efficiency/signal_pipi_m0.900_ctau40/efficiency").size(), 5u);
  EXPECT_EQ(read_column(model.get(), "/maps/mumu/ctau_cm").size(), 5u);
}

TEST_F(EfficiencyCommand, ChiTwoLifetimeReweightingClosesOnDirectSamples) {
  // Three points that differ only in the generated cτ(chi2): 10^(1/3), 10^(2/3) and 10 cm
  // (the grid points of [1, 10] cm at three a decade). The middle one, reweighted to
  // the others (2.15 times shorter and longer), must give their plain efficiencies.
  const auto file = path("chi2.h5").string();
  const std::string point = "final_state=pipi,m_hp=0.9,ctau_hp_cm=3,ctau_chi2_cm=";
  const auto gen = run_darkscan({"generate", "--output", file, "--events", "40000", "--seed", "6",
                                 "--signal-point", point + "2.154434690031884", "--signal-point",
                                 point + "4.641588833612779", "--signal-point", point + "10"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const auto config = write_file("chi2.toml",
                                 "[signal_model]\nctau_range_cm = [3.0, 30.0]\nctau_points_per_decade = 1\n"
                                 "ctau_chi2_range_cm = [1.0, 10.0]\nctau_chi2_points_per_decade = 3\n");
  const auto out = path("chi2_model.h5").string();
  const auto r = run_darkscan({"efficiency", "--config", config, "--input", file, "--output", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto model = h5::open_file_readonly(out);
  // Every table of a model file is here (/points, /efficiency_chi2, /efficiency,
  // /resolution, /maps): every column says its unit and what it is.
  for (const char* group : {"/points", "/efficiency_chi2", "/efficiency", "/resolution", "/maps/pipi"})
    EXPECT_TRUE(h5::link_exists(model.get(), group)) << group;
  EXPECT_EQ(testing::undescribed_datasets(out), std::vector<std::string>{});
  // The points' names do not say their cτ(chi2): find them by the attribute.
  std::map<int, std::string> by_chi2;  // 1, 2, 3: 10^(k/3) cm
  for (const char* name : {"signal_pipi_m0.9000", "signal_pipi_m0.9000_1", "signal_pipi_m0.9000_2"}) {
    h5::Group group(H5Gopen2(model.get(), (std::string("/efficiency_chi2/") + name).c_str(), H5P_DEFAULT));
    ASSERT_GE(group.get(), 0) << name;
    for (const auto& [k, v] : h5::read_attributes(group.get(), out))
      if (k == "ctau_chi2_generated_cm") by_chi2[static_cast<int>(std::lround(3 * std::log10(std::get<double>(v))))] = name;
  }
  ASSERT_EQ(by_chi2.size(), 3u);
  const std::string base = "/efficiency_chi2/" + by_chi2[2];
  const auto grid = read_column(model.get(), base + "/ctau_chi2_cm");
  ASSERT_EQ(grid.size(), 8u);  // cτ 3 and 30, each with cτ(chi2) 1, 2.15, 4.64, 10
  const auto eff = read_column(model.get(), base + "/efficiency");
  const auto unc = read_column(model.get(), base + "/efficiency_unc");
  // At the generated lifetimes (3, 4.64) the weights are all one: the plain fraction.
  EXPECT_EQ(eff[2], read_column(model.get(), "/points/" + by_chi2[2] + "/efficiency")[0]);
  for (int k : {1, 3}) {
    const auto direct = read_column(model.get(), "/points/" + by_chi2[k] + "/efficiency")[0];
    const auto direct_unc = read_column(model.get(), "/points/" + by_chi2[k] + "/efficiency_unc")[0];
    EXPECT_NEAR(eff[static_cast<std::size_t>(k)], direct, 3 * std::hypot(unc[static_cast<std::size_t>(k)], direct_unc))
        << "cτ(chi2) " << grid[static_cast<std::size_t>(k)] << ": reweighted " << eff[static_cast<std::size_t>(k)]
        << " ± " << unc[static_cast<std::size_t>(k)] << ", direct " << direct << " ± " << direct_unc;
  }
}

TEST_F(EfficiencyCommand, TheFileReadsBackAsTheModelBuiltInProcess) {
  const auto out = path("model.h5").string();
  ASSERT_EQ(run_darkscan({"efficiency", "--config", config_, "--input", events_, "--output", out}).exit_code, 0);
  const auto from_file = signal_model::read_signal_model(out);
  CpuBackend cpu(1);
  const auto built =
      signal_model::build_signal_model(cpu, io::EventFile(events_), config::load(config_), nullptr);
  EXPECT_EQ(from_file.ctau_cm, built.ctau_cm);
  ASSERT_EQ(from_file.points.size(), built.points.size());
  for (const auto& p : built.points) {
    const auto* q = &from_file.points.front();
    for (const auto& r : from_file.points)
      if (r.name == p.name) q = &r;
    ASSERT_EQ(q->name, p.name);
    EXPECT_EQ(q->final_state, p.final_state);
    EXPECT_EQ(q->m_hp, p.m_hp);
    EXPECT_EQ(q->sigma, p.sigma);
    EXPECT_EQ(q->trusted, p.trusted);
    for (std::size_t j = 0; j < p.rel_unc.size(); ++j) {
      EXPECT_EQ(q->map.cells[p.final_state][j].efficiency, p.map.cells[p.final_state][j].efficiency) << j;
      EXPECT_EQ(q->map.cells[p.final_state][j].n_eff, p.map.cells[p.final_state][j].n_eff) << j;
      EXPECT_EQ(q->rel_unc[j], p.rel_unc[j]) << j;
      EXPECT_EQ(q->map.cells[(p.final_state + 1) % 3][j].efficiency,
                p.map.cells[(p.final_state + 1) % 3][j].efficiency);
    }
  }
  // Interpolation in mass works on the file's model as on the built one.
  const signal_model::MassInterpolation pipi(from_file, 1, std::nan(""));
  EXPECT_EQ(pipi.at(0.9, 2).efficiency, built.points[1].map.cells[1][2].efficiency);
  EXPECT_THROW(signal_model::read_signal_model(events_), InputError);  // an event file is not a model
}

TEST_F(EfficiencyCommand, BadInputIsOneLineAndNoFile) {
  const auto out = path("never.h5");
  auto expect_refused = [&](std::vector<std::string> args, const std::string& mention) {
    args.insert(args.begin(), {"efficiency", "--output", out.string()});
    const auto r = run_darkscan(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(mention), std::string::npos) << "'" << mention << "' not in: " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  };
  // A sample without its m_hp attribute.
  std::filesystem::copy_file(events_, path("broken.h5"));
  {
    h5::File f(H5Fopen(path("broken.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    ASSERT_GE(H5Adelete_by_name(f.get(), "/samples/signal_mumu_m1.700_ctau5", "m_hp", H5P_DEFAULT), 0);
  }
  expect_refused({"--input", path("broken.h5").string()}, "sample 'signal_mumu_m1.700_ctau5': attribute 'm_hp'");
  // No signal at all.
  const auto data = path("data.h5").string();
  const auto bkg = write_file("bkg.toml", "[generate]\nsignal_events = 0\nbackgrounds = false\n");
  ASSERT_EQ(run_darkscan({"generate", "--config", bkg, "--lumi-fb", "0.1", "--output", data}).exit_code, 0);
  expect_refused({"--input", data}, "no signal samples");
  const auto grid = write_file("grid.toml", "[signal_model]\nctau_range_cm = [10.0, 1.0]\n");
  expect_refused({"--config", grid, "--input", events_}, "signal_model.ctau_range_cm");
  // 1,000 cτ(chi2) points a decade: 5,001 points, 255,051 cells a point; refused when the
  // config is read, before a map is made (docs/bad-input.md).
  const auto fine = write_file("fine.toml", "[signal_model]\nctau_chi2_points_per_decade = 1000\n");
  expect_refused({"--config", fine, "--input", events_},
                 "key 'signal_model.ctau_chi2_points_per_decade': 1000 a decade over signal_model.ctau_chi2_range_cm "
                 "= [0.01, 1000] is a cτ(chi2) grid of 5001 points, 255051 cells");
  const auto r = run_darkscan({"config", fine});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("signal_model.ctau_chi2_points_per_decade"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace darkscan
