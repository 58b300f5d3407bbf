// darkscan generate through the executable: the event-file layout (docs/formats/events.md) and attributes, the same
// bytes for the same seed whatever the thread count, other events for another seed,
// `darkscan info` on the result, and bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "errors.hpp"
#include "io/event_file.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

using testing::run_darkscan;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class GenerateCommand : public testing::TempDirTest {
 protected:
  // A small run: two signal points of the grid, every background process and data at 2 fb^-1.
  std::string small_config() {
    return write_file("small.toml",
                      "[generate]\n"
                      "signal_final_states = [\"mumu\", \"kk\"]\n"
                      "signal_m_hp_gev = [0.3, 1.5]\n"
                      "signal_ctau_cm = [5.0]\n"
                      "signal_events = 3000\n");
  }
  testing::CommandResult generate(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"generate"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_darkscan(args);
  }
};

TEST_F(GenerateCommand, WritesTheSamplesOfTheDataSchema) {
  const auto out = path("events.h5").string();
  const auto r = generate({"--config", small_config(), "--output", out, "--lumi-fb", "2", "--seed", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // kk at 0.3 GeV is below threshold: skipped with a note.
  EXPECT_NE(r.err.find("kk at m_hp = 0.3 GeV skipped"), std::string::npos) << r.err;

  io::EventFile file(out);
  const auto& sig = file.sample("signal_mumu_m0.300_ctau5");
  EXPECT_EQ(sig.kind, "signal");
  EXPECT_GT(sig.rows, 1000u);
  EXPECT_EQ(std::get<std::int64_t>(*sig.attribute("n_generated")), 3000);
  EXPECT_EQ(std::get<std::string>(*sig.attribute("final_state")), "mumu");
  EXPECT_EQ(std::get<double>(*sig.attribute("m_hp")), 0.3);
  EXPECT_EQ(std::get<double>(*sig.attribute("ctau_hp_cm")), 5.0);
  for (const char* key : {"m_chi1", "delta_m", "m_ap", "alpha_d", "ctau_chi2_cm", "cross_section_fb"})
    EXPECT_GT(std::get<double>(*sig.attribute(key)), 0.0) << key;
  EXPECT_NE(sig.find_column("true_hp_ctau"), nullptr);
  EXPECT_NE(sig.find_column("true_chi2_ctau"), nullptr);
  EXPECT_NO_THROW(file.sample("signal_kk_m1.500_ctau5"));
  EXPECT_THROW(file.sample("signal_kk_m0.300_ctau5"), InputError);

  const auto& kshort = file.sample("bkg_kshort");
  EXPECT_EQ(kshort.kind, "background");
  EXPECT_EQ(std::get<double>(*kshort.attribute("cross_section_fb")), 900.0);
  EXPECT_EQ(std::get<std::int64_t>(*kshort.attribute("n_generated")), 1800);  // 900 fb x 2 fb^-1

  const auto& data = file.sample("data");
  EXPECT_EQ(data.kind, "data");
  EXPECT_EQ(std::get<double>(*data.attribute("luminosity_fb")), 2.0);
  EXPECT_EQ(data.find_column("true_hp_ctau"), nullptr);  // no truth on data

  // The docs/formats/events.md conventions as h5py and pandas see them.
  const auto py = testing::run_command(
      {"/usr/bin/python3", DARKSCAN_SOURCE_DIR "/tests/support/interop.py", "check-darkscan", out});
  EXPECT_EQ(py.exit_code, 0) << py.out << py.err;
  // Every sample passes the event store's schema check.
  const auto info = run_darkscan({"info", "--check", out});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("sample 'data': kind data"), std::string::npos) << info.out;
}

TEST_F(GenerateCommand, SameSeedSameBytesAnyThreadCountOtherSeedOtherEvents) {
  const std::vector<std::string> point{"--signal-point", "final_state=pipi,m_hp=0.7,ctau_hp_cm=2", "--signal-point",
                                       "final_state=mumu,m_hp=1.1,ctau_hp_cm=20,m_chi1=1,delta_m=0.4,m_ap=3",
                                       "--events", "70000"};
  auto run = [&](const std::string& name, const std::string& seed, const std::string& threads) {
    std::vector<std::string> args{"--output", path(name).string(), "--seed", seed, "--threads", threads};
    args.insert(args.end(), point.begin(), point.end());
    const auto r = generate(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return slurp(path(name));
  };
  const auto one = run("a.h5", "11", "1");
  const auto two = run("b.h5", "11", "2");
  const auto other = run("c.h5", "12", "2");
  EXPECT_GT(one.size(), 100000u);
  EXPECT_TRUE(one == two) << "the same seed gave different files on 1 and 2 threads";
  EXPECT_FALSE(one == other);
  // Only the requested samples.
  io::EventFile file(path("a.h5").string());
  ASSERT_EQ(file.samples().size(), 2u);
  EXPECT_EQ(std::get<double>(*file.sample("signal_mumu_m1.100_ctau20_m_chi11_delta_m0.4_m_ap3").attribute("m_ap")),
            3.0);
}

TEST_F(GenerateCommand, GridOverChi1MassKeepsTheModelsMassRatios) {
  // [model] defaults: m(A') = 3 m(chi1), Δm = 0.4 m(chi1) (the paper's figure 3).
  const auto config = write_file("chi1.toml",
                                 "[generate]\n"
                                 "signal_final_states = [\"mumu\"]\n"
                                 "signal_m_hp_gev = [0.3]\n"
                                 "signal_ctau_cm = [1.0]\n"
                                 "signal_m_chi1_gev = [0.5, 1.2]\n"
                                 "signal_events = 500\n"
                                 "backgrounds = false\n"
                                 "data = false\n");
  const auto out = path("chi1.h5").string();
  const auto r = generate({"--config", config, "--output", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  io::EventFile file(out);
  ASSERT_EQ(file.samples().size(), 2u);
  const auto& s = file.sample("signal_mumu_m0.300_ctau1_mchi11.200");
  EXPECT_DOUBLE_EQ(std::get<double>(*s.attribute("m_chi1")), 1.2);
  EXPECT_DOUBLE_EQ(std::get<double>(*s.attribute("m_ap")), 3.6);
  EXPECT_DOUBLE_EQ(std::get<double>(*s.attribute("delta_m")), 0.48);
  EXPECT_NO_THROW(file.sample("signal_mumu_m0.300_ctau1_mchi10.500"));
}

TEST_F(GenerateCommand, BadInputIsOneLineAndNoFile) {
  const auto out = path("never.h5");
  auto expect_refused = [&](std::vector<std::string> args, const std::string& mention) {
    args.insert(args.begin(), {"--output", out.string()});
    const auto r = generate(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(mention), std::string::npos) << "'" << mention << "' not in: " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  };
  expect_refused({"--signal-point", "final_state=pipi,m_hp=0.2,ctau_hp_cm=1"}, "below the pipi threshold");
  expect_refused({"--signal-point", "final_state=ee,m_hp=0.5,ctau_hp_cm=1"}, "key 'final_state'");
  expect_refused({"--signal-point", "final_state=pipi,m_hp=0.5"}, "key 'ctau_hp_cm' is required");
  expect_refused({"--signal-point", "final_state=pipi,m_hp=abc,ctau_hp_cm=1"}, "key 'm_hp': 'abc' is not a number");
  expect_refused({"--signal-point", "final_state=pipi,m_hp=0.5,ctau_hp_cm=1,mass=3"}, "key 'mass': unknown");
  expect_refused({"--signal-point", "final_state=pipi,m_hp=0.5,ctau_hp_cm=1,m_chi1=5"}, "above sqrt(s)");
  expect_refused({"--signal-point", "final_state=pipi,m_hp=0.5,ctau_hp_cm=1,m_chi1=0.5,delta_m=1,m_ap=0.8"},
                 "delta_m = 1 GeV must be below m_ap");
  expect_refused({"--signal-point", "final_state=pipi,m_hp=0.7,ctau_hp_cm=1", "--signal-point",
                  "final_state=pipi,m_hp=0.7,ctau_hp_cm=1.0"},
                 "two samples would be named 'signal_pipi_m0.700_ctau1'");
  const auto twice = write_file("twice.toml", "[generate]\nsignal_ctau_cm = [1.0, 1.0]\n");
  expect_refused({"--config", twice}, "[generate]: two samples would be named");
  expect_refused({"--lumi-fb", "-3"}, "--lumi-fb: -3 is not a positive luminosity");
  expect_refused({"--events", "10"}, "--signal-point");
  const auto bad = write_file("bad.toml", "[generate]\nsignal_m_hp_gev = [0.5, -1]\n");
  expect_refused({"--config", bad}, "generate.signal_m_hp_gev[1]");
  const auto states = write_file("states.toml", "[generate]\nsignal_final_states = [\"pipi\", \"ee\"]\n");
  expect_refused({"--config", states}, "'ee' is not one of mumu | pipi | kk");
  const auto xsec = write_file("xsec.toml", "[generate]\nxsec_kshort_fb = -1\n");
  expect_refused({"--config", xsec}, "generate.xsec_kshort_fb");
}

}  // namespace
}  // namespace darkscan
