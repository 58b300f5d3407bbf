"""The statistics engine on arrays (docs/python.md#statistics-on-arrays).

`evaluate` computes what `darkscan stats` computes for each row of its CSV file
(docs/commands/stats.md): the local p-value p0, the significance Z and the Bayesian upper
limit on the signal events, with the same engine call and so the same bits.
"""
import numbers
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from . import _core
from ._core import InputError

_FIELDS = ("n_obs", "n_sb", "f", "delta", "eff_rel_unc", "lumi_rel_unc")
_INT_MAX = 2**31 - 1  # the engine's thread count is a C int


class Evaluation(NamedTuple):
    """Results of `evaluate`, arrays of the inputs' broadcast shape."""

    p0: np.ndarray          # local background-only p-value
    z: np.ndarray           # significance, -Phi^-1(p0); -inf where p0 = 1
    ul_events: np.ndarray   # upper limit on the signal events at the credibility level
    flags: np.ndarray       # uint32 bits: 1 limit not converged, 2 ill-conditioned


def _as_float64(name: str, value: ArrayLike) -> np.ndarray:
    """The input as a C-contiguous float64 array; InputError naming the column for
    anything that is not an array of real numbers (strings, complex, bool, objects)."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as e:  # ragged nested sequences
        raise InputError(f"column '{name}': not an array of numbers ({e})") from None
    if array.dtype.kind not in "iuf":
        raise InputError(f"column '{name}': dtype {array.dtype} is not an integer or real number type")
    return np.asarray(array, dtype=np.float64, order="C")  # (ascontiguousarray would make a scalar 1-d)


def evaluate(n_obs: ArrayLike, n_sb: ArrayLike, f: ArrayLike, delta: ArrayLike, eff_rel_unc: ArrayLike,
             lumi_rel_unc: ArrayLike, *, cl: float = 0.95, prior: str = "uniform", nuisance_prior: str = "gaussian",
             backend: str = "auto", threads: int = 0) -> Evaluation:
    """p0, Z, the upper limit and the flags of counting experiments.

    The six inputs are array-likes (or scalars) that broadcast together as numpy's do; the
    result's arrays have the broadcast shape. Their meaning and rules are those of the
    columns of `darkscan stats`: n_obs and n_sb counts (n_obs at most 255), f > 0,
    delta >= 0, the relative uncertainties >= 0 (below 0.2 under the Gaussian prior).

    cl: credibility level of the limit, in (0, 1). prior: "uniform" or "jeffreys" (the
    signal prior). nuisance_prior: "gaussian" or "lognormal". backend: "auto", "cpu" or
    "cuda". threads: CPU threads, 0 for every core.

    Raises InputError (a ValueError) on bad input, with the command line's message naming
    the column and the element. The GIL is released while the engine computes.
    """
    arrays = [_as_float64(name, value) for name, value in
              zip(_FIELDS, (n_obs, n_sb, f, delta, eff_rel_unc, lumi_rel_unc))]
    for key, value in (("prior", prior), ("nuisance_prior", nuisance_prior), ("backend", backend)):
        if not isinstance(value, str):
            raise InputError(f"{key} = {value!r} must be a string")
    if isinstance(cl, bool) or not isinstance(cl, numbers.Real):
        raise InputError(f"cl = {cl!r} must be a number")
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral) or not -_INT_MAX <= threads <= _INT_MAX:
        raise InputError(f"threads = {threads!r} must be a whole number, 0 (every core) or more")
    p0, z, ul_events, flags, _backend, _distinct, _seconds = _core.evaluate(
        *arrays, cl=float(cl), prior=prior, nuisance_prior=nuisance_prior, backend=backend, threads=int(threads))
    return Evaluation(p0, z, ul_events, flags)
