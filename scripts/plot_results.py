#!/usr/bin/python3
"""Plots and report of a darkscan run (run by `darkscan run` with Debian's python3 and
python3-matplotlib; scripts/setup.sh installs them).

  plot_results.py --dir D --selected S.h5 --model M.h5 --results R.h5 [--summary F]

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
"""
import argparse
import os
import sys

try:
    import h5py
    import numpy as np
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError as e:  # said in one line; darkscan run goes on without plots
    print(f"plot_results.py: {e}: install python3-matplotlib, python3-h5py and python3-numpy "
          "(scripts/setup.sh does)", file=sys.stderr)
    sys.exit(3)

FINAL_STATES = ["mumu", "pipi", "kk"]
LABEL = {"mumu": r"$\mu^+\mu^-$", "pipi": r"$\pi^+\pi^-$", "kk": r"$K^+K^-$"}
XLABEL = {"mumu": r"$M(\mu^+\mu^-)$ [GeV]", "pipi": r"$M(\pi^+\pi^-)$ [GeV]", "kk": r"$M(K^+K^-)$ [GeV]"}

plt.rcParams.update({"font.size": 11, "axes.grid": True, "grid.alpha": 0.3, "figure.dpi": 100,
                     "savefig.bbox": "tight"})


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


def save(fig, out, name, made):
    for ext in ("png", "pdf"):
        write_atomically(os.path.join(out, f"{name}.{ext}"), lambda f: fig.savefig(f, format=ext))
    plt.close(fig)
    made.append(name)


def read_table(group):
    return {k: group[k][:] for k in group.keys()}


def plot_masses(selected, out, made):
    """Paper figure 2: selected data per final state over the stacked background MC."""
    data = read_table(selected["selected"]["data"])
    backgrounds = {name: read_table(g) for name, g in selected["selected"].items()
                   if g.attrs.get("kind", b"") in ("background", b"background")}
    for k, fs in enumerate(FINAL_STATES):
        fig, ax = plt.subplots(figsize=(7, 4.5))
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
        save(fig, out, f"mass_{fs}", made)


def scan_rows(results):
    s = read_table(results["scan"])
    e = read_table(results["expected"]) if "expected" in results else None
    return s, e


def plot_significance(s, out, made):
    fig, axes = plt.subplots(3, 1, figsize=(7, 8), sharex=True)
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
    save(fig, out, "significance", made)


