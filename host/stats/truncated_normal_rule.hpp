#pragma once
// Gauss rules for the standard normal truncated to [lo, hi], normalised to a
// probability measure: the prior of every Gaussian nuisance of docs/physics/statistics.md.
// Their recurrence coefficients come from the discretised Stieltjes procedure (Gautschi,
// "Orthogonal Polynomials: Computation and Approximation", 2004, section 2.2.3) on a
// composite Gauss–Legendre discretisation of the density, and the nodes and weights
// from the eigenvalues of the Jacobi matrix (Golub and Welsch, Math. Comp. 23 (1969)
// 221) with the weights as Christoffel numbers. An n-node rule integrates polynomials of degree 2n − 1 exactly against
// the truncated normal, where Gauss–Hermite ignores the truncation and Gauss–Legendre
// needs several times the nodes.
#include <span>
#include <vector>

#include "darkscan/stats/gauss_rule.hpp"

namespace darkscan::stats {

// The n-node rule (1 <= n <= kMaxGaussNodes) for N(0, 1) truncated to [lo, hi].
GaussRule truncated_normal_rule(int n, double lo, double hi);
// Rules of several orders for one interval: the recurrence coefficients of the highest
// order are computed once (once for the orders up to 64, once, on a finer
// discretisation, for those above) and each rule takes their prefix. Each rule is a
// function of (n, lo, hi) alone (coefficient k does not depend on how many are
// computed, the discretisation only on n), so rules
// already made in this process are taken from a memo (bounded; thread-safe): a second
// plan over the same windows, as the interpretation makes for every model point, makes no
// eigenproblem again, and gets the same bits.
std::vector<GaussRule> truncated_normal_rules(std::span<const int> orders, double lo, double hi);

// The n-node Gauss–Legendre rule on [−1, 1] (weights summing to 2).
GaussRule gauss_legendre_rule(int n);

}  // namespace darkscan::stats
