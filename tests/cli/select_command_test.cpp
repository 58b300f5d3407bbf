// darkscan select through the executable: the output layout (/selected/<sample>,
// /cutflow/<sample>), its attributes and every column's unit and description, and bad input. The numbers themselves are
// checked against the independent numpy selection (selection/select_matches_reference.py).
#include <gtest/gtest.h>

#include <filesystem>

#include "errors.hpp"
#include "io/event_file.hpp"
#include "io/h5.hpp"
#include "support/h5_read.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

using testing::run_darkscan;

class SelectCommand : public testing::TempDirTest {
 protected:
  std::string events() {
    const auto file = path("events.h5").string();
    const auto r = run_darkscan({"generate", "--output", file, "--events", "4000", "--signal-point",
                                 "final_state=kk,m_hp=1.4,ctau_hp_cm=2"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return file;
  }
};

TEST_F(SelectCommand, WritesSelectedCandidatesAndCutflows) {
  const auto in = events();
  const auto out = path("selected.h5").string();
  const auto r = run_darkscan({"select", "--input", in, "--output", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("19  hp_opening_max"), std::string::npos) << r.out;

  const auto file = h5::open_file_readonly(out);
  const std::string sample = "signal_kk_m1.400_ctau2";
  for (const char* column : {"event", "final_state", "mass", "hp_dv", "chi_dv", "pointing_angle", "weight",
                             "true_hp_ctau", "true_chi2_ctau", "mc_weight"})
    EXPECT_TRUE(h5::link_exists(file.get(), "/selected/" + sample + "/" + column)) << column;
  for (const char* column : {"cut", "candidates", "weighted_yield"})
    EXPECT_TRUE(h5::link_exists(file.get(), "/cutflow/" + sample + "/" + column)) << column;
  // The sample's attributes travel with it (the signal model needs n_generated and the point).
  h5::Group group(H5Gopen2(file.get(), ("/selected/" + sample).c_str(), H5P_DEFAULT));
  const auto attributes = h5::read_attributes(group.get(), out);
  auto find = [&](const std::string& key) -> const h5::AttributeValue* {
    for (const auto& [k, v] : attributes)
      if (k == key) return &v;
    return nullptr;
  };
  ASSERT_NE(find("n_generated"), nullptr);
  EXPECT_EQ(std::get<std::int64_t>(*find("n_generated")), 4000);
  EXPECT_EQ(std::get<double>(*find("m_hp")), 1.4);
  ASSERT_NE(find("selected_kk"), nullptr);
  EXPECT_GT(std::get<std::int64_t>(*find("selected_kk")), 50);
  // Every column says its unit and what it is.
  EXPECT_EQ(testing::undescribed_datasets(out), std::vector<std::string>{});
}

TEST_F(SelectCommand, BadInputIsOneLineAndNoFile) {
  const auto in = events();
  const auto out = path("never.h5");
  auto expect_refused = [&](std::vector<std::string> args, const std::string& mention) {
    args.insert(args.begin(), {"select", "--output", out.string()});
    const auto r = run_darkscan(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(mention), std::string::npos) << "'" << mention << "' not in: " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  };
  expect_refused({"--input", path("missing.h5").string()}, "no such file");
  expect_refused({"--input", in, "--sample", "nope"}, "nope");
  expect_refused({}, "select: no event file");
  const auto bad = write_file("bad.toml", "[selection]\ntrack_hits_min = -3\n");
  expect_refused({"--config", bad, "--input", in}, "selection.track_hits_min");
  const auto unset = write_file("unset.toml", "[run]\nname = \"x\"\n");
  expect_refused({"--config", unset}, "key 'input.events' is not set");
  // An unwritable destination is said before any work, in one line.
  const auto r = run_darkscan({"select", "--input", in, "--output", path("no/such/dir/s.h5").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(testing::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace darkscan
