#!/usr/bin/python3
"""darkscan run end to end on a small toy configuration: every stage runs in the one
darkscan process (under strace where it can trace: no other darkscan process is started)
and writes only under --output-dir, even where the config pins the events file
elsewhere; every dataset of its result files (all but the events) carries a `unit` and a
non-empty `description` attribute; the report and every plot appear (each PNG opened and checked to be a
non-empty image, each PDF present); a second run finds every stage up to date; a change to a [scan] key reruns
only the stages that read it; a stage whose output is lost (an interrupted run) is the
only one redone, and as it writes the same bytes again, what reads it stays up to date; a
Python without the package darkscan (DARKSCAN_PYTHON) skips the plots in one line, the run
still succeeding.

  run_pipeline.py DARKSCAN_EXECUTABLE WORK_DIR
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from checklist import Checklist  # noqa: E402

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402

CONFIG = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "small_run.toml")).read()

PLOTS = ["mass_mumu", "mass_pipi", "mass_kk", "significance", "limits_mumu", "limits_pipi", "limits_kk",
         "limit_map_mumu", "limit_map_pipi", "limit_map_kk", "efficiency_mumu", "efficiency_pipi", "efficiency_kk",
         "resolution", "sin_theta", "y_limit"]
STAGES = ["generate", "select", "efficiency", "scan", "lee", "interpret"]
RESULT_FILES = ["selected.h5", "signal_model.h5", "scan.h5", "results.h5", "interpretation.h5"]


def undescribed(path):
    """The datasets of an HDF5 file without a text `unit` ("" allowed) or a non-empty
    text `description` attribute, and how many datasets it has."""
    def text(value):
        return value.decode() if isinstance(value, bytes) else value

    missing, count = [], 0
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            nonlocal count
            if not isinstance(obj, h5py.Dataset):
                return
            count += 1
            unit, description = text(obj.attrs.get("unit")), text(obj.attrs.get("description"))
            if not isinstance(unit, str) or not isinstance(description, str) or not description.strip():
                missing.append(name)
        f.visititems(visit)
    return missing, count


def main(exe, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    config = os.path.join(work, "small.toml")
    out = os.path.join(work, "out")
    check = Checklist()

    def run(prefix=(), env=None):
        r = subprocess.run([*prefix, exe, "run", "--config", config, "--output-dir", out], capture_output=True,
                           text=True, env=env)
        if r.returncode != 0:
            print(r.stdout, r.stderr)
        check(r.returncode == 0, "darkscan run exits 0")
        return r.stderr

    def ran(log, stage):
        return f"run: {stage}\n" in log

    with open(config, "w") as f:
        f.write(CONFIG)
    trace = os.path.join(work, "execve.log")
    strace = shutil.which("strace")
    traced = strace is not None and subprocess.run([strace, "-o", os.devnull, "true"]).returncode == 0
    log = run([strace, "-f", "-e", "trace=execve", "-o", trace] if traced else [])
    check(all(ran(log, s) for s in STAGES + ["plots"]), "the first run runs every stage")
    if traced:
        exe_path = os.path.realpath(exe)
        starts = [line for line in open(trace) if "execve(" in line and "= 0" in line and
                  (exe_path in line or os.path.basename(exe_path) + '"' in line)]
        check(len(starts) == 1, f"the stages run in the one darkscan process ({len(starts)} darkscan execs)")
    else:
        print("note: strace cannot trace here; the one-process check is skipped")
    check(os.path.exists(os.path.join(out, "events.h5")) and not os.path.exists(os.path.join(work, "pinned")),
          "the generated events go under --output-dir, not to the config's input.events")
    written = {os.path.relpath(os.path.join(d, f), work) for d, _, files in os.walk(work) for f in files}
    outside = sorted(f for f in written if not f.startswith("out" + os.sep) and f not in ("small.toml", "execve.log"))
    check(not outside, f"nothing is written outside --output-dir ({outside})")
    for name in RESULT_FILES:
        missing, count = undescribed(os.path.join(out, name))
        check(count > 0 and not missing,
              f"every dataset of {name} has a unit and a description ({count} datasets; without: {missing[:8]})")
    with h5py.File(os.path.join(out, "interpretation.h5"), "r") as f:
        check("y_limit/curve" in f and "sin_theta/intervals" in f, "interpretation.h5 holds /y_limit and /sin_theta")
    for name in PLOTS:
        png = os.path.join(out, "plots", name + ".png")
        pdf = os.path.join(out, "plots", name + ".pdf")
        image = matplotlib.image.imread(png) if os.path.exists(png) else None
        check(image is not None and image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100 and
              float(image.std()) > 0, f"{name}.png is a non-empty image")
        check(os.path.exists(pdf) and os.path.getsize(pdf) > 1000, f"{name}.pdf is written")
    report = open(os.path.join(out, "report.md")).read() if os.path.exists(os.path.join(out, "report.md")) else ""
    check("## Cutflow of the data sample" in report and "![significance](plots/significance.png)" in report,
          "report.md holds the cutflow and embeds the plots")

    log = run()
    check(all(f"run: {s} is up to date" in log for s in STAGES) and "run: plots are up to date" in log,
          "a second run finds every stage up to date")

    with open(config, "a") as f:
        f.write("credibility = 0.9\n")  # under [scan]
    log = run()
    check(all(f"run: {s} is up to date" in log for s in ["generate", "select", "efficiency"]),
          "a [scan] change keeps generate, select and efficiency")
    check(ran(log, "scan") and ran(log, "lee") and ran(log, "interpret") and ran(log, "plots"),
          "... and reruns scan, lee, interpret and the plots")

    os.remove(os.path.join(out, "results.h5"))  # as if interrupted in lee
    log = run()
    check(ran(log, "lee") and not ran(log, "scan") and not ran(log, "select"), "a lost output reruns only its stage")
    check("run: interpret is up to date" in log,
          "... whose output comes back byte for byte, so what reads it stays up to date")

    # A Python without the package (Debian's, told by DARKSCAN_PYTHON): the plots are skipped
    # in one line naming what it lacks; the run succeeds and its results stay.
    report_before = open(os.path.join(out, "report.md"), "rb").read()
    log = run(env={**os.environ, "DARKSCAN_PYTHON": "/usr/bin/python3"})
    said = [line for line in log.splitlines() if line.startswith("run: plots")]
    check(len(said) == 1 and said[0].startswith("run: plots skipped: no Python with darkscan, matplotlib and h5py "
                                                "(/usr/bin/python3: missing darkscan")
          and said[0].endswith("the results are complete without them"),
          f"a Python without darkscan: the plots skipped in one line ({said})")
    check(open(os.path.join(out, "report.md"), "rb").read() == report_before
          and all(f"run: {s} is up to date" in log for s in STAGES), "... the results and the report stay as they were")
    return check.exit_status()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
