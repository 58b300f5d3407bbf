"""The six inputs of darkscan.stats.evaluate broadcast as numpy's do, and each element of
the result is the experiment made of the inputs' elements at that place: checked against
evaluate on each experiment alone (docs/python.md#statistics-on-arrays)."""
import numpy as np
import pytest

import darkscan

FIELDS = ("n_obs", "n_sb", "f", "delta", "eff_rel_unc", "lumi_rel_unc")


def one_by_one(args, **options):
    """The expectation: evaluate per experiment, on plain Python scalars."""
    grid = np.broadcast_arrays(*[np.asarray(a) for a in args])
    out = {k: np.empty(grid[0].shape) for k in ("p0", "z", "ul_events", "flags")}
    for index in np.ndindex(grid[0].shape):
        r = darkscan.stats.evaluate(*[g[index].item() for g in grid], **options)
        for k in out:
            out[k][index] = getattr(r, k)
    return out


@pytest.mark.parametrize("args,shape", [
    ((3, 10, 2.0, 0.0, 0.05, 0.01), ()),
    (([0, 3, 8], 10, 2.0, 0.1, 0.05, 0.01), (3,)),
    ((np.array([[1], [4]]), [5, 50, 500], 2.0, 0.0, 0.0, 0.0047), (2, 3)),
    ((np.arange(6).reshape(2, 3), np.array([7, 70, 700]), np.array([[1.0], [4.0]]), 0.2, [0.0, 0.1, 0.15], 0.0),
     (2, 3)),
    ((np.full((2, 1, 2), 6, dtype=np.uint8), np.array([[9], [90], [900]], dtype=np.int32), 3.0,
      np.array([0.0, 0.3], dtype=np.float32), 0.05, 0.01), (2, 3, 2)),
])
def test_shapes_and_elements(args, shape):
    r = darkscan.stats.evaluate(*args, backend="cpu")
    expected = one_by_one(args, backend="cpu")
    assert r.p0.shape == r.z.shape == r.ul_events.shape == r.flags.shape == shape
    assert r.p0.dtype == r.z.dtype == r.ul_events.dtype == np.float64 and r.flags.dtype == np.uint32
    for k in expected:
        assert np.array_equal(getattr(r, k), expected[k]), k


def test_strided_and_fortran_inputs_are_read_by_element():
    n_obs = np.arange(12).reshape(3, 4)
    f = np.asfortranarray(np.linspace(0.5, 6, 12).reshape(3, 4))
    n_sb = np.arange(40)[::-2][:12].reshape(3, 4)  # a negative-stride view
    args = (n_obs.T, n_sb.T, f.T, 0.0, 0.05, 0.01)
    r = darkscan.stats.evaluate(*args, backend="cpu")
    expected = one_by_one(args, backend="cpu")
    assert r.p0.shape == (4, 3)
    assert np.array_equal(r.ul_events, expected["ul_events"]) and np.array_equal(r.p0, expected["p0"])


def test_results_are_the_fields_of_a_named_tuple():
    p0, z, ul_events, flags = darkscan.stats.evaluate([1, 2], 10, 2.0, 0.0, 0.0, 0.0)
    assert ul_events[1] > ul_events[0] > 0 and p0[1] < p0[0] and z[1] > z[0] and not flags.any()


def test_threads_do_not_change_the_bits():
    rng = np.random.default_rng(7)
    args = (rng.integers(0, 60, 500), rng.integers(0, 5000, 500), rng.uniform(0.5, 100, 500),
            rng.uniform(0, 0.3, 500), rng.uniform(0, 0.15, 500), 0.0047)
    one, two = (darkscan.stats.evaluate(*args, backend="cpu", threads=t) for t in (1, 2))
    for a, b in zip(one, two):
        assert np.array_equal(a, b)


def test_package_exports():
    assert issubclass(darkscan.InputError, ValueError)
    assert darkscan.__version__ == darkscan._core.version()
