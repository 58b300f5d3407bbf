#pragma once
// A one-dimensional distribution sampled by its tabulated inverse CDF: knots at equal
// steps of probability, linear in between. Built on the host from a density (see
// host/generator/inverse_cdf_builder), carried by value into the event functors, so it
// is a fixed-size array of plain numbers (trivially copyable, fits a kernel argument).
#include "darkscan/core/macros.hpp"

namespace darkscan::generator {

struct InverseCdf {
  static constexpr int kKnots = 129;
  double x[kKnots] = {};  // x[i] = F^-1(i / (kKnots - 1))

  DS_FUNCTION double sample(double u) const {
    const double t = u * (kKnots - 1);
    int i = static_cast<int>(t);
    if (i >= kKnots - 1) i = kKnots - 2;
    if (i < 0) i = 0;
    return x[i] + (t - i) * (x[i + 1] - x[i]);
  }
};

}  // namespace darkscan::generator
