#!/usr/bin/python3
"""Wall time of the plots stage of `darkscan run` (`python -m darkscan.plot`, the package's
plots) on the result files of a run, as `darkscan run` starts it (a fresh process each time).

  bench_plots.py RUN_DIR [--python P] [--script S [--script S2 ...]] [--jobs 1 2] [--repeat 3]

RUN_DIR holds selected.h5, signal_model.h5, results.h5, interpretation.h5 (and summary.txt)
of a run, e.g. the demo's output folder; the figures are written to a temporary folder.
--python: the interpreter with the package (default: the repository's .venv/bin/python).
--script: also a stand-alone plotting script of an older commit (scripts/plot_results.py
before the plots moved into the package), run with Debian's /usr/bin/python3.
Every variant is run with every --jobs value, interleaved, --repeat times; printed as JSON:
minimum and median wall seconds of each, the CPU seconds (user and system, every process of
the run), and the load average before and after (the machine may be shared: the minimum is
the figure to compare). benchmarks/RESULTS.md (Plots).
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("run_dir")
    p.add_argument("--python", default=os.path.join(os.path.dirname(__file__), "..", ".venv", "bin", "python"),
                   help="the Python with the package darkscan (default: .venv/bin/python)")
    p.add_argument("--script", action="append", default=[],
                   help="an older stand-alone plotting script, also measured; may be given more than once")
    p.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    # Each variant by its name in the output: the package, then the scripts.
    commands = {"darkscan.plot": [a.python, "-m", "darkscan.plot"]}
    commands.update({s: ["/usr/bin/python3", s] for s in a.script})
    scripts = list(commands)
    d = a.run_dir
    inputs = ["--selected", f"{d}/selected.h5", "--model", f"{d}/signal_model.h5", "--results", f"{d}/results.h5",
              "--interpretation", f"{d}/interpretation.h5", "--summary", f"{d}/summary.txt"]
    times = {(s, j): [] for s in scripts for j in a.jobs}
    cpu = {(s, j): [] for s in scripts for j in a.jobs}
    # A script without --jobs (an older one) is run as it is, once per value.
    takes_jobs = {s: "--jobs" in subprocess.run(commands[s] + ["--help"], capture_output=True,
                                                  text=True).stdout for s in scripts}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as out:
        for _ in range(a.repeat):
            for s in scripts:
                for j in a.jobs:
                    extra = ["--jobs", str(j)] if takes_jobs[s] else []
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    start = time.perf_counter()
                    r = subprocess.run(commands[s] + ["--dir", out] + inputs + extra, capture_output=True,
                                       text=True)
                    times[(s, j)].append(time.perf_counter() - start)
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpu[(s, j)].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
                    if r.returncode != 0:
                        sys.exit(f"{s} failed (exit {r.returncode}): {r.stderr.strip()[-2000:]}")
    print(json.dumps({
        "machine": {"node": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_before": load_before, "load_average_after": os.getloadavg(),
        "runs": [{"script": s, "jobs": j, "wall_s": [round(t, 3) for t in v], "min_s": round(min(v), 3),
                  "median_s": round(statistics.median(v), 3), "cpu_s": [round(t, 3) for t in cpu[(s, j)]]}
                 for (s, j), v in times.items()]}, indent=1))


if __name__ == "__main__":
    main()
