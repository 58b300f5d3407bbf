"""darkscan.stats.evaluate against closed forms computed here with mpmath at 30 digits
(docs/physics/statistics.md: the likelihood, the p-value and the upper limit).

Without a shape uncertainty (delta = 0) and without efficiency and luminosity
uncertainties, the model is Pois(N; s + mu/f) Pois(M; mu) with mu flat on [0, inf):

- p0 = P(N' >= N) for the background-only predictive count N', which integrating mu
  out makes P(Binomial(N + M, p) >= N) = I_p(N, M + 1), p = 1/(1 + f);
- the uniform-prior posterior of s is prop. to  int dmu (s + mu/f)^N e^-(s + mu/f) mu^M e^-mu;
  the binomial expansion of (s + mu/f)^N integrates mu term by term:
      post(s) prop. to  e^-s sum_j C(N, j) s^j f^-(N-j) Gamma(N - j + M + 1) (1 + 1/f)^-(N - j + M + 1),
  so the mass above S is a sum of upper incomplete gamma functions Gamma(j + 1, S), and
  the limit solves  mass above s_up = (1 - cl) x total.

Tolerance: the engine's accuracy target for unflagged rows, 1e-8 relative on p0 and on the
limit (docs/physics/statistics.md#accuracy); mpmath's 30 digits leave the reference exact
to far below that.

A known background b is the limit M -> inf at fixed (M + 1)/f = b: there p0 is the
Poisson tail P(X >= N; b) and the limit solves Q(N + 1, s + b) / Q(N + 1, b) = 1 - cl. At
M = 1e9 the sideband leaves b uncertain by 1/sqrt(M) = 3e-5 relative, which moves p0 and
the limit at second order, by about N^2 / M < 1e-6 for N <= 20: that is the tolerance there.
"""
import mpmath as mp
import numpy as np
import pytest

import darkscan

mp.mp.dps = 30


def p0_sideband(n, m, f):
    if n == 0:
        return mp.mpf(1)
    return mp.betainc(n, m + 1, 0, 1 / (1 + mp.mpf(f)), regularized=True)


def limit_sideband(n, m, f, cl):
    f = mp.mpf(f)
    weights = [mp.binomial(n, j) * f ** -(n - j) * mp.gamma(n - j + m + 1) * (1 + 1 / f) ** -(n - j + m + 1)
               for j in range(n + 1)]
    total = sum(w * mp.factorial(j) for j, w in enumerate(weights))
    above = lambda s: sum(w * mp.gammainc(j + 1, s, mp.inf) for j, w in enumerate(weights)) / total - (1 - cl)
    return bisect(above, n + 50 + 20 * mp.sqrt(n + 1))


def p0_known(n, b):
    return mp.mpf(1) if n == 0 else mp.gammainc(n, 0, b, regularized=True)  # P(X >= n) = P(n, b)


def limit_known(n, b, cl):
    q = lambda x: mp.gammainc(n + 1, x, mp.inf, regularized=True)
    return bisect(lambda s: q(s + b) / q(b) - (1 - cl), n + 50 + 20 * mp.sqrt(n + 1))


def bisect(decreasing, high):
    """The root of a decreasing function on [0, high], to 25 digits."""
    low = mp.mpf(0)
    assert decreasing(low) > 0 > decreasing(high)
    for _ in range(120):
        mid = (low + high) / 2
        low, high = (mid, high) if decreasing(mid) > 0 else (low, mid)
    return (low + high) / 2


SIDEBAND = [(0, 0, 1.0), (1, 0, 1e6), (2, 0, 1e6), (3, 5, 2.0), (7, 40, 10.0), (12, 3, 0.5), (20, 1000, 50.0),
            (50, 200, 5.0), (1, 10000, 1.0), (30, 9000, 1e4)]


@pytest.mark.parametrize("cl", [0.95, 0.9])
def test_sideband_closed_forms(cl):
    n, m, f = (np.array(c) for c in zip(*SIDEBAND))
    r = darkscan.stats.evaluate(n, m, f, 0.0, 0.0, 0.0, cl=cl, backend="cpu")
    assert not r.flags.any()
    for i, (ni, mi, fi) in enumerate(SIDEBAND):
        assert float(abs(r.p0[i] / p0_sideband(ni, mi, fi) - 1)) < 1e-8, (ni, mi, fi, r.p0[i])
        assert float(abs(r.ul_events[i] / limit_sideband(ni, mi, fi, cl) - 1)) < 1e-8, (ni, mi, fi, r.ul_events[i])


def test_textbook_limits():
    # No background (M = 0, f = 1e12): 4.744 and 6.296 events for N = 1, 2 at 95 %;
    # N = 0 gives -ln 0.05 = 2.996 whatever the background (docs/physics/statistics.md#the-upper-limit).
    r = darkscan.stats.evaluate([0, 1, 2, 0], [0, 0, 0, 500], [1e12, 1e12, 1e12, 3.0], 0.0, 0.0, 0.0)
    assert np.allclose(r.ul_events, [-np.log(0.05), 4.7439, 6.2958, -np.log(0.05)], rtol=2e-5, atol=0)


@pytest.mark.parametrize("n,b", [(0, 3.0), (1, 0.5), (4, 2.0), (9, 3.5), (15, 20.0), (20, 8.0)])
def test_known_background_limit(n, b):
    m = 1_000_000_000
    r = darkscan.stats.evaluate(n, m, (m + 1) / b, 0.0, 0.0, 0.0, cl=0.95, backend="cpu")
    assert r.flags == 0
    assert float(abs(r.p0 / p0_known(n, b) - 1)) < 1e-6
    assert float(abs(r.ul_events / limit_known(n, b, 0.95) - 1)) < 1e-6
    z = -float(mp.sqrt(2) * mp.erfinv(2 * p0_known(n, b) - 1)) if n > 0 else -np.inf
    assert z == -np.inf if n == 0 else abs(r.z - z) < 1e-5
