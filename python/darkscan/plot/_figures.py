"""The figures of a darkscan run (docs/formats/outputs.md#plots), in the style of the
paper. Each takes the tables of one result file (or its path) and an optional matplotlib
Axes to draw into, and returns the matplotlib Figure. Without an Axes the figure is a new
one outside pyplot on its own Agg canvas (nothing global to close, safe to draw in forked
processes), its margins fitted once. matplotlib is imported at the first figure, so that
`import darkscan` does not need it."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar, Union, cast

import numpy as np

from ._tables import (FINAL_STATES, Source, Table, Tables, read_interpretation, read_model, read_results,
                      read_selected, tables)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LABEL = {"mumu": r"$\mu^+\mu^-$", "pipi": r"$\pi^+\pi^-$", "kk": r"$K^+K^-$"}
XLABEL = {"mumu": r"$M(\mu^+\mu^-)$ [GeV]", "pipi": r"$M(\pi^+\pi^-)$ [GeV]", "kk": r"$M(K^+K^-)$ [GeV]"}

# The figures' style, set while each is made and drawn (matplotlib.rc_context), not for the
# whole process. No tight bounding box at save time: it draws every figure once more per
# format to measure it; each figure's margins are fitted once instead (_layout()).
STYLE: Dict[str, Any] = {"font.size": 11, "axes.grid": True, "grid.alpha": 0.3, "figure.dpi": 100}

FinalState = Union[str, int]
"""A final state by name ("mumu", "pipi", "kk") or by its number in the files (0, 1, 2)."""

F = TypeVar("F", bound=Callable[..., Any])


def _styled(function: F) -> F:
    """Makes the figure under STYLE."""
    @functools.wraps(function)
    def styled(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        with matplotlib.rc_context(cast(Any, STYLE)):
            return function(*args, **kwargs)

    return cast(F, styled)


def _final_state(final_state: FinalState) -> Tuple[int, str]:
    """(number, name) of a final state given by either."""
    if isinstance(final_state, str) and final_state in FINAL_STATES:
        return FINAL_STATES.index(final_state), final_state
    if isinstance(final_state, (int, np.integer)) and 0 <= final_state < len(FINAL_STATES):
        return int(final_state), FINAL_STATES[int(final_state)]
    raise ValueError(f"final state {final_state!r} is not one of {', '.join(FINAL_STATES)} (or 0, 1, 2)")


def new_figure(figsize: Tuple[float, float] = (7, 4.5), rows: int = 1, sharex: bool = False) -> Tuple[Figure, Any]:
    """A figure outside pyplot on its own Agg canvas (the layout pass and the PNG then
    share one renderer), with one Axes or a column of `rows`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    if rows == 1:
        return fig, fig.add_subplot()
    return fig, fig.subplots(rows, 1, sharex=sharex)


def _axes(ax: Optional[Axes], figsize: Tuple[float, float] = (7, 4.5)) -> Tuple[Figure, Axes, bool]:
    """(figure, axes, whether the figure is ours): the caller's Axes, else a new figure."""
    if ax is not None:
        return cast("Figure", ax.figure), ax, False
    fig, new = new_figure(figsize)
    return fig, new, True


def _layout(fig: Figure, own: bool) -> Figure:
    """Margins fitted to the labels once (tight_layout: one measuring pass), so that each
    format is then drawn once; the layout of a caller's figure is the caller's."""
    if own:
        fig.tight_layout()
    return fig


@_styled
def mass(selected: Source, final_state: FinalState = "mumu", *, ax: Optional[Axes] = None) -> Figure:
    """Paper figure 2: M(x+x-) of the selected data of a final state over the stacked
    background MC, 50 MeV bins. `selected`: selected.h5 or `read_selected`'s tables."""
    d = tables(selected, read_selected)
    data, backgrounds = d["data"], d["backgrounds"]
    k, fs = _final_state(final_state)
    fig, ax, own = _axes(ax)
    bins = np.linspace(0.0, 3.0, 61)
    stack, labels = [], []
    for name, t in sorted(backgrounds.items()):
        sel = t["final_state"] == k
        if sel.sum() == 0:
            continue
        stack.append((t["mass"][sel], t["weight"][sel]))
        labels.append(name.replace("bkg_", ""))
    if stack:
        ax.hist([s[0] for s in stack], bins=cast(Any, bins), weights=[s[1] for s in stack], stacked=True,
                label=labels, alpha=0.8)
    counts, edges = np.histogram(data["mass"][data["final_state"] == k], bins=bins)
    centres = 0.5 * (edges[1:] + edges[:-1])
    nz = counts > 0
    ax.errorbar(centres[nz], counts[nz], yerr=np.sqrt(counts[nz]), fmt="ko", ms=4, label="data")
    ax.set_xlabel(XLABEL[fs])
    ax.set_ylabel(f"events / {1000 * (bins[1] - bins[0]):.0f} MeV")
    ax.set_title(f"Selected {LABEL[fs]} candidates ({int(counts.sum())} in data)")
    ax.set_xlim(0, 3.0)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, ncol=2)
    return _layout(fig, own)


