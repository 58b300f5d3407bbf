#!/usr/bin/python3
"""Plots and report of a darkscan run (run by `darkscan run` with Debian's python3 and
python3-matplotlib; scripts/setup.sh installs them).

  plot_results.py --dir D --selected S.h5 --model M.h5 --results R.h5 [--interpretation I.h5]
                  [--summary F] [--jobs N]

Writes D/plots/<name>.png and .pdf, in the style of the paper, and D/report.md with the
cutflow tables, the key numbers and the plots:
  mass_<fs>          M(x+x-) of the selected data with the stacked background MC (figure 2)
  significance       local Z against mass per final state, the largest excess marked
  limits_<fs>        observed upper limit on sigma_sig against mass, one curve per
                     lifetime, and the expected median with its 68 % and 95 % bands
  limit_map_<fs>     the observed limit over (mass, ctau)
  efficiency_<fs>    the signal efficiency against ctau per simulated mass
  resolution         the mass resolution sigma(m) of each final state
  sin_theta          the excluded sin(theta) against m(h') for the model point (figure 3),
                     when --interpretation names darkscan interpret's output
  y_limit            the excluded y = eps^2 alpha_D (m(chi1)/m(A'))^4 against m(chi1) for the
                     model point at the fixed m(h') and sin(theta) (figure 4), when the
                     interpretation has /y_limit
  y_limit_benchmarks the lower edge of the excluded y of every benchmark model point, when
                     interpreted with --benchmark-points

The inputs are read once, only the columns the figures show. Each figure is a function
of arrays returning a matplotlib Figure; the figures are drawn by --jobs processes (default:
the cores this process may use), forked after the reading. A figure that fails is said in one
line naming it; the others and the report are still written and the exit status is 1.
Measured by benchmarks/bench_plots.py (benchmarks/RESULTS.md, "Plots"); the outputs are
described in docs/formats/outputs.md#plots.
"""
import argparse
import os
import sys
import traceback

try:
    import h5py
    import numpy as np
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import mathtext
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
except ImportError as e:  # said in one line; darkscan run goes on without plots
    print(f"plot_results.py: {e}: install python3-matplotlib, python3-h5py and python3-numpy "
          "(scripts/setup.sh does)", file=sys.stderr)
    sys.exit(3)

FINAL_STATES = ["mumu", "pipi", "kk"]
LABEL = {"mumu": r"$\mu^+\mu^-$", "pipi": r"$\pi^+\pi^-$", "kk": r"$K^+K^-$"}
XLABEL = {"mumu": r"$M(\mu^+\mu^-)$ [GeV]", "pipi": r"$M(\pi^+\pi^-)$ [GeV]", "kk": r"$M(K^+K^-)$ [GeV]"}
FORMATS = ("png", "pdf")

# No tight bounding box at save time: it draws every figure once more per format to measure
# it. Each figure's margins are fitted once instead (layout()), before both formats are drawn.
STYLE = {"font.size": 11, "axes.grid": True, "grid.alpha": 0.3, "figure.dpi": 100}
matplotlib.rcParams.update(STYLE)


def share_mathtext_layouts():
    """Lays out each math text ($...$: the labels, titles and the 10^n ticks of the log axes)
    once per output kind, size and dpi for the whole process. matplotlib caches the layouts
    per renderer, and every savefig makes new renderers, so each figure and format parsed
    them again: about a fifth of the drawing time (benchmarks/bench_plots.py, RESULTS.md
    "Plots"). The layouts are read-only data. A matplotlib whose parsers do not say their
    output kind is left as it is."""
    parse = mathtext.MathTextParser.parse
    if getattr(parse, "shared_layouts", False) or not hasattr(mathtext.MathTextParser("path"), "_output_type"):
        return
    layouts = {}

    def shared_parse(self, s, dpi=72, prop=None, **options):
        key = (self._output_type, s, dpi, None if prop is None else prop.copy(),
               tuple(sorted(options.items())))
        if key not in layouts:
            layouts[key] = parse(self, s, dpi, prop, **options)
        return layouts[key]

    shared_parse.shared_layouts = True
    mathtext.MathTextParser.parse = shared_parse


share_mathtext_layouts()


# ---------------------------------------------------------------- files

