#!/usr/bin/env python3
"""darkscan.stats.evaluate on numpy arrays beside the C++ engine and pyhf, in one run
(benchmarks/RESULTS.md#python-package-limits-from-numpy-arrays).

The experiments are those of bench_statistics' scan_like_batch, drawn by numpy: n_obs
0-6, n_sb 0-60, f 10-1000, delta 0 or 0.2 (half each), efficiency uncertainty 3-10 %,
luminosity 0.47 %; uniform signal prior, Gaussian nuisance priors, cl 0.95, CPU backend.
Three figures, alternated over the repetitions so that a machine shared with other work
affects each alike (the best repetition of each is kept):

- python: darkscan.stats.evaluate from the numpy arrays, wall time of the call (the
  conversion, the checks of every value, the engine and the result arrays);
- engine: the time `darkscan stats` prints for the statistics of the same experiments
  (written once as CSV; reading and writing the CSV are not in it), the C++ engine's own rate;
- pyhf (when importable): the asymptotic CLs upper limit of the equivalent model of
  benchmarks/peers/pyhf_limits.py, per limit, in this process.

  bench_stats.py --darkscan build/cpu/darkscan [--count 1000000] [--repeat 3] [--pyhf 20] [--json OUT]

Prints a table and one JSON object (also written to OUT).
"""
import argparse
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

import darkscan

HERE = pathlib.Path(__file__).resolve().parent


def experiments(count, seed=20261130):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 7, count), rng.integers(0, 61, count), 10.0 + 990.0 * rng.random(count),
            np.where(rng.random(count) < 0.5, 0.2, 0.0), 0.03 + 0.07 * rng.random(count), np.full(count, 0.0047))


def write_csv(path, columns):
    n_obs, n_sb, f, delta, eff, lumi = columns
    with open(path, "w") as out:
        out.write("n_obs,n_sb,f,delta,eff_rel_unc,lumi_rel_unc\n")
        for row in zip(n_obs.tolist(), n_sb.tolist(), f.tolist(), delta.tolist(), eff.tolist(), lumi.tolist()):
            out.write("%d,%d,%r,%r,%r,%r\n" % row)


def engine_seconds(darkscan_bin, source, target, threads):
    """The statistics time `darkscan stats` prints: '<n> experiments (<m> distinct) in <t> s (...)'."""
    done = subprocess.run([darkscan_bin, "stats", "--input", source, "--output", target, "--backend", "cpu",
                           "--threads", str(threads)], capture_output=True, text=True, check=True)
    match = re.search(r"(\d+) experiments \((\d+) distinct\) in ([0-9.]+) s", done.stderr)
    if not match:
        sys.exit(f"bench_stats: no timing line in darkscan stats' output:\n{done.stderr}")
    return float(match.group(3))


def pyhf_seconds_per_limit(count):
    try:
        import pyhf
    except ImportError:
        return None, None, "pyhf is not importable here"
    sys.path.insert(0, str(HERE.parent / "peers"))
    import pyhf_limits  # the same model as the peer benchmark (benchmarks/peers/pyhf_limits.py)
    import random
    rng = random.Random(1)
    failures = 0
    start = time.perf_counter()
    for _ in range(count):
        workspace = pyhf_limits.workspace_of(*pyhf_limits.window(rng))
        model = workspace.model()
        try:
            pyhf.infer.intervals.upper_limits.upper_limit(workspace.data(model), model, level=0.05)
        except Exception:  # a failed fit is counted, as in the peer benchmark
            failures += 1
    return (time.perf_counter() - start) / count, failures, pyhf.__version__


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--darkscan", required=True, help="the darkscan executable")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads for both (0: every core)")
    parser.add_argument("--pyhf", type=int, default=20, help="pyhf limits to time (0: none)")
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()

    columns = experiments(args.count)
    python_times, engine_times, inner_times = [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        source, target = os.path.join(scratch, "in.csv"), os.path.join(scratch, "out.csv")
        write_csv(source, columns)
        for _ in range(args.repeat):
            engine_times.append(engine_seconds(args.darkscan, source, target, args.threads))
            start = time.perf_counter()
            r = darkscan.stats.evaluate(*columns, backend="cpu", threads=args.threads)
            python_times.append(time.perf_counter() - start)
            # The engine's share of the call, timed inside the module as the command times it.
            arrays = [np.asarray(c, dtype=np.float64, order="C") for c in columns]
            inner_times.append(darkscan._core.evaluate(*arrays, cl=0.95, prior="uniform", nuisance_prior="gaussian",
                                                       backend="cpu", threads=args.threads)[6])
        assert not r.flags.any() and np.isfinite(r.ul_events).all()
    per_limit, failures, pyhf_version = pyhf_seconds_per_limit(args.pyhf) if args.pyhf else (None, None, "not run")

    python_s, engine_s, inner_s = min(python_times), min(engine_times), min(inner_times)
    figures = {
        "count": args.count, "repeat": args.repeat, "threads": args.threads, "cores": os.cpu_count(),
        "machine": platform.processor() or platform.machine(), "darkscan": darkscan.__version__,
        "commit": darkscan._core.commit(),
        "python_seconds": python_s, "python_limits_per_second": args.count / python_s,
        "engine_seconds": engine_s, "engine_limits_per_second": args.count / engine_s,
        "engine_in_python_seconds": inner_s,
        "python_over_engine_rate": engine_s / python_s,
        "python_times": python_times, "engine_times": engine_times, "engine_in_python_times": inner_times,
        "pyhf_version": pyhf_version, "pyhf_seconds_per_limit": per_limit, "pyhf_limits": args.pyhf,
        "pyhf_failures": failures,
        "python_vs_pyhf_per_limit": per_limit / (python_s / args.count) if per_limit else None,
    }
    print(f"{args.count} limits, best of {args.repeat}, {args.threads or os.cpu_count()} threads")
    print(f"  darkscan.stats.evaluate (numpy in and out): {python_s:.3f} s, {args.count / python_s:.3g} limits/s")
    print(f"  darkscan stats, the engine's own time:      {engine_s:.3f} s, {args.count / engine_s:.3g} limits/s")
    print(f"  the engine inside the Python call:          {inner_s:.3f} s")
    print(f"  Python rate / engine rate: {engine_s / python_s:.3f}")
    if per_limit:
        print(f"  pyhf {pyhf_version}: {per_limit:.3f} s per CLs limit ({failures} of {args.pyhf} fits failed); "
              f"darkscan from Python is {figures['python_vs_pyhf_per_limit']:.3g} times faster per limit")
    else:
        print(f"  pyhf: {pyhf_version}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