@_styled
def significance(results: Source, *, axes: Optional[Sequence[Axes]] = None) -> Figure:
    """Local Z against mass, one panel per final state, the largest excess marked.
    `results`: results.h5 (or scan.h5) or `read_results`'s tables; `axes`: three Axes."""
    s = tables(results, read_results)["scan"]
    if axes is None:
        fig, axes = new_figure((7, 8), rows=3, sharex=True)
        own = True
    else:
        if len(axes) != len(FINAL_STATES):
            raise ValueError(f"significance draws {len(FINAL_STATES)} panels; {len(axes)} axes were given")
        fig, own = cast("Figure", axes[0].figure), False
    best = int(np.argmax(s["z"]))
    for k, fs in enumerate(FINAL_STATES):
        ax = axes[k]
        sel = s["final_state"] == k
        if sel.sum() == 0:
            ax.text(0.5, 0.5, f"{LABEL[fs]}: not scanned", transform=ax.transAxes, ha="center")
            continue
        ctau = s["ctau_cm"][sel]
        first = ctau == ctau[0]  # the local Z does not depend on the lifetime
        m, z = s["mass"][sel][first], s["z"][sel][first]
        ax.plot(m, np.where(np.isfinite(z), z, np.nan), lw=0.8, label=LABEL[fs])
        ax.set_ylabel("local Z [σ]")
        ax.axhline(0, color="k", lw=0.5)
        if s["final_state"][best] == k:
            ax.plot(s["mass"][best], s["z"][best], "r*", ms=12,
                    label=f"largest excess: {s['mass'][best]:.3f} GeV, cτ = {s['ctau_cm'][best]:g} cm, "
                          f"Z = {s['z'][best]:.2f}")
        ax.legend(fontsize=8, loc="upper right")
    axes[-1].set_xlabel("m(h') [GeV]")
    fig.suptitle("Local significance (the same at every cτ(h'))")
    return _layout(fig, own)