def write_atomically(path, write):
    """Calls write(file) on `<path>.tmp-<pid>`, flushes it to the disk and renames it onto
    `path`, then flushes the folder: as darkscan writes its outputs
    (docs/formats/outputs.md#conventions). On any error the temporary is removed."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    folder = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(folder)
    except OSError:
        pass  # a file system that cannot sync a folder; the file is in place
    finally:
        os.close(folder)


def read_columns(group, names, optional=()):
    """The columns `names` of a table (a group of equal-length datasets), and those of
    `optional` it has; only these are read (the scan's tables have about 20 columns)."""
    table = {k: group[k][:] for k in names}
    table.update({k: group[k][:] for k in optional if k in group})
    return table


def decoded(value):
    return value.decode() if isinstance(value, bytes) else value


def read_inputs(a):
    """Everything the figures and the report show, as arrays: the files are closed again
    before any figure is drawn (and before the drawing processes are forked)."""
    d = {}
    with h5py.File(a.selected, "r") as selected:
        d["data"] = read_columns(selected["selected"]["data"], ["mass", "final_state"])
        d["backgrounds"] = {name: read_columns(g, ["mass", "final_state", "weight"])
                            for name, g in selected["selected"].items()
                            if g.attrs.get("kind", b"") in ("background", b"background")}
        c = selected["cutflow"]["data"]
        d["cutflow"] = {"names": decoded(c.attrs["cut_names"]).split(", "), "candidates": c["candidates"][:],
                        "weighted_yield": c["weighted_yield"][:]}
    with h5py.File(a.results, "r") as results:
        d["scan"] = read_columns(results["scan"], ["final_state", "ctau_cm", "mass", "z", "ul_xsec_fb"])
        d["expected"] = (read_columns(results["expected"], ["ul_xsec_fb_median", "ul_xsec_fb_m1", "ul_xsec_fb_p1",
                                                            "ul_xsec_fb_m2", "ul_xsec_fb_p2"])
                         if "expected" in results else None)
        d["lee"] = dict(results["lee"]["toys"].attrs) if "lee" in results else {}
        d["config"] = decoded(results.attrs.get("config", ""))
    with h5py.File(a.model, "r") as model:
        maps = model.get("maps", {})
        d["maps"] = {fs: read_columns(maps[fs], ["m_hp", "ctau_cm", "trusted", "efficiency", "sigma_gev"])
                     for fs in FINAL_STATES if fs in maps}
    d["interpretation"] = None
    if a.interpretation and os.path.exists(a.interpretation):
        with h5py.File(a.interpretation, "r") as f:
            i = {"sin_theta": {
                "intervals": read_columns(f["sin_theta"]["intervals"], ["mass", "sin_theta_lo", "sin_theta_hi",
                                                                        "open_lo"], ["model_point"]),
                "masses": read_columns(f["sin_theta"]["masses"], ["mass"], ["model_point"]),
                "attrs": dict(f["sin_theta"]["masses"].attrs)}}
            if "y_limit" in f:
                g = f["y_limit"]
                i["y_limit"] = {
                    "masses": read_columns(g["masses"], ["m_chi1", "y_excluded_lo"], ["model_point"]),
                    "intervals": read_columns(g["intervals"], ["m_chi1", "y_lo", "y_hi", "open_lo", "open_hi"],
                                              ["model_point"]),
                    "attrs": dict(g["masses"].attrs)}
                i["model_points"] = read_columns(f["model_points"], ["model_point", "ap_over_m_chi1",
                                                                     "delta_m_over_m_chi1", "alpha_d"])
            d["interpretation"] = i
    return d


# ---------------------------------------------------------------- figures

def new_figure(figsize=(7, 4.5), rows=1, sharex=False):
    """A figure outside pyplot (nothing global to close; safe to draw in forked processes)
    on its own Agg canvas: the layout pass and the PNG then share one renderer."""
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    if rows == 1:
        return fig, fig.add_subplot()
    return fig, fig.subplots(rows, 1, sharex=sharex)


def layout(fig):
    """Margins fitted to the labels once (tight_layout: one measuring pass), so that each
    format is then drawn once; a tight bounding box at save time draws twice per format."""
    fig.tight_layout()
    return fig


def fig_mass(data, backgrounds, k):
    """Paper figure 2: selected data of final state k over the stacked background MC."""
    fs = FINAL_STATES[k]
    fig, ax = new_figure()
    bins = np.linspace(0.0, 3.0, 61)
    stack, labels = [], []
    for name, t in sorted(backgrounds.items()):
        sel = t["final_state"] == k
        if sel.sum() == 0:
            continue
        stack.append((t["mass"][sel], t["weight"][sel]))
        labels.append(name.replace("bkg_", ""))
    if stack:
        ax.hist([s[0] for s in stack], bins=bins, weights=[s[1] for s in stack], stacked=True,
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
    return layout(fig)


def fig_significance(s):
    """Local Z against mass per final state, the largest excess marked."""
    fig, axes = new_figure((7, 8), rows=3, sharex=True)
    best = int(np.argmax(s["z"]))
    for k, fs in enumerate(FINAL_STATES):
        ax = axes[k]
        sel = s["final_state"] == k
        if sel.sum() == 0:
            ax.text(0.5, 0.5, f"{LABEL[fs]}: not scanned", transform=ax.transAxes, ha="center")
            continue
        ctau = s["ctau_cm"][sel]
        first = ctau == ctau[0]  # the local Z does not depend on the lifetime
        mass, z = s["mass"][sel][first], s["z"][sel][first]
        ax.plot(mass, np.where(np.isfinite(z), z, np.nan), lw=0.8, label=LABEL[fs])
        ax.set_ylabel("local Z [σ]")
        ax.axhline(0, color="k", lw=0.5)
        if s["final_state"][best] == k:
            ax.plot(s["mass"][best], s["z"][best], "r*", ms=12,
                    label=f"largest excess: {s['mass'][best]:.3f} GeV, cτ = {s['ctau_cm'][best]:g} cm, "
                          f"Z = {s['z'][best]:.2f}")
        ax.legend(fontsize=8, loc="upper right")
    axes[-1].set_xlabel("m(h') [GeV]")
    fig.suptitle("Local significance (the same at every cτ(h'))")
    return layout(fig)


def shown_lifetimes(s):
    """The lifetimes drawn in the limit plots: the whole decades, else about five."""
    lifetimes = np.unique(s["ctau_cm"])
    shown = [c for c in lifetimes if np.isclose(np.log10(c) % 1, 0) or np.isclose(np.log10(c) % 1, 1)]
    return shown or list(lifetimes[:: max(1, len(lifetimes) // 5)])


def fig_limits(s, e, k, shown):
    """Observed limit against mass per shown lifetime, the expected bands of final state k."""
    fs = FINAL_STATES[k]
    sel = s["final_state"] == k
    fig, ax = new_figure()
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
    return layout(fig)


def cell_edges(centres, log):
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


def limit_grid(mass, ctau, value):
    """The rows (mass, ctau, value) as a (ctau, mass) image, or None when they are not a grid
    (more than a few cells without a row). The scan is one: every window at every lifetime
    (docs/commands/scan.md), so the map is drawn as cells, not one marker per row."""
    um, im = np.unique(mass, return_inverse=True)
    uc, ic = np.unique(ctau, return_inverse=True)
    if len(um) * len(uc) > 2 * len(mass):
        return None
    z = np.full((len(uc), len(um)), np.nan)
    z[ic, im] = value
    return cell_edges(um, False), cell_edges(uc, True), np.ma.masked_invalid(z)


def fig_limit_map(s, k):
    """The observed limit of final state k over (mass, ctau)."""
    fs = FINAL_STATES[k]
    sel = (s["final_state"] == k) & np.isfinite(s["ul_xsec_fb"])
    mass, ctau, value = s["mass"][sel], s["ctau_cm"][sel], np.log10(s["ul_xsec_fb"][sel])
    fig, ax = new_figure()
    grid = limit_grid(mass, ctau, value)
    if grid is not None:
        # One image of cells (rasterized in the PDF) in place of 10^5 markers; the grid
        # lines stay over it as over the markers (pcolormesh would take them off).
        ax.grid(False)
        sc = ax.pcolormesh(*grid, cmap="viridis", shading="flat", rasterized=True)
        ax.grid(True)
    else:
        sc = ax.scatter(mass, ctau, c=value, s=4, marker="s", cmap="viridis", linewidths=0, rasterized=True)
    ax.set_yscale("log")
    ax.set_xlabel("m(h') [GeV]")
    ax.set_ylabel("cτ(h') [cm]")
    cb = fig.colorbar(sc, ax=ax)
    cb.set_label(r"$\log_{10}$(upper limit on $\sigma_{sig}$ / fb)")
    ax.set_title(f"{LABEL[fs]}: observed limit over mass and lifetime")
    return layout(fig)


def fig_efficiency(t, fs):
    """The signal efficiency of final state fs against ctau per simulated mass."""
    fig, ax = new_figure()
    for m in np.unique(t["m_hp"]):
        rows = t["m_hp"] == m
        eff = np.where(t["trusted"][rows] > 0, t["efficiency"][rows], np.nan)
        ax.plot(t["ctau_cm"][rows], eff, label=f"m(h') = {m:g} GeV")
    ax.set_xscale("log")
    ax.set_xlabel("cτ(h') [cm]")
    ax.set_ylabel("signal efficiency")
    ax.set_title(f"{LABEL[fs]}: efficiency (trusted cells)")
    ax.legend(fontsize=8)
    return layout(fig)


def fig_resolution(maps):
    """The mass resolution of each final state with a signal model."""
    fig, ax = new_figure()
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
    return layout(fig)


def point_rows(table, k):
    """The rows of model point k (every row when the table has no model_point column)."""
    if "model_point" not in table:
        return table
    keep = table["model_point"] == k
    return {name: v[keep] for name, v in table.items()}


def fig_sin_theta(sin_theta):
    """Paper figure 3: the excluded region in (m(h'), sin theta) for the model point."""
    iv = point_rows(sin_theta["intervals"], 0)
    mass = point_rows(sin_theta["masses"], 0)["mass"]
    attrs = sin_theta["attrs"]
    fig, ax = new_figure()
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
    if len(mass):
        ax.set_xlim(mass.min(), mass.max())
    return layout(fig)


def fig_y_limit(y_limit):
    """Paper figure 4: the excluded y against m(chi1) at fixed m(h') and sin theta."""
    attrs = y_limit["attrs"]
    masses = point_rows(y_limit["masses"], 0)
    iv = point_rows(y_limit["intervals"], 0)
    fig, ax = new_figure()
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
    return layout(fig)


def fig_y_benchmarks(points, y_masses):
    """The lower edge of the excluded y of every interpreted model point."""
    # The legend goes below the axes, two entries a row: the figure grows by its rows so that
    # the axes keep their height (the layout fits the margins around it).
    fig, ax = new_figure((7, 4.5 + 0.13 * ((len(points["model_point"]) + 1) // 2)))
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
    return layout(fig)


def figures(d):
    """The figures of a run as (name, function, arguments), in the report's order."""
    out = [(f"mass_{fs}", fig_mass, (d["data"], d["backgrounds"], k)) for k, fs in enumerate(FINAL_STATES)]
    s, e = d["scan"], d["expected"]
    out.append(("significance", fig_significance, (s,)))
    shown = shown_lifetimes(s)
    scanned = [(k, fs) for k, fs in enumerate(FINAL_STATES) if (s["final_state"] == k).any()]
    out += [(f"limits_{fs}", fig_limits, (s, e, k, shown)) for k, fs in scanned]
    out += [(f"limit_map_{fs}", fig_limit_map, (s, k)) for k, fs in enumerate(FINAL_STATES)
            if ((s["final_state"] == k) & np.isfinite(s["ul_xsec_fb"])).any()]
    out += [(f"efficiency_{fs}", fig_efficiency, (t, fs)) for fs, t in d["maps"].items()]
    out.append(("resolution", fig_resolution, (d["maps"],)))
    i = d["interpretation"]
    if i is not None:
        out.append(("sin_theta", fig_sin_theta, (i["sin_theta"],)))
        if "y_limit" in i:
            out.append(("y_limit", fig_y_limit, (i["y_limit"],)))
            if len(i["model_points"]["model_point"]) >= 2:
                out.append(("y_limit_benchmarks", fig_y_benchmarks, (i["model_points"], i["y_limit"]["masses"])))
    return out


# ---------------------------------------------------------------- drawing

def save(fig, folder, name):
    """Writes the figure once per format."""
    for ext in FORMATS:
        write_atomically(os.path.join(folder, f"{name}.{ext}"), lambda f: fig.savefig(f, format=ext))


_JOBS = []  # (name, function, arguments): set before the processes fork, which inherit it
# Relative drawing time of the figures by the start of their name (the demo's, both formats).
DRAW_COST = {"sin": 3, "limit": 3, "limits": 2, "significance": 2, "y": 2, "efficiency": 2, "mass": 1, "resolution": 1}


def draw(index, folder):
    name, function, arguments = _JOBS[index]
    save(function(*arguments), folder, name)
    return name


def one_line(error):
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[-1] if lines else ''}"


def draw_all(jobs, folder, workers):
    """Draws and saves every job; returns the failures as {name: one line}. With more than
    one worker the jobs are spread over forked processes (the inputs are inherited, not
    sent); a worker that dies fails the figures it had not finished, it does not hang."""
    _JOBS[:] = jobs
    failures = {}
    workers = min(workers, len(jobs))
    if workers <= 1:
        for i, (name, _, _) in enumerate(jobs):
            try:
                draw(i, folder)
            except Exception as e:  # one figure's failure leaves the others
                failures[name] = one_line(e)
                traceback.print_exc()
        return failures
    import concurrent.futures
    import multiprocessing

    # The slowest figures first, so that no worker is left with one of them at the end.
    order = sorted(range(len(jobs)), key=lambda i: -DRAW_COST.get(jobs[i][0].split("_")[0], 1))
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {pool.submit(draw, i, folder): jobs[i][0] for i in order}
        for future in concurrent.futures.as_completed(futures):
            try:
                future.result()
            except Exception as e:  # raised in the worker and sent back, or the pool broken
                failures[futures[future]] = one_line(e)
                traceback.print_exception(e)
    return failures


def default_workers():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# ---------------------------------------------------------------- report

def cutflow_table(c):
    rows = ["| cut | candidates | weighted yield |", "|---|---|---|"]
    for i, n in enumerate(c["candidates"]):
        rows.append(f"| {c['names'][i] if i < len(c['names']) else i} | {n} | {c['weighted_yield'][i]:.4g} |")
    return "\n".join(rows)


def report_text(d, summary, made):
    lines = ["# darkscan run report", "", "## Summary", "", "```", summary, "```", ""]
    lee = d["lee"]
    if lee:
        lines += ["## Look-elsewhere effect", "",
                  f"Largest local significance {float(lee['z_local']):.2f}σ (p = {float(lee['p_local']):.3g}); "
                  f"global {float(lee['z_global']):.2f}σ (p = {float(lee['p_global']):.4g} ± "
                  f"{float(lee['p_global_unc']):.2g}, {int(lee['toys'])} toys), trials factor "
                  f"{float(lee['trials_factor']):.3g}; Gross–Vitells {float(lee['z_gross_vitells']):.2f}σ.", ""]
    lines += ["## Cutflow of the data sample", "", cutflow_table(d["cutflow"]), ""]
    lines += ["## Plots", ""]
    for name in made:
        lines += [f"### {name}", "", f"![{name}](plots/{name}.png)", ""]
    if d["config"]:
        lines += ["## Configuration", "", "```toml", d["config"], "```"]
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--selected", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--interpretation")
    p.add_argument("--summary")
    p.add_argument("--jobs", type=int, default=0, help="processes drawing the figures (0: every usable core)")
    a = p.parse_args(argv)
    out = os.path.join(a.dir, "plots")
    os.makedirs(out, exist_ok=True)
    d = read_inputs(a)
    jobs = figures(d)
    failures = draw_all(jobs, out, a.jobs if a.jobs > 0 else default_workers())
    made = [name for name, _, _ in jobs if name not in failures]
    summary = open(a.summary).read().strip() if a.summary and os.path.exists(a.summary) else ""
    write_atomically(os.path.join(a.dir, "report.md"), lambda f: f.write(report_text(d, summary, made).encode()))
    for name in (name for name, _, _ in jobs if name in failures):
        print(f"plot_results.py: figure {name} failed: {failures[name]}", file=sys.stderr)
    print(f"plots: {len(made)} figures in {out}; report {os.path.join(a.dir, 'report.md')}"
          + (f"; {len(failures)} failed" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
