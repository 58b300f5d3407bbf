#pragma once
// Lifetime reweighting (docs/physics/signal-model.md): an event generated with proper decay
// length ℓ from an exponential of mean cτ0 stands for the same event at another cτ with
// the weight w = (cτ0/cτ) exp(ℓ/cτ0 − ℓ/cτ), the ratio of the two densities, whose
// expectation over the generated events is 1. Samples generated at several cτ0_k (N_k
// events each) of one signal point combine as a mixture: the generated density is
// Σ_k (N_k/N) e^{−ℓ/cτ0_k}/cτ0_k, and w = N e^{−ℓ/cτ}/cτ / Σ_k N_k e^{−ℓ/cτ0_k}/cτ0_k.
// Then ε(cτ) = Σ_selected w / N, its MC-statistics uncertainty sqrt(Σ w²) / N and the
// effective MC size n_eff = (Σ w)² / Σ w².
#include <cmath>

#include "darkscan/core/macros.hpp"

namespace darkscan::signal_model {

// The weight for one generated exponential (cτ0).
DS_FUNCTION inline double lifetime_weight(double ell, double ctau0, double ctau) {
  return ctau0 / ctau * exp(ell / ctau0 - ell / ctau);
}

// The generated samples of one signal point: their cτ0 and generated counts.
struct LifetimeMixture {
  static constexpr int kMaxComponents = 8;
  int components = 0;
  double ctau0[kMaxComponents] = {};
  double n_generated[kMaxComponents] = {};

  DS_FUNCTION double total() const {
    double n = 0;
    for (int k = 0; k < components; ++k) n += n_generated[k];
    return n;
  }
  // w(ℓ; cτ) for the mixture, written relative to the largest exponent so that neither
  // numerator nor denominator underflows for ℓ many decay lengths out.
  DS_FUNCTION double weight(double ell, double ctau) const {
    double top = -ell / ctau - log(ctau);
    double biggest = top;
    for (int k = 0; k < components; ++k) biggest = fmax(biggest, -ell / ctau0[k] - log(ctau0[k]));
    double denominator = 0;
    for (int k = 0; k < components; ++k) denominator += n_generated[k] * exp(-ell / ctau0[k] - log(ctau0[k]) - biggest);
    return total() * exp(top - biggest) / denominator;
  }
};

// LifetimeMixture::weight for one candidate at many target cτ: what depends on ℓ alone
// (the generated exponents, their largest M and the denominator relative to M) is
// computed once, and each target costs one exponential. The same operations in the same
// order as LifetimeMixture::weight, so the same bits: where the target's own exponent
// exceeds M the denominator is taken relative to it, as there.
struct MixtureWeights {
  const LifetimeMixture* mixture;
  double ell;
  double exponent[LifetimeMixture::kMaxComponents];
  double largest;      // M, the largest generated exponent
  double denominator;  // Σ_k N_k exp(exponent_k − M)
  double total;

  DS_FUNCTION MixtureWeights(const LifetimeMixture& m, double ell_) : mixture(&m), ell(ell_), total(m.total()) {
    largest = -INFINITY;
    for (int k = 0; k < m.components; ++k) {
      exponent[k] = -ell / m.ctau0[k] - log(m.ctau0[k]);
      largest = fmax(largest, exponent[k]);
    }
    denominator = 0;
    for (int k = 0; k < m.components; ++k) denominator += m.n_generated[k] * exp(exponent[k] - largest);
  }
  // w(ℓ; cτ), given log(cτ).
  DS_FUNCTION double weight(double ctau, double log_ctau) const {
    const double top = -ell / ctau - log_ctau;
    if (top <= largest) return total * exp(top - largest) / denominator;
    double relative = 0;
    for (int k = 0; k < mixture->components; ++k) relative += mixture->n_generated[k] * exp(exponent[k] - top);
    return total * exp(top - top) / relative;
  }
};

// Σw and Σw² of one cell (a sample's final state at one cτ).
struct WeightSums {
  double sum = 0, sum2 = 0;
  DS_FUNCTION void add(double w) {
    sum += w;
    sum2 += w * w;
  }
};

struct EfficiencyCell {
  double efficiency = 0;      // Σw / N
  double efficiency_unc = 0;  // sqrt(Σw²) / N, MC statistics
  double n_eff = 0;           // (Σw)² / Σw²
};

DS_FUNCTION inline EfficiencyCell efficiency_cell(const WeightSums& s, double n_generated) {
  EfficiencyCell c;
  c.efficiency = s.sum / n_generated;
  c.efficiency_unc = sqrt(s.sum2) / n_generated;
  c.n_eff = s.sum2 > 0 ? s.sum * s.sum / s.sum2 : 0.0;
  return c;
}

}  // namespace darkscan::signal_model
