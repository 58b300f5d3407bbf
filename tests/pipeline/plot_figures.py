#!/usr/bin/python3
"""`python -m darkscan.plot` (the package's plots, as `darkscan run` starts them) on small
result files written here with h5py (the columns and attributes of docs/formats/outputs.md
that it reads): every figure promised there is written
as a valid, non-empty PNG and PDF, and report.md embeds each PNG; one process and two give
the same PNG bytes; a figure that fails on a damaged input is named in one line, exits 1 and
leaves the other figures and the report; a drawing process that dies is reported too, not
waited for.

  plot_figures.py PYTHON WORK_DIR

PYTHON is an interpreter with the package darkscan installed (.venv/bin/python, which
runs this script too: it has h5py and matplotlib).
"""
import os
import shutil
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from checklist import Checklist  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

FINAL_STATES = ["mumu", "pipi", "kk"]
# docs/formats/outputs.md#plots, with y_limit_benchmarks for an interpretation of two model points.
FIGURES = ([f"mass_{fs}" for fs in FINAL_STATES] + ["significance"] + [f"limits_{fs}" for fs in FINAL_STATES]
           + [f"limit_map_{fs}" for fs in FINAL_STATES] + [f"efficiency_{fs}" for fs in FINAL_STATES]
           + ["resolution", "sin_theta", "y_limit", "y_limit_benchmarks"])
TIMEOUT_S = 300  # far above the seconds a run takes: a hung process pool fails the check instead of the test


def table(parent, name, columns, **attrs):
    g = parent.create_group(name)
    for k, v in columns.items():
        g.create_dataset(k, data=np.asarray(v))
    g.attrs.update(attrs)
    return g


