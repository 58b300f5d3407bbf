#pragma once
// The model points an interpretation runs over: the config's [model] point and, on
// request, the paper's benchmark set (m(A')/m(chi1) in {3, 4}, Δm/m(chi1) in {0.2, 0.4,
// 1.0}, α_D in {0.1, 0.5}), each as mass ratios so that the y limit can move m(chi1)
// with m(A') and Δm in proportion (docs/physics/interpretation.md).
#include <string>
#include <vector>

#include "darkscan/physics/dark_sector.hpp"

namespace darkscan::interpret {

struct ModelPoint {
  std::string name;         // "model", or e.g. "mAp3_dm0.4_aD0.1"
  double ap_ratio = 3;      // m(A') / m(chi1)
  double dm_ratio = 0.4;    // Δm / m(chi1)
  double alpha_d = 0.1;
  double epsilon = 1e-3;
  double q_phi = 2;
  double m_chi1 = 1;        // where the sinθ exclusion is made

  // The point at another m(chi1) and ε, the ratios kept.
  physics::DarkSectorPoint at(double m_chi1_gev, double epsilon_value) const;
  physics::DarkSectorPoint dark() const { return at(m_chi1, epsilon); }
};

ModelPoint model_point(const physics::DarkSectorPoint& p, std::string name = "model");

// The twelve benchmark points at `p`'s m(chi1) and ε, in the order m(A')/m(chi1), then
// Δm/m(chi1), then α_D.
std::vector<ModelPoint> benchmark_points(const physics::DarkSectorPoint& p);

}  // namespace darkscan::interpret
