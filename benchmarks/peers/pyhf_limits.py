"""Times pyhf's asymptotic CLs upper limit on the windows bench_statistics uses.

The equivalent pyhf model of one window (docs/physics/statistics.md): a signal region with
the signal (POI mu, one event at mu = 1) and the background, a control region (the
sideband) with f times the background, one free normalisation shared by both; the shape
uncertainty delta as a normsys on the signal-region background, the efficiency and
luminosity uncertainties as normsys on the signal. Prints one JSON object.

  pyhf_limits.py COUNT SEED
"""
import json
import random
import sys
import time

import pyhf


def window(rng):
    n_obs = rng.randrange(7)
    n_sb = rng.randrange(61)
    f = 10 + 990 * rng.random()
    delta = 0.2 if rng.random() < 0.5 else 0.0
    eff = 0.03 + 0.07 * rng.random()
    return n_obs, n_sb, f, delta, eff, 0.0047


def workspace_of(n_obs, n_sb, f, delta, eff, lumi):
    b = max(n_sb, 0.5) / f  # background expected in the window at mu_b = 1
    bkg_mods = [{"name": "mu_b", "type": "normfactor", "data": None}]
    if delta > 0:
        bkg_mods.append({"name": "shape", "type": "normsys", "data": {"hi": 1 + delta, "lo": 1 - delta}})
    sig_mods = [
        {"name": "mu", "type": "normfactor", "data": None},
        {"name": "eff", "type": "normsys", "data": {"hi": 1 + eff, "lo": 1 - eff}},
        {"name": "lumi", "type": "normsys", "data": {"hi": 1 + lumi, "lo": 1 - lumi}},
    ]
    spec = {
        "version": "1.0.0",
        "measurements": [{"name": "window", "config": {"poi": "mu", "parameters": [
            {"name": "mu", "bounds": [[0.0, 200.0]], "inits": [1.0]},
            {"name": "mu_b", "bounds": [[1e-6, 500.0]], "inits": [1.0]}]}}],
        "observations": [{"name": "SR", "data": [n_obs]}, {"name": "CR", "data": [n_sb]}],
        "channels": [
            {"name": "SR", "samples": [{"name": "signal", "data": [1.0], "modifiers": sig_mods},
                                       {"name": "background", "data": [b], "modifiers": bkg_mods}]},
            {"name": "CR", "samples": [{"name": "background", "data": [b * f],
                                        "modifiers": [{"name": "mu_b", "type": "normfactor", "data": None}]}]},
        ]
    }
    return pyhf.Workspace(spec)


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    limits, failures = [], 0
    start = time.perf_counter()
    for _ in range(count):
        n_obs, n_sb, f, delta, eff, lumi = window(rng)
        workspace = workspace_of(n_obs, n_sb, f, delta, eff, lumi)
        model = workspace.model()
        data = workspace.data(model)
        try:
            limits.append(float(pyhf.infer.intervals.upper_limits.upper_limit(data, model, level=0.05)[0]))
        except Exception:  # pyhf's fit can fail on empty windows; counted, not hidden
            failures += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"peer": "pyhf", "version": pyhf.__version__, "limits": count, "failures": failures,
                      "seconds": seconds, "seconds_per_limit": seconds / count,
                      "median_limit_events": sorted(limits)[len(limits) // 2] if limits else None}))


if __name__ == "__main__":
    main()