def write_inputs(d):
    rng = np.random.default_rng(5)
    with h5py.File(os.path.join(d, "selected.h5"), "w") as f:
        s = f.create_group("selected")
        n = 400
        table(s, "data", {"mass": rng.uniform(0.2, 3.0, n), "final_state": rng.integers(0, 3, n).astype(np.int8)},
              kind="data")
        for name in ("bkg_qqbar", "bkg_kshort"):
            table(s, name, {"mass": rng.uniform(0.2, 3.0, n), "final_state": rng.integers(0, 3, n).astype(np.int8),
                            "weight": rng.uniform(0.5, 1.5, n)}, kind="background")
        c = f.create_group("cutflow")
        table(c, "data", {"candidates": np.array([900, 600, 400]), "weighted_yield": np.array([900.0, 600.0, 400.0])},
              cut_names="preselection, displaced_vertex, ks_veto")
    masses = {0: np.linspace(0.22, 3.0, 120), 1: np.linspace(0.3, 3.0, 90), 2: np.linspace(1.0, 3.0, 60)}
    lifetimes = np.logspace(-1, 4, 21)
    rows = {k: [] for k in ("final_state", "ctau_cm", "mass", "z", "ul_xsec_fb")}
    for k, ms in masses.items():
        for c in lifetimes:
            rows["final_state"] += [k] * len(ms)
            rows["ctau_cm"] += [c] * len(ms)
            rows["mass"] += list(ms)
            rows["z"] += list(rng.normal(0, 1, len(ms)))
            ul = 0.1 * (1 + np.abs(np.log10(c) - 1)) * (1 + ms)
            ul[ms > 2.8] = np.inf if c < 1 else ul[ms > 2.8]  # cells without a limit: blank in the map
            rows["ul_xsec_fb"] += list(ul)
    scan = {k: np.array(v) for k, v in rows.items()}
    scan["final_state"] = scan["final_state"].astype(np.int8)
    with h5py.File(os.path.join(d, "results.h5"), "w") as f:
        f.attrs["config"] = "[run]\nseed = 1\n"
        table(f, "scan", scan)
        ul = scan["ul_xsec_fb"]
        table(f, "expected", {"ul_xsec_fb_median": ul, "ul_xsec_fb_m1": 0.8 * ul, "ul_xsec_fb_p1": 1.3 * ul,
                              "ul_xsec_fb_m2": 0.6 * ul, "ul_xsec_fb_p2": 1.8 * ul})
        lee = f.create_group("lee")
        table(lee, "toys", {"max_z": rng.normal(2, 1, 100)}, z_local=3.4, p_local=3e-4, z_global=1.1, p_global=0.13,
              p_global_unc=0.01, toys=100, trials_factor=400.0, z_gross_vitells=1.2)
    with h5py.File(os.path.join(d, "signal_model.h5"), "w") as f:
        maps = f.create_group("maps")
        for fs in FINAL_STATES:
            m_hp, ctau = np.meshgrid([0.5, 1.0, 2.0], np.logspace(-1, 3, 9), indexing="ij")
            table(maps, fs, {"m_hp": m_hp.ravel(), "ctau_cm": ctau.ravel(), "trusted": np.ones(m_hp.size, np.int8),
                             "efficiency": 0.3 * np.exp(-np.abs(np.log10(ctau.ravel()) - 1)),
                             "sigma_gev": 0.002 + 0.003 * m_hp.ravel()})
    with h5py.File(os.path.join(d, "interpretation.h5"), "w") as f:
        st = f.create_group("sin_theta")
        mass = np.linspace(0.3, 2.0, 50)
        table(st, "masses", {"model_point": np.zeros(50, np.int32), "mass": mass}, m_chi1=2.5, delta_m=1.0, m_ap=7.5,
              alpha_d=0.1, epsilon=0.0015)
        table(st, "intervals", {"model_point": np.zeros(50, np.int32), "mass": mass, "sin_theta_lo": 1e-4 * (1 + mass),
                                "sin_theta_hi": 1e-2 * np.ones(50), "open_lo": (mass > 1.5).astype(np.int8)})
        y = f.create_group("y_limit")
        m1 = np.tile([0.5, 1.0, 2.0, 3.0], 2)
        point = np.repeat([0, 1], 4).astype(np.int32)
        table(y, "masses", {"model_point": point, "m_chi1": m1, "y_excluded_lo": 1e-9 * m1 * (1 + point)},
              m_hp_gev=0.6, sin_theta=3e-4, m_ap=7.5, m_chi1=2.5, delta_m=1.0, alpha_d=0.1)
        table(y, "intervals", {"model_point": point, "m_chi1": m1, "y_lo": 1e-9 * m1, "y_hi": 1e-6 * m1,
                               "open_lo": np.zeros(8, np.int8), "open_hi": (m1 > 2).astype(np.int8)})
        table(f, "model_points", {"model_point": np.array([0, 1], np.int32), "ap_over_m_chi1": np.array([3.0, 4.0]),
                                  "delta_m_over_m_chi1": np.array([0.4, 0.2]), "alpha_d": np.array([0.1, 0.5])})
    with open(os.path.join(d, "summary.txt"), "w") as f:
        f.write("summary of the run\n")


def png_size(path):
    """(width, height) from a PNG whose signature and IHDR chunk (with its CRC) are valid, else None."""
    with open(path, "rb") as f:
        head = f.read(33)
    if len(head) < 33 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    if struct.unpack(">I", head[29:33])[0] != zlib.crc32(head[12:29]):
        return None
    return struct.unpack(">II", head[16:24])


