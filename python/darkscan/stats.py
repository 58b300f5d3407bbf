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


_CPU = 1  # DLPack's device type of host memory (kDLCPU)


def _dlpack_device(value):
    """(device type, id) of an array that speaks DLPack, None for anything else."""
    if isinstance(value, (np.ndarray, np.generic)) or not hasattr(value, "__dlpack_device__"):
        return None
    try:
        kind, ident = value.__dlpack_device__()
    except Exception:  # an object that names the method but cannot answer: not a device array
        return None
    return int(kind), int(ident)


def _device_name(device):
    kind, ident = device
    return f"cuda:{ident}" if kind == 2 else f"DLPack device type {kind}:{ident}"  # 2: kDLCUDA


def _on_device(inputs, devices, cl, prior, nuisance_prior, backend):
    """evaluate for inputs among which are arrays on a GPU (docs/python.md#device-arrays):
    each must be such an array or a number; the results are arrays on that device."""
    first = next(i for i, d in enumerate(devices) if d is not None and d[0] != _CPU)
    arrays, constants = [], []
    for name, value, device in zip(_FIELDS, inputs, devices):
        if device is not None and device[0] != _CPU:
            arrays.append(value)
            constants.append(0.0)
        elif isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            arrays.append(None)
            constants.append(float(value))
        else:
            raise InputError(f"column '{name}': a host array among device arrays (column '{_FIELDS[first]}' is on "
                             f"{_device_name(devices[first])}): give every array on that device, "
                             "or a number")
    p0, z, ul_events, flags = _core.evaluate_device(arrays, constants, cl=float(cl), prior=prior,
                                                    nuisance_prior=nuisance_prior, backend=backend)
    return Evaluation(p0, z, ul_events, flags)


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

    Arrays on a GPU (CuPy, PyTorch, anything with __dlpack__ on a CUDA device) are taken
    without a copy where darkscan has the CUDA backend and `backend` is "auto" or "cuda":
    the other inputs must then be arrays on that device or numbers, and the results are
    arrays on that device (nanobind ndarrays with __dlpack__: cupy.from_dlpack and
    torch.from_dlpack take them without a copy). docs/python.md#device-arrays.

    Raises InputError (a ValueError) on bad input, with the command line's message naming
    the column and the element. The GIL is released while the engine computes.
    """
    inputs = (n_obs, n_sb, f, delta, eff_rel_unc, lumi_rel_unc)
    for key, value in (("prior", prior), ("nuisance_prior", nuisance_prior), ("backend", backend)):
        if not isinstance(value, str):
            raise InputError(f"{key} = {value!r} must be a string")
    if isinstance(cl, bool) or not isinstance(cl, numbers.Real):
        raise InputError(f"cl = {cl!r} must be a number")
    devices = [_dlpack_device(value) for value in inputs]
    if any(d is not None and d[0] != _CPU for d in devices):
        return _on_device(inputs, devices, cl, prior, nuisance_prior, backend)
    arrays = [_as_float64(name, value) for name, value in zip(_FIELDS, inputs)]
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral) or not -_INT_MAX <= threads <= _INT_MAX:
        raise InputError(f"threads = {threads!r} must be a whole number, 0 (every core) or more")
    p0, z, ul_events, flags, _backend, _distinct, _seconds = _core.evaluate(
        *arrays, cl=float(cl), prior=prior, nuisance_prior=nuisance_prior, backend=backend, threads=int(threads))
    return Evaluation(p0, z, ul_events, flags)
