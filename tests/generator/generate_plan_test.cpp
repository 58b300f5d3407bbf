// The generator's plan of samples: a signal mass below a final state's threshold is
// skipped with one note, however many m(chi1) points the grid has.
#include "generator/generate_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace darkscan::generator {
namespace {

TEST(GeneratePlan, ASignalMassBelowThresholdIsNotedOnceForTheWholeMChi1Grid) {
  GenerateRequest req;
  req.config = config::parse(R"(
[generate]
signal_final_states = ["kk"]
signal_m_hp_gev = [0.6, 1.5]
signal_ctau_cm = [10.0]
signal_events = 100
signal_m_chi1_gev = [0.5, 1.0, 1.5]
signal_m_chi1_at_m_hp_gev = [0.6, 1.5]
backgrounds = false
data = false
)",
                             "test.toml");
  std::vector<std::string> notes;
  const auto plans = plan_samples(req, make_collision(req.config.collider.e_minus_gev, req.config.collider.e_plus_gev),
                                  notes);
  // K+K- opens at 0.987 GeV: 0.6 GeV is skipped for every m(chi1), 1.5 GeV generated for each.
  const auto skipped = std::count_if(notes.begin(), notes.end(), [](const std::string& n) {
    return n.find("kk at m_hp = 0.6 GeV skipped (below the threshold") != std::string::npos;
  });
  EXPECT_EQ(skipped, 1) << ::testing::PrintToString(notes);
  for (const char* m1 : {"0.500", "1.000", "1.500"}) {
    const std::string name = std::string("signal_kk_m1.500_ctau10_mchi1") + m1;
    EXPECT_TRUE(std::any_of(plans.begin(), plans.end(), [&](const SamplePlan& p) { return p.name == name; }))
        << name;
  }
}

}  // namespace
}  // namespace darkscan::generator