def plot_limits(s, e, out, made):
    lifetimes = np.unique(s["ctau_cm"])
    shown = [c for c in lifetimes if np.isclose(np.log10(c) % 1, 0) or np.isclose(np.log10(c) % 1, 1)]
    if not shown:
        shown = list(lifetimes[:: max(1, len(lifetimes) // 5)])
    for k, fs in enumerate(FINAL_STATES):
        sel = s["final_state"] == k
        if sel.sum() == 0:
            continue
        fig, ax = plt.subplots(figsize=(7, 4.5))
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
        save(fig, out, f"limits_{fs}", made)


def plot_limit_maps(s, out, made):
    for k, fs in enumerate(FINAL_STATES):
        sel = (s["final_state"] == k) & np.isfinite(s["ul_xsec_fb"])
        if sel.sum() == 0:
            continue
        fig, ax = plt.subplots(figsize=(7, 4.5))
        sc = ax.scatter(s["mass"][sel], s["ctau_cm"][sel], c=np.log10(s["ul_xsec_fb"][sel]), s=4, marker="s",
                        cmap="viridis", linewidths=0, rasterized=True)
        ax.set_yscale("log")
        ax.set_xlabel("m(h') [GeV]")
        ax.set_ylabel("cτ(h') [cm]")
        cb = fig.colorbar(sc, ax=ax)
        cb.set_label(r"$\log_{10}$(upper limit on $\sigma_{sig}$ / fb)")
        ax.set_title(f"{LABEL[fs]}: observed limit over mass and lifetime")
        save(fig, out, f"limit_map_{fs}", made)


def plot_signal_model(model, out, made):
    fig_r, ax_r = plt.subplots(figsize=(7, 4.5))
    for fs in FINAL_STATES:
        if fs not in model.get("maps", {}):
            continue
        t = read_table(model["maps"][fs])
        masses = np.unique(t["m_hp"])
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for m in masses:
            rows = t["m_hp"] == m
            eff = np.where(t["trusted"][rows] > 0, t["efficiency"][rows], np.nan)
            ax.plot(t["ctau_cm"][rows], eff, label=f"m(h') = {m:g} GeV")
        ax.set_xscale("log")
        ax.set_xlabel("cτ(h') [cm]")
        ax.set_ylabel("signal efficiency")
        ax.set_title(f"{LABEL[fs]}: efficiency (trusted cells)")
        ax.legend(fontsize=8)
        save(fig, out, f"efficiency_{fs}", made)
        first = t["ctau_cm"] == t["ctau_cm"][0]
        ok = np.isfinite(t["sigma_gev"][first])
        ax_r.plot(t["m_hp"][first][ok], 1000 * t["sigma_gev"][first][ok], "o-", label=LABEL[fs])
    ax_r.set_xlabel("m(h') [GeV]")
    ax_r.set_ylabel("σ(m) [MeV]")
    ax_r.set_title("Mass resolution (double-sided Crystal Ball fits)")
    ax_r.legend()
    save(fig_r, out, "resolution", made)


def plot_sin_theta(interpretation, out, made):
    """Paper figure 3: the excluded region in (m(h'), sin theta) for the model point."""
    iv = point_rows(read_table(interpretation["sin_theta"]["intervals"]), 0)
    masses = point_rows(read_table(interpretation["sin_theta"]["masses"]), 0)
    attrs = dict(interpretation["sin_theta"]["masses"].attrs)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    mass = masses["mass"]
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
    save(fig, out, "sin_theta", made)


def point_rows(table, k):
    """The rows of model point k (every row when the table has no model_point column)."""
    if "model_point" not in table:
        return table
    keep = table["model_point"] == k
    return {name: v[keep] for name, v in table.items()}


def plot_y_limit(interpretation, out, made):
    """Paper figure 4: the excluded y against m(chi1) at fixed m(h') and sin theta."""
    g = interpretation["y_limit"]
    attrs = dict(g["masses"].attrs)
    masses = point_rows(read_table(g["masses"]), 0)
    iv = point_rows(read_table(g["intervals"]), 0)
    fig, ax = plt.subplots(figsize=(7, 4.5))
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
    save(fig, out, "y_limit", made)


def plot_y_benchmarks(interpretation, out, made):
    """The lower edge of the excluded y of every interpreted model point."""
    points = read_table(interpretation["model_points"])
    if len(points["model_point"]) < 2:
        return
    masses = read_table(interpretation["y_limit"]["masses"])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for k in points["model_point"]:
        rows = point_rows(masses, k)
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
    save(fig, out, "y_limit_benchmarks", made)


def cutflow_table(selected, sample):
    c = selected["cutflow"][sample]
    names = c.attrs["cut_names"]
    names = (names.decode() if isinstance(names, bytes) else names).split(", ")
    rows = ["| cut | candidates | weighted yield |", "|---|---|---|"]
    for i, n in enumerate(c["candidates"][:]):
        rows.append(f"| {names[i] if i < len(names) else i} | {n} | {c['weighted_yield'][i]:.4g} |")
    return "\n".join(rows)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--selected", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--interpretation")
    p.add_argument("--summary")
    a = p.parse_args()
    out = os.path.join(a.dir, "plots")
    os.makedirs(out, exist_ok=True)
    made = []
    with h5py.File(a.selected, "r") as selected, h5py.File(a.model, "r") as model, \
            h5py.File(a.results, "r") as results:
        plot_masses(selected, out, made)
        s, e = scan_rows(results)
        plot_significance(s, out, made)
        plot_limits(s, e, out, made)
        plot_limit_maps(s, out, made)
        plot_signal_model(model, out, made)
        if a.interpretation and os.path.exists(a.interpretation):
            with h5py.File(a.interpretation, "r") as interpretation:
                plot_sin_theta(interpretation, out, made)
                if "y_limit" in interpretation:
                    plot_y_limit(interpretation, out, made)
                    plot_y_benchmarks(interpretation, out, made)
        lee = dict(results["lee"]["toys"].attrs) if "lee" in results else {}
        cutflow = cutflow_table(selected, "data")
        config = results.attrs.get("config", "")
    summary = open(a.summary).read().strip() if a.summary and os.path.exists(a.summary) else ""
    lines = ["# darkscan run report", "", "## Summary", "", "```", summary, "```", ""]
    if lee:
        lines += ["## Look-elsewhere effect", "",
                  f"Largest local significance {float(lee['z_local']):.2f}σ (p = {float(lee['p_local']):.3g}); "
                  f"global {float(lee['z_global']):.2f}σ (p = {float(lee['p_global']):.4g} ± "
                  f"{float(lee['p_global_unc']):.2g}, {int(lee['toys'])} toys), trials factor "
                  f"{float(lee['trials_factor']):.3g}; Gross–Vitells {float(lee['z_gross_vitells']):.2f}σ.", ""]
    lines += ["## Cutflow of the data sample", "", cutflow, ""]
    lines += ["## Plots", ""]
    for name in made:
        lines += [f"### {name}", "", f"![{name}](plots/{name}.png)", ""]
    if config:
        lines += ["## Configuration", "", "```toml", config.decode() if isinstance(config, bytes) else config, "```"]
    write_atomically(os.path.join(a.dir, "report.md"), lambda f: f.write(("\n".join(lines) + "\n").encode()))
    print(f"plots: {len(made)} figures in {out}; report {os.path.join(a.dir, 'report.md')}")


if __name__ == "__main__":
    main()
