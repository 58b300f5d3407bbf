"""darkscan.stats.evaluate gives the bits `darkscan stats` writes (docs/python.md#statistics-on-arrays).

A few hundred experiments of the kinds a scan produces (counts up to 255, large
sidebands, delta > 0, uncertainties near the Gaussian prior's bound) go through the
executable as CSV and through the package as arrays; the CSV's 17 significant digits
parse back to the very doubles, so every value must be equal, not close.
"""
import numpy as np
import pytest

import darkscan
from conftest import run_stats

FIELDS = ("n_obs", "n_sb", "f", "delta", "eff_rel_unc", "lumi_rel_unc")


def experiments(seed, count, max_rel_unc, max_n_obs):
    rng = np.random.default_rng(seed)
    n_obs = np.concatenate([rng.integers(0, 12, count // 2), rng.integers(12, max_n_obs + 1, count - count // 2)])
    n_sb = np.where(rng.random(count) < 0.2, rng.integers(0, 10, count), rng.integers(0, 2_000_000, count))
    f = np.round(10 ** rng.uniform(-0.3, 4, count), 6)
    delta = np.where(rng.random(count) < 0.5, 0.0, np.round(rng.uniform(0, 0.5, count), 4))
    eff = np.where(rng.random(count) < 0.2, 0.0, np.round(rng.uniform(0, max_rel_unc, count), 5))
    lumi = np.where(rng.random(count) < 0.5, 0.0047, np.round(rng.uniform(0, max_rel_unc, count), 5))
    # A run of repeats, as a scan's lifetimes repeat a window: the engine then removes them.
    columns = [n_obs, n_sb, f, delta, eff, lumi]
    return [np.concatenate([c, np.repeat(c[:4], 10)]) for c in columns]


# The Jeffreys prior costs about 100 times the uniform one, and far more with large
# counts and wide log-normal factors (docs/physics/statistics.md#the-upper-limit): its
# rows keep to counts up to 40 so that the test takes seconds.
CASES = [
    # (seed, rows, largest relative uncertainty, largest n_obs, signal prior, nuisance prior, cl)
    (1, 300, 0.19, 255, "uniform", "gaussian", 0.95),
    (2, 200, 1.0, 255, "uniform", "lognormal", 0.95),
    (3, 60, 0.19, 40, "jeffreys", "gaussian", 0.95),
    (4, 60, 0.5, 40, "jeffreys", "lognormal", 0.9),
    (5, 100, 0.19, 255, "uniform", "gaussian", 0.68),
]


@pytest.mark.parametrize("seed,rows,max_rel_unc,max_n_obs,prior,nuisance_prior,cl", CASES)
def test_same_bits_as_the_command_line(darkscan_bin, tmp_path, seed, rows, max_rel_unc, max_n_obs, prior,
                                       nuisance_prior, cl):
    columns = experiments(seed, rows, max_rel_unc, max_n_obs)
    text = [[str(int(v)) for v in columns[0]], [str(int(v)) for v in columns[1]]] + \
           [[repr(float(v)) for v in c] for c in columns[2:]]
    status, err, out = run_stats(darkscan_bin, tmp_path, FIELDS, list(zip(*text)), "--backend", "cpu",
                                 "--prior", prior, "--nuisance-prior", nuisance_prior, "--cl", repr(cl))
    assert status == 0, err
    assert len(out) == len(columns[0])
    # The CSV echoes its inputs: they are the experiments the arrays hold.
    for name, c in zip(FIELDS, columns):
        assert np.array_equal(np.array([float(r[name]) for r in out]), c.astype(float)), name

    r = darkscan.stats.evaluate(*columns, cl=cl, prior=prior, nuisance_prior=nuisance_prior, backend="cpu")
    for name in ("p0", "z", "ul_events"):
        expected = np.array([float(row[name]) for row in out])
        got = getattr(r, name)
        assert got.dtype == np.float64 and got.shape == expected.shape
        differ = np.flatnonzero(~((got == expected) | (np.isnan(got) & np.isnan(expected))))
        assert differ.size == 0, f"{name}: {differ.size} rows differ, first {differ[0]}: {got[differ[0]]!r} " \
                                 f"vs the CLI's {out[differ[0]][name]}"
    assert np.array_equal(r.flags, np.array([int(row["flags"]) for row in out], dtype=np.uint32))


def test_the_version_is_the_command_lines(darkscan_bin):
    import subprocess
    line = subprocess.run([str(darkscan_bin), "--version"], capture_output=True, text=True, check=True).stdout
    assert line.split()[:2] == ["darkscan", darkscan.__version__], line
