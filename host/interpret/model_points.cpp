#include "interpret/model_points.hpp"

#include <fmt/format.h>

namespace darkscan::interpret {

physics::DarkSectorPoint ModelPoint::at(double m_chi1_gev, double epsilon_value) const {
  physics::DarkSectorPoint p;
  p.m_chi1 = m_chi1_gev;
  p.delta_m = dm_ratio * m_chi1_gev;
  p.m_ap = ap_ratio * m_chi1_gev;
  p.alpha_d = alpha_d;
  p.epsilon = epsilon_value;
  p.q_phi = q_phi;
  return p;
}

ModelPoint model_point(const physics::DarkSectorPoint& p, std::string name) {
  return {std::move(name), p.m_ap / p.m_chi1, p.delta_m / p.m_chi1, p.alpha_d, p.epsilon, p.q_phi, p.m_chi1};
}

std::vector<ModelPoint> benchmark_points(const physics::DarkSectorPoint& p) {
  std::vector<ModelPoint> out;
  for (double ap : {3.0, 4.0})
    for (double dm : {0.2, 0.4, 1.0})
      for (double alpha : {0.1, 0.5})
        out.push_back({fmt::format("mAp{:g}_dm{:g}_aD{:g}", ap, dm, alpha), ap, dm, alpha, p.epsilon, p.q_phi,
                       p.m_chi1});
  return out;
}

}  // namespace darkscan::interpret
