"""darkscan.stats.evaluate on device arrays (docs/python.md#device-arrays).

On a GPU (where the CUDA backend can run: the check the CUDA C++ tests skip by,
darkscan._core.cuda_unavailable_reason), arrays copied to the device by the module's test
helper (darkscan._core.to_device, so that neither CuPy nor PyTorch is needed) give device
arrays whose bits are those of the same experiments as numpy arrays on the same backend,
and the same messages for refused values. Everywhere, device arrays (a DLPack tensor made
here with ctypes, its memory never read) are refused in one line naming the argument
where the CUDA backend cannot take them: mixed with host arrays, with backend "cpu", or
in a build without CUDA.
"""
import ctypes

import numpy as np
import pytest

import darkscan
from darkscan import _core

CUDA_UNAVAILABLE = _core.cuda_unavailable_reason()
needs_gpu = pytest.mark.skipif(CUDA_UNAVAILABLE != "", reason=f"no usable CUDA device: {CUDA_UNAVAILABLE}")


# --- A DLPack tensor that claims to be on cuda:0 (dlpack.h, version 0.x layout) -----------------
class _Device(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class _Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", _Device), ("ndim", ctypes.c_int32), ("dtype", _DType),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("strides", ctypes.POINTER(ctypes.c_int64)),
                ("byte_offset", ctypes.c_uint64)]


class _Managed(ctypes.Structure):
    _fields_ = [("dl_tensor", _Tensor), ("manager_ctx", ctypes.c_void_p), ("deleter", ctypes.c_void_p)]


class FakeDeviceArray:
    """A float64 vector of `n` elements on cuda:0 as DLPack describes it. Its data pointer
    is not device memory: only checks that refuse it before any kernel may see it."""

    def __init__(self, n=3):
        self._shape = (ctypes.c_int64 * 1)(n)
        self._managed = _Managed()
        t = self._managed.dl_tensor
        t.data, t.device, t.ndim = 0x1000, _Device(2, 0), 1
        t.dtype, t.shape, t.strides, t.byte_offset = _DType(2, 64, 1), self._shape, None, 0

    def __dlpack_device__(self):
        return (2, 0)

    def __dlpack__(self, **_kwargs):
        new = ctypes.pythonapi.PyCapsule_New
        new.restype, new.argtypes = ctypes.py_object, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        return new(ctypes.addressof(self._managed), b"dltensor", None)


def test_a_host_array_among_device_arrays_is_named():
    with pytest.raises(darkscan.InputError, match=r"^column 'n_sb': a host array among device arrays \(column "
                                                  r"'n_obs' is on cuda:0\)"):
        darkscan.stats.evaluate(FakeDeviceArray(), np.array([1, 2, 3]), 2.0, 0.0, 0.0, 0.0)


def test_device_arrays_need_the_cuda_backend():
    with pytest.raises(darkscan.InputError, match=r"^column 'n_obs': a device array \(cuda:0\) needs the CUDA "
                                                  r"backend, and backend 'cpu' was asked for$"):
        darkscan.stats.evaluate(FakeDeviceArray(), 1, 2.0, 0.0, 0.0, 0.0, backend="cpu")
    if "cuda" not in _core.compiled_backends():
        with pytest.raises(darkscan.InputError, match=r"^column 'f': a device array \(cuda:0\) needs the CUDA "
                                                      r"backend: darkscan was built without CUDA"):
            darkscan.stats.evaluate(3, 1, FakeDeviceArray(), 0.0, 0.0, 0.0)


# --- On a GPU -----------------------------------------------------------------------------------
def grid(seed, rows, cols):
    """Inputs of a (rows, cols) broadcast, in the types the device path reads: n_obs
    int32 (rows, cols), n_sb int64 (rows, 1), f float64 (cols,), delta float32 (rows,
    cols), eff_rel_unc float64 (rows, cols), lumi_rel_unc a number."""
    rng = np.random.default_rng(seed)
    n_obs = rng.integers(0, 256, (rows, cols)).astype(np.int32)
    n_sb = np.where(rng.random((rows, 1)) < 0.2, rng.integers(0, 10, (rows, 1)),
                    rng.integers(0, 2_000_000, (rows, 1))).astype(np.int64)
    f = 10 ** rng.uniform(-0.3, 3, cols)
    delta = np.where(rng.random((rows, cols)) < 0.5, 0, rng.uniform(0, 0.5, (rows, cols))).astype(np.float32)
    eff = np.where(rng.random((rows, cols)) < 0.2, 0, rng.uniform(0, 0.19, (rows, cols)))
    return [n_obs, n_sb, f, delta, eff, 0.0047]


def on_device(values):
    return [_core.to_device(np.ascontiguousarray(v)) if isinstance(v, np.ndarray) else v for v in values]


@needs_gpu
@pytest.mark.parametrize("nuisance_prior", ["gaussian", "lognormal"])
def test_device_arrays_give_the_bits_of_numpy_arrays(nuisance_prior):
    host_inputs = grid(5, 30, 20)
    expected = darkscan.stats.evaluate(*host_inputs, nuisance_prior=nuisance_prior, backend="cuda")
    got = darkscan.stats.evaluate(*on_device(host_inputs), nuisance_prior=nuisance_prior)
    for name in ("p0", "z", "ul_events", "flags"):
        array = getattr(got, name)
        assert array.__dlpack_device__() == (2, 0), name  # a device array, taken by DLPack consumers
        back = _core.to_host(array)
        want = getattr(expected, name)
        assert back.dtype == want.dtype and back.shape == want.shape == (30, 20), name
        assert back.tobytes() == want.tobytes(), name


@needs_gpu
def test_refused_values_on_the_device_have_the_host_messages():
    inputs = grid(6, 3, 4)
    inputs[0][1, 2] = -1
    with pytest.raises(darkscan.InputError) as on_host:
        darkscan.stats.evaluate(*inputs, backend="cuda")
    with pytest.raises(darkscan.InputError) as on_gpu:
        darkscan.stats.evaluate(*on_device(inputs))
    assert str(on_gpu.value) == str(on_host.value) == \
        "column 'n_obs', element (1, 2): -1 is not a count (a non-negative integer)"
    inputs = grid(6, 3, 4)
    inputs[4][0, 3] = 0.25
    with pytest.raises(darkscan.InputError, match=r"^column 'eff_rel_unc', element \(0, 3\): eff_rel_unc = 0.25 "
                                                  r"is 0.2 or more"):
        darkscan.stats.evaluate(*on_device(inputs))


@needs_gpu
def test_cupy_and_torch_take_the_results():
    host_inputs = grid(7, 4, 5)
    got = darkscan.stats.evaluate(*on_device(host_inputs))
    taken = 0
    for module in ("cupy", "torch"):
        try:
            lib = __import__(module)
        except ImportError:
            continue
        array = lib.from_dlpack(got.p0)
        assert _core.to_host(got.p0).tolist() == (array.get() if module == "cupy" else array.cpu().numpy()).tolist()
        taken += 1
    if not taken:
        pytest.skip("neither CuPy nor PyTorch is installed")
