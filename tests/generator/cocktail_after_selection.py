#!/usr/bin/python3
"""The toy generator against the paper, through the independent numpy selection
(tests/support/reference_selection.py, docs/physics/selection.md):

- a 365 fb^-1 data sample keeps a handful of events after the full selection, as the
  paper found (0 mu+mu-, 8 pi+pi-, 1 K+K-): the cocktail's expected yields, from its MC
  samples, of order 0-2 mu+mu-, 5-15 pi+pi- and 0-3 K+K-, spread over mass; the data
  sample's own counts near them;
- signal efficiencies of a few per cent up to 20 % (docs/physics/model.md), and the
  selected signal peaks at the generated m(h'). (Below about 0.32 GeV the Λ veto, cut 11,
  removes pi+pi- signal entirely: a slow pion taken as a proton gives M(p pi) just above
  m(p) + m(pi) = 1.078 GeV, inside 1.06-1.15 GeV. The grid here stays above it.)

  cocktail_after_selection.py DARKSCAN_EXECUTABLE WORK_DIR
"""
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import reference_selection as ref  # noqa: E402
from checklist import Checklist  # noqa: E402

import h5py  # noqa: E402

CONFIG = """
[generate]
signal_final_states = ["mumu", "pipi", "kk"]
signal_m_hp_gev = [0.35, 1.5]
signal_ctau_cm = [1.0, 30.0]
signal_events = 20000
background_mc_scale = 2.0
"""


def main(exe, work):
    os.makedirs(work, exist_ok=True)
    config = os.path.join(work, "cocktail.toml")
    with open(config, "w") as f:
        f.write(CONFIG)
    events = os.path.join(work, "cocktail.h5")
    subprocess.run([exe, "generate", "--config", config, "--output", events, "--lumi-fb", "365"], check=True,
                   stdout=subprocess.DEVNULL)

    check = Checklist()

    sel = dict(ref.DEFAULTS)
    expected = {fs: 0.0 for fs in ref.FINAL_STATES}
    masses = {fs: [] for fs in ref.FINAL_STATES}
    with h5py.File(events, "r") as f:
        results = {name: ref.process_sample(f["samples"][name], sel, lumi_fb=365.0) for name in f["samples"]}
        generated_mass = {name: float(g.attrs["m_hp"]) for name, g in f["samples"].items() if "m_hp" in g.attrs}
    for name, r in results.items():
        for fs in ref.FINAL_STATES:
            if r["kind"] == "background":
                expected[fs] += r["selected"][fs]["weighted"]
                masses[fs] += r["selected"][fs]["masses"]

    # Expected background after selection in 365 fb^-1 (MC at the data's luminosity).
    print("expected background:", {fs: round(v, 2) for fs, v in expected.items()})
    check(0.1 <= expected["mumu"] <= 2.5, f"mu+mu- expected {expected['mumu']:.2f} in [0.1, 2.5]")
    check(5 <= expected["pipi"] <= 15, f"pi+pi- expected {expected['pipi']:.2f} in [5, 15]")
    # 1.7 K+K- with ten times this MC; the bound allows for the MC statistics of the test.
    check(0.2 <= expected["kk"] <= 4, f"K+K- expected {expected['kk']:.2f} in [0.2, 4]")
    pipi = np.array(masses["pipi"])
    check(len(pipi) > 8 and np.percentile(pipi, 10) < 0.8 and np.percentile(pipi, 90) > 1.2,
          f"pi+pi- background spread over mass (10-90 %: {np.percentile(pipi, 10):.2f}-{np.percentile(pipi, 90):.2f} GeV)")
    # The data sample is a Poisson realisation of the same cocktail: within 4 sigma.
    data = results["data"]["selected"]
    for fs in ref.FINAL_STATES:
        n, mu = data[fs]["events"], expected[fs]
        check(abs(n - mu) <= 4 * np.sqrt(mu) + 1, f"data {fs}: {n} events, expected {mu:.2f}")

    # Signal: efficiency a few per cent up to 20 %, peaking at the generated mass.
    for name, r in results.items():
        if r["kind"] != "signal":
            continue
        fs = name.split("_")[1]
        m_hp = generated_mass[name]
        n = r["selected"][fs]["events"]
        eff = n / 20000
        check(0.005 <= eff <= 0.25, f"{name}: efficiency {eff:.3f} in [0.005, 0.25]")
        if n >= 50:
            median = float(np.median(r["selected"][fs]["masses"]))
            check(abs(median - m_hp) < 0.002, f"{name}: selected mass median {median:.4f} at {m_hp}")
    os.remove(events)
    return check.exit_status()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
