"""darkscan.plot from a notebook (docs/python.md#plots): a figure function called on a
result file's path draws what the file holds. The files are written here with h5py; the
expected curves and points are read back from them with h5py and numpy, not with the
package's readers."""
import h5py
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")  # no display in the tests; the package itself never picks a backend

import darkscan  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

LIFETIMES = np.logspace(-1, 4, 21)  # six whole decades among them: 0.1 ... 10^4 cm
MASSES = {0: np.linspace(0.22, 3.0, 40), 1: np.linspace(0.3, 3.0, 30)}  # kk (2) not scanned


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    rng = np.random.default_rng(11)
    rows = {k: [] for k in ("final_state", "ctau_cm", "mass", "z", "ul_xsec_fb")}
    for k, ms in MASSES.items():
        for c in LIFETIMES:
            rows["final_state"] += [k] * len(ms)
            rows["ctau_cm"] += [c] * len(ms)
            rows["mass"] += list(ms)
            rows["z"] += list(rng.normal(0, 1, len(ms)))
            rows["ul_xsec_fb"] += list(rng.uniform(0.1, 10, len(ms)))
    path = tmp_path_factory.mktemp("plot") / "results.h5"
    with h5py.File(path, "w") as f:
        g = f.create_group("scan")
        for name, v in rows.items():
            g.create_dataset(name, data=np.asarray(v, dtype=np.int8 if name == "final_state" else np.float64))
        e = f.create_group("expected")
        ul = np.asarray(rows["ul_xsec_fb"])
        for name, factor in (("median", 1.0), ("m1", 0.8), ("p1", 1.3), ("m2", 0.6), ("p2", 1.8)):
            e.create_dataset(f"ul_xsec_fb_{name}", data=factor * ul)
    return path


def file_rows(path, final_state, ctau):
    """(mass, observed limit) of the rows of one final state and lifetime, in file order."""
    with h5py.File(path, "r") as f:
        s = {k: f["scan"][k][:] for k in ("final_state", "ctau_cm", "mass", "ul_xsec_fb")}
    keep = (s["final_state"] == final_state) & (s["ctau_cm"] == ctau)
    return s["mass"][keep], s["ul_xsec_fb"][keep]


@pytest.mark.parametrize("name,k", [("mumu", 0), ("pipi", 1)])
def test_limits_draws_one_curve_per_decade_with_the_files_points(results, name, k):
    fig = darkscan.plot.limits(results, name)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    decades = [c for c in LIFETIMES if abs(np.log10(c) - round(np.log10(c))) < 1e-9]
    assert len(decades) == 6
    observed = [line for line in ax.get_lines() if line.get_label().startswith("observed")]
    assert len(observed) == len(decades)
    for line, c in zip(observed, decades):
        mass, ul = file_rows(results, k, c)
        assert line.get_label() == f"observed, cτ = {c:g} cm"
        np.testing.assert_array_equal(line.get_xdata(), mass)
        np.testing.assert_array_equal(line.get_ydata(), ul)
    # The expected median and its two bands, at the lifetime of the strongest median limit.
    medians = [line for line in ax.get_lines() if line.get_label() == "expected median"]
    assert len(medians) == 1
    with h5py.File(results, "r") as f:
        fs, ctau, med = f["scan/final_state"][:], f["scan/ctau_cm"][:], f["expected/ul_xsec_fb_median"][:]
    best = ctau[np.flatnonzero(fs == k)[np.argmin(med[fs == k])]]
    mass, ul = file_rows(results, k, best)
    np.testing.assert_array_equal(medians[0].get_xdata(), mass)
    np.testing.assert_array_equal(medians[0].get_ydata(), ul)
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 2
    assert ax.get_yscale() == "log"


def test_limits_into_a_given_axes_and_chosen_lifetimes(results):
    fig = Figure()
    ax = fig.add_subplot()
    chosen = [LIFETIMES[3], LIFETIMES[7]]
    assert darkscan.plot.limits(results, 1, lifetimes=chosen, ax=ax) is fig
    observed = [line for line in ax.get_lines() if line.get_label().startswith("observed")]
    assert len(observed) == 2 and len(fig.axes) == 1
    np.testing.assert_array_equal(observed[1].get_ydata(), file_rows(results, 1, chosen[1])[1])


def test_tables_read_once_give_the_same_figure(results):
    tables = darkscan.plot.read_results(results)
    a = [line.get_ydata() for line in darkscan.plot.limits(tables, "pipi").axes[0].get_lines()]
    b = [line.get_ydata() for line in darkscan.plot.limits(results, "pipi").axes[0].get_lines()]
    assert len(a) == len(b) == 7 and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_significance_one_panel_per_final_state(results):
    fig = darkscan.plot.significance(results)
    assert len(fig.axes) == 3
    for k, ax in enumerate(fig.axes[:2]):
        mass, _ = file_rows(results, k, LIFETIMES[0])  # the local Z of the first lifetime
        np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), mass)
    assert "not scanned" in fig.axes[2].texts[0].get_text()


def test_limit_map_cells(results):
    fig = darkscan.plot.limit_map(results, "mumu")
    mesh = fig.axes[0].collections[0]
    assert mesh.get_array().size == len(MASSES[0]) * len(LIFETIMES)


def test_sin_theta_one_segment_per_interval(tmp_path):
    path = tmp_path / "interpretation.h5"
    mass = np.linspace(0.3, 2.0, 25)
    with h5py.File(path, "w") as f:
        st = f.create_group("sin_theta")
        m = st.create_group("masses")
        m.create_dataset("mass", data=np.concatenate([mass, mass]))
        m.create_dataset("model_point", data=np.repeat([0, 1], 25).astype(np.int32))
        m.attrs.update({"m_chi1": 2.5, "delta_m": 1.0, "m_ap": 7.5, "alpha_d": 0.1, "epsilon": 0.0015})
        i = st.create_group("intervals")
        keep = mass < 1.5  # the [model] point excludes 17 masses; model point 1 every one
        i.create_dataset("mass", data=np.concatenate([mass[keep], mass]))
        i.create_dataset("model_point", data=np.repeat([0, 1], [keep.sum(), 25]).astype(np.int32))
        i.create_dataset("sin_theta_lo", data=np.full(keep.sum() + 25, 1e-4))
        i.create_dataset("sin_theta_hi", data=np.full(keep.sum() + 25, 1e-2))
        i.create_dataset("open_lo", data=np.zeros(keep.sum() + 25, np.int8))
    fig = darkscan.plot.sin_theta(path)
    (segments,) = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    assert len(segments.get_segments()) == keep.sum() == 17


def test_a_wrong_final_state_is_refused(results):
    with pytest.raises(ValueError, match="final state 'ee' is not one of mumu, pipi, kk"):
        darkscan.plot.limits(results, "ee")
