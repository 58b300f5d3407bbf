// The order of the signal model's points (docs/formats/outputs.md#signal_modelh5): final
// state, m(h'), then the dark-sector attributes compared as numbers, whatever order they
// come in; the expected orders are written out here by hand.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "signal_model/signal_model.hpp"

namespace darkscan::signal_model {
namespace {

SignalPointModel point(const std::string& name, int fs, double m_hp, io::Attributes dark_sector) {
  SignalPointModel p;
  p.name = name;
  p.final_state = fs;
  p.m_hp = m_hp;
  p.attributes = std::move(dark_sector);
  return p;
}

std::vector<std::string> names(const std::vector<SignalPointModel>& points) {
  std::vector<std::string> out;
  for (const auto& p : points) out.push_back(p.name);
  return out;
}

TEST(PointOrder, DarkSectorAttributesCompareAsNumbersNotAsText) {
  // As text "10" < "2.5" < "2"; as numbers 2 < 2.5 < 10.
  std::vector<SignalPointModel> points{point("c", 1, 0.6, {{"m_chi1", 10.0}}), point("a", 1, 0.6, {{"m_chi1", 2.0}}),
                                       point("b", 1, 0.6, {{"m_chi1", 2.5}})};
  sort_points(points);
  EXPECT_EQ(names(points), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(PointOrder, FinalStateThenMassThenEachAttributeInTurn) {
  std::vector<SignalPointModel> points{
      point("kk", 2, 1.0, {{"m_chi1", 1.0}}),
      point("mumu 0.6 chi 3 dm 0.2", 0, 0.6, {{"m_chi1", 3.0}, {"delta_m", 0.2}}),
      point("mumu 0.6 chi 3 dm 0.1", 0, 0.6, {{"m_chi1", 3.0}, {"delta_m", 0.1}}),
      point("mumu 0.3", 0, 0.3, {{"m_chi1", 9.0}}),
      point("pipi 0.6", 1, 0.6, {{"m_chi1", 0.5}}),
      point("mumu 0.6 chi 1", 0, 0.6, {{"m_chi1", 1.0}, {"delta_m", 0.9}}),
      point("mumu 0.6 integer chi 2", 0, 0.6, {{"m_chi1", std::int64_t{2}}}),
  };
  sort_points(points);
  EXPECT_EQ(names(points), (std::vector<std::string>{"mumu 0.3", "mumu 0.6 chi 1", "mumu 0.6 integer chi 2",
                                                     "mumu 0.6 chi 3 dm 0.1", "mumu 0.6 chi 3 dm 0.2", "pipi 0.6",
                                                     "kk"}));
}

TEST(PointOrder, KeysOfEqualPointsAreEqualAndOfDifferentOnesDiffer) {
  EXPECT_EQ(point_key(0, 0.6, {{"m_chi1", 2.0}}), point_key(0, 0.6, {{"m_chi1", std::int64_t{2}}}));
  EXPECT_NE(point_key(0, 0.6, {{"m_chi1", 2.0}}), point_key(0, 0.6, {{"delta_m", 2.0}}));
  EXPECT_LT(point_key(0, 0.6, {{"m_chi1", 2.0}}), point_key(0, 0.6, {{"m_chi1", 2.0}, {"delta_m", 0.1}}));
}

}  // namespace
}  // namespace darkscan::signal_model