def pdf_pages(path):
    """The number of pages of a PDF with a header and an end-of-file marker, else 0."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-64:]:
        return 0
    return data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>")


def run(python, d, out, jobs, interpretation="interpretation.h5"):
    args = [python, "-m", "darkscan.plot", "--dir", out, "--selected", f"{d}/selected.h5", "--model",
            f"{d}/signal_model.h5", "--results", f"{d}/results.h5", "--interpretation", f"{d}/{interpretation}",
            "--summary", f"{d}/summary.txt", "--jobs", str(jobs)]
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None


def main():
    python, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    d = os.path.join(work, "inputs")
    os.makedirs(d)
    write_inputs(d)
    check = Checklist()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.image

    # Every figure, both formats, from two processes.
    out2 = os.path.join(work, "jobs2")
    r = run(python, d, out2, 2)
    check(r is not None and r.returncode == 0, f"two processes: exit 0 ({r and r.returncode}; {r and r.stderr[-400:]})")
    for name in FIGURES:
        png, pdf = os.path.join(out2, "plots", name + ".png"), os.path.join(out2, "plots", name + ".pdf")
        size = png_size(png) if os.path.exists(png) else None
        image = matplotlib.image.imread(png) if size else None
        check(size is not None and size[0] > 300 and size[1] > 300 and image is not None and
              image.shape[:2] == (size[1], size[0]) and float(image[..., :3].std()) > 0.01,
              f"{name}.png is a valid PNG of more than one colour ({size})")
        check(os.path.exists(pdf) and os.path.getsize(pdf) > 1000 and pdf_pages(pdf) == 1,
              f"{name}.pdf is a valid one-page PDF")
    report = open(os.path.join(out2, "report.md")).read() if os.path.exists(os.path.join(out2, "report.md")) else ""
    check(all(f"![{n}](plots/{n}.png)" in report for n in FIGURES) and "summary of the run" in report
          and "| displaced_vertex | 600 |" in report, "report.md has the summary, the cutflow and every figure")
    left = [f for f in os.listdir(os.path.join(out2, "plots")) if ".tmp-" in f] if os.path.isdir(out2) else []
    check(not left, f"no temporaries left ({left})")

    # One process draws the same pixels.
    out1 = os.path.join(work, "jobs1")
    r = run(python, d, out1, 1)
    check(r is not None and r.returncode == 0, "one process: exit 0")
    same = [n for n in FIGURES if os.path.exists(os.path.join(out1, "plots", n + ".png")) and
            open(os.path.join(out1, "plots", n + ".png"), "rb").read() ==
            open(os.path.join(out2, "plots", n + ".png"), "rb").read()]
    check(len(same) == len(FIGURES), f"the same PNG bytes from one and two processes ({len(same)} of {len(FIGURES)})")

    # A damaged input fails its figures only: the y limit's lower edges one row short.
    with h5py.File(os.path.join(d, "interpretation.h5"), "r") as f_in, \
            h5py.File(os.path.join(d, "damaged.h5"), "w") as f_out:
        for k in f_in:
            f_in.copy(k, f_out)
        col = f_out["y_limit/masses/y_excluded_lo"][:]
        del f_out["y_limit/masses/y_excluded_lo"]
        f_out["y_limit/masses"].create_dataset("y_excluded_lo", data=col[:-1])
    for jobs in (1, 2):
        out = os.path.join(work, f"damaged{jobs}")
        r = run(python, d, out, jobs, "damaged.h5")
        said = [line for line in (r.stderr.splitlines() if r else []) if line.startswith("darkscan.plot: figure ")]
        check(r is not None and r.returncode == 1, f"{jobs} process(es), a damaged input: exit 1, not a hang")
        check(len(said) == 2 and "figure y_limit failed" in said[0] + said[1] and
              "figure y_limit_benchmarks failed" in said[0] + said[1], f"... the two failed figures named ({said})")
        others = [n for n in FIGURES if not n.startswith("y_limit")]
        made = [n for n in others if os.path.exists(os.path.join(out, "plots", n + ".png"))
                and os.path.exists(os.path.join(out, "plots", n + ".pdf"))]
        report = open(os.path.join(out, "report.md")).read() if os.path.exists(os.path.join(out, "report.md")) else ""
        check(len(made) == len(others) and "![sin_theta]" in report and "![y_limit]" not in report,
              f"... the other {len(others)} figures and the report are written, without the failed ones")

    # A drawing process that dies (as on a crash in a library) is reported, not waited for.
    probe = ("import os, sys\nimport darkscan.plot._figures as f, darkscan.plot._report as p\n"
             "f.resolution = lambda *a: os._exit(7)\n"
             f"sys.exit(p.main(['--dir', {os.path.join(work, 'died')!r}, '--selected', {d + '/selected.h5'!r}, "
             f"'--model', {d + '/signal_model.h5'!r}, '--results', {d + '/results.h5'!r}, '--jobs', '2']))\n")
    try:
        r = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        r = None
    check(r is not None and r.returncode == 1 and "figure resolution failed" in r.stderr,
          f"a drawing process that dies: exit 1 naming the figure, not a hang ({r and r.stderr[-300:]})")
    return check.exit_status()


if __name__ == "__main__":
    sys.exit(main())