def shown_lifetimes(scan: Table) -> List[float]:
    """The lifetimes drawn in the limit plots: the whole decades, else about five."""
    lifetimes = np.unique(scan["ctau_cm"])
    shown = [c for c in lifetimes if np.isclose(np.log10(c) % 1, 0) or np.isclose(np.log10(c) % 1, 1)]
    return shown or list(lifetimes[:: max(1, len(lifetimes) // 5)])


@_styled
def limits(results: Source, final_state: FinalState = "mumu", *, lifetimes: Optional[Sequence[float]] = None,
           ax: Optional[Axes] = None) -> Figure:
    """The observed upper limit on sigma_sig against mass of a final state, one curve per
    lifetime (default: `shown_lifetimes`, the whole decades), and the expected median with
    its 68 % and 95 % bands at the lifetime of the strongest median expected limit (when the
    file has /expected). `results`: results.h5 (or scan.h5) or `read_results`'s tables."""
    d = tables(results, read_results)
    s, e = d["scan"], d.get("expected")
    k, fs = _final_state(final_state)
    shown = shown_lifetimes(s) if lifetimes is None else lifetimes
    sel = s["final_state"] == k
    fig, ax, own = _axes(ax)
    for c in shown:
        rows = sel & np.isclose(s["ctau_cm"], c)
        ax.plot(s["mass"][rows], s["ul_xsec_fb"][rows], lw=1, label=f"observed, cτ = {c:g} cm")
    if e is not None:
        # The bands at the lifetime of the strongest median expected limit.
        med = np.where(sel, e["ul_xsec_fb_median"], np.nan)
        if np.isfinite(med).any():
            c = s["ctau_cm"][int(np.nanargmin(med))]
            rows = sel & np.isclose(s["ctau_cm"], c)
            m = s["mass"][rows]
            ax.fill_between(m, e["ul_xsec_fb_m2"][rows], e["ul_xsec_fb_p2"][rows], color="yellow",
                            label=f"expected ±2σ (cτ = {c:g} cm)", step=None)
            ax.fill_between(m, e["ul_xsec_fb_m1"][rows], e["ul_xsec_fb_p1"][rows], color="limegreen",
                            label="expected ±1σ")
            ax.plot(m, e["ul_xsec_fb_median"][rows], "k--", lw=1, label="expected median")
    ax.set_yscale("log")
    ax.set_xlabel("m(h') [GeV]")
    ax.set_ylabel(r"95 % CL upper limit on $\sigma_{sig}$ [fb]")
    ax.set_title(f"{LABEL[fs]}: " + r"$\sigma(e^+e^-\to h'\chi_1\chi_2)\times B(\chi_2)\times B(h'\to x^+x^-)$",
                 fontsize=10)
    ax.legend(fontsize=7, ncol=2)
    return _layout(fig, own)


def cell_edges(centres: np.ndarray, log: bool) -> np.ndarray:
    """Edges of cells around sorted centres: halfway between neighbours (in log10 when
    `log`), the outer cells as wide as their neighbour; ±5 % around a single centre."""
    x = np.log10(centres) if log else np.asarray(centres, dtype=float)
    if len(x) == 1:
        half = 0.05 * abs(x[0]) if not log else 0.05
        edges = np.array([x[0] - (half or 0.5), x[0] + (half or 0.5)])
    else:
        mid = 0.5 * (x[1:] + x[:-1])
        edges = np.concatenate([[x[0] - (mid[0] - x[0])], mid, [x[-1] + (x[-1] - mid[-1])]])
    return 10 ** edges if log else edges


def limit_grid(m: np.ndarray, ctau: np.ndarray, value: np.ndarray) -> Optional[Tuple[np.ndarray, np.ndarray, Any]]:
    """The rows (mass, ctau, value) as a (ctau, mass) image, or None when they are not a grid
    (more than a few cells without a row). The scan is one: every window at every lifetime
    (docs/commands/scan.md), so the map is drawn as cells, not one marker per row."""
    um, im = np.unique(m, return_inverse=True)
    uc, ic = np.unique(ctau, return_inverse=True)
    if len(um) * len(uc) > 2 * len(m):
        return None
    z = np.full((len(uc), len(um)), np.nan)
    z[ic, im] = value
    return cell_edges(um, False), cell_edges(uc, True), np.ma.masked_invalid(z)


@_styled
def limit_map(results: Source, final_state: FinalState = "mumu", *, ax: Optional[Axes] = None) -> Figure:
    """The observed limit of a final state over (mass, ctau): a cell per scanned window and
    lifetime, blank where there is no finite limit. `results`: results.h5 (or scan.h5) or
    `read_results`'s tables."""
    s = tables(results, read_results)["scan"]
    k, fs = _final_state(final_state)
    sel = (s["final_state"] == k) & np.isfinite(s["ul_xsec_fb"])
    m, ctau, value = s["mass"][sel], s["ctau_cm"][sel], np.log10(s["ul_xsec_fb"][sel])
    fig, ax, own = _axes(ax)
    grid = limit_grid(m, ctau, value)
    sc: Any
    if grid is not None:
        # One image of cells (rasterized in the PDF) in place of 10^5 markers; the grid
        # lines stay over it as over the markers (pcolormesh would take them off).
        ax.grid(False)
        sc = ax.pcolormesh(*grid, cmap="viridis", shading="flat", rasterized=True)
        ax.grid(True)
    else:
        sc = ax.scatter(m, ctau, c=value, s=4, marker="s", cmap="viridis", linewidths=0, rasterized=True)
    ax.set_yscale("log")
    ax.set_xlabel("m(h') [GeV]")
    ax.set_ylabel("cτ(h') [cm]")
    cb = fig.colorbar(sc, ax=ax)
    cb.set_label(r"$\log_{10}$(upper limit on $\sigma_{sig}$ / fb)")
    ax.set_title(f"{LABEL[fs]}: observed limit over mass and lifetime")
    return _layout(fig, own)


@_styled
def efficiency(model: Source, final_state: FinalState = "mumu", *, ax: Optional[Axes] = None) -> Figure:
    """The signal efficiency of a final state against ctau, one curve per simulated mass
    (trusted cells). `model`: signal_model.h5 or `read_model`'s tables."""
    _, fs = _final_state(final_state)
    t = tables(model, read_model)["maps"][fs]
    fig, ax, own = _axes(ax)
    for m in np.unique(t["m_hp"]):
        rows = t["m_hp"] == m
        eff = np.where(t["trusted"][rows] > 0, t["efficiency"][rows], np.nan)
        ax.plot(t["ctau_cm"][rows], eff, label=f"m(h') = {m:g} GeV")
    ax.set_xscale("log")
    ax.set_xlabel("cτ(h') [cm]")
    ax.set_ylabel("signal efficiency")
    ax.set_title(f"{LABEL[fs]}: efficiency (trusted cells)")
    ax.legend(fontsize=8)
    return _layout(fig, own)


@_styled
def resolution(model: Source, *, ax: Optional[Axes] = None) -> Figure:
    """The mass resolution sigma(m) of each final state with a signal model. `model`:
    signal_model.h5 or `read_model`'s tables."""
    maps = tables(model, read_model)["maps"]
    fig, ax, own = _axes(ax)
    for fs in FINAL_STATES:
        if fs not in maps:
            continue
        t = maps[fs]
        first = t["ctau_cm"] == t["ctau_cm"][0]
        ok = np.isfinite(t["sigma_gev"][first])
        ax.plot(t["m_hp"][first][ok], 1000 * t["sigma_gev"][first][ok], "o-", label=LABEL[fs])
    ax.set_xlabel("m(h') [GeV]")
    ax.set_ylabel("σ(m) [MeV]")
    ax.set_title("Mass resolution (double-sided Crystal Ball fits)")
    ax.legend()
    return _layout(fig, own)


def point_rows(table: Table, k: int) -> Table:
    """The rows of model point k (every row when the table has no model_point column)."""
    if "model_point" not in table:
        return table
    keep = table["model_point"] == k
    return {name: v[keep] for name, v in table.items()}


@_styled
def sin_theta(interpretation: Source, *, ax: Optional[Axes] = None) -> Figure:
    """Paper figure 3: the excluded sin(theta) against m(h') for the [model] point, open
    edges marked. `interpretation`: interpretation.h5 or `read_interpretation`'s tables."""
    st = tables(interpretation, read_interpretation)["sin_theta"]
    iv = point_rows(st["intervals"], 0)
    masses = point_rows(st["masses"], 0)["mass"]
    attrs = st["attrs"]
    fig, ax, own = _axes(ax)
    # One vertical segment per excluded interval, grid masses side by side: the region.
    ax.vlines(iv["mass"], iv["sin_theta_lo"], iv["sin_theta_hi"], color="tab:blue", lw=1.2, alpha=0.7,
              rasterized=True, label="excluded")
    open_end = iv["open_lo"] > 0
    if open_end.any():
        ax.plot(iv["mass"][open_end], iv["sin_theta_lo"][open_end], "v", color="tab:red", ms=2,
                label="exclusion continues below (lifetime beyond the tested grid)", rasterized=True)
        ax.legend(fontsize=8)
    if len(iv["mass"]) == 0:
        ax.text(0.5, 0.5, "nothing excluded", transform=ax.transAxes, ha="center")
    ax.set_yscale("log")
    ax.set_xlabel("m(h') [GeV]")
    ax.set_ylabel(r"$\sin\theta$ excluded at 95 % CL")
    ax.set_title(rf"$m(\chi_1)$ = {attrs.get('m_chi1', 0):g} GeV, $\Delta m$ = {attrs.get('delta_m', 0):g} GeV, "
                 rf"$m(A')$ = {attrs.get('m_ap', 0):g} GeV, $\alpha_D$ = {attrs.get('alpha_d', 0):g}, "
                 rf"$\epsilon$ = {attrs.get('epsilon', 0):g}", fontsize=9)
    if len(masses):
        ax.set_xlim(masses.min(), masses.max())
    return _layout(fig, own)


@_styled
def y_limit(interpretation: Source, *, ax: Optional[Axes] = None) -> Figure:
    """Paper figure 4: the excluded y = eps^2 alpha_D (m(chi1)/m(A'))^4 against m(chi1) for
    the [model] point at the fixed m(h') and sin(theta). `interpretation`:
    interpretation.h5 with /y_limit or `read_interpretation`'s tables."""
    y = tables(interpretation, read_interpretation)["y_limit"]
    attrs = y["attrs"]
    masses = point_rows(y["masses"], 0)
    iv = point_rows(y["intervals"], 0)
    fig, ax, own = _axes(ax)
    m1 = masses["m_chi1"]
    # The excluded y at each simulated m(chi1): one bar per interval, the lower edges joined.
    ax.vlines(iv["m_chi1"], iv["y_lo"], iv["y_hi"], color="tab:blue", lw=6, alpha=0.5, label="excluded")
    edge = masses["y_excluded_lo"]
    ok = np.isfinite(edge)
    if ok.any():
        ax.plot(m1[ok], edge[ok], "o-", color="tab:blue", ms=4, label="95 % CL upper limit on y")
    open_hi = iv["open_hi"] > 0
    if open_hi.any():
        ax.plot(iv["m_chi1"][open_hi], iv["y_hi"][open_hi], "^", color="tab:red", ms=5,
                label=r"exclusion may go on (c$\tau(\chi_2)$ beyond the efficiency maps)")
    open_lo = iv["open_lo"] > 0
    if open_lo.any():
        ax.plot(iv["m_chi1"][open_lo], iv["y_lo"][open_lo], "v", color="tab:red", ms=5)
    if len(iv["m_chi1"]) == 0:
        ax.text(0.5, 0.5, "nothing excluded", transform=ax.transAxes, ha="center")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m(\chi_1)$ [GeV]")
    ax.set_ylabel(r"$y = \epsilon^2 \alpha_D (m(\chi_1)/m(A'))^4$")
    ap = attrs.get("m_ap", 0) / attrs.get("m_chi1", 1)
    dm = attrs.get("delta_m", 0) / attrs.get("m_chi1", 1)
    ax.set_title(rf"$m(h')$ = {attrs.get('m_hp_gev', 0):g} GeV, $\sin\theta$ = {attrs.get('sin_theta', 0):g}, "
                 rf"$m(A')$ = {ap:g} $m(\chi_1)$, $\Delta m$ = {dm:g} $m(\chi_1)$, "
                 rf"$\alpha_D$ = {attrs.get('alpha_d', 0):g}", fontsize=9)
    ax.legend(fontsize=8)
    return _layout(fig, own)


@_styled
def y_limit_benchmarks(interpretation: Source, *, ax: Optional[Axes] = None) -> Figure:
    """The lower edge of the excluded y of every interpreted model point (the benchmark
    points of `darkscan interpret --benchmark-points`). `interpretation`: interpretation.h5
    with /y_limit or `read_interpretation`'s tables."""
    i = tables(interpretation, read_interpretation)
    points, y_masses = i["model_points"], i["y_limit"]["masses"]
    # The legend goes below the axes, two entries a row: the figure grows by its rows so that
    # the axes keep their height (the layout fits the margins around it).
    fig, ax, own = _axes(ax, (7, 4.5 + 0.13 * ((len(points["model_point"]) + 1) // 2)))
    for k in points["model_point"]:
        rows = point_rows(y_masses, k)
        ok = np.isfinite(rows["y_excluded_lo"])
        label = (rf"$m(A')$ = {points['ap_over_m_chi1'][k]:g} $m(\chi_1)$, "
                 rf"$\Delta m$ = {points['delta_m_over_m_chi1'][k]:g} $m(\chi_1)$, "
                 rf"$\alpha_D$ = {points['alpha_d'][k]:g}" + (" (config)" if k == 0 else ""))
        ax.plot(rows["m_chi1"][ok], rows["y_excluded_lo"][ok], "o-" if k == 0 else ".--", ms=3, lw=1, label=label)
    ax.set_yscale("log")
    ax.set_xlabel(r"$m(\chi_1)$ [GeV]")
    ax.set_ylabel("95 % CL upper limit on y")
    ax.set_title("Benchmark model points (efficiencies of the generated signal at each point's cτ(χ2))",
                 fontsize=9)
    ax.legend(fontsize=6, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.14))
    return _layout(fig, own)


def figures(run: Tables) -> List[Tuple[str, Callable[..., Figure], Tuple[Any, ...]]]:
    """The figures of a run as (name, function, arguments), in the report's order; `run` is
    `read_run`'s tables. A figure is listed only where its tables have rows
    (docs/formats/outputs.md#plots)."""
    out: List[Tuple[str, Callable[..., Figure], Tuple[Any, ...]]] = [
        (f"mass_{fs}", mass, (run, fs)) for fs in FINAL_STATES]
    s = run["scan"]
    out.append(("significance", significance, (run,)))
    scanned = [(k, fs) for k, fs in enumerate(FINAL_STATES) if (s["final_state"] == k).any()]
    out += [(f"limits_{fs}", limits, (run, fs)) for k, fs in scanned]
    out += [(f"limit_map_{fs}", limit_map, (run, fs)) for k, fs in enumerate(FINAL_STATES)
            if ((s["final_state"] == k) & np.isfinite(s["ul_xsec_fb"])).any()]
    out += [(f"efficiency_{fs}", efficiency, (run, fs)) for fs in run["maps"]]
    out.append(("resolution", resolution, (run,)))
    i = run["interpretation"]
    if i is not None:
        out.append(("sin_theta", sin_theta, (i,)))
        if "y_limit" in i:
            out.append(("y_limit", y_limit, (i,)))
            if len(i["model_points"]["model_point"]) >= 2:
                out.append(("y_limit_benchmarks", y_limit_benchmarks, (i,)))
    return out

