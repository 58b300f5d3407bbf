#!/usr/bin/python3
"""Signal injection closure of the scan (docs/physics/window-scan.md and docs/physics/statistics.md): a pi+pi- signal of
known mass, lifetime and cross section injected into the toy 365 fb^-1 data sample,
through generate -> select -> efficiency -> scan. The scan's largest local Z must sit
in a window holding the injected mass, and the upper limit there, at the injected
lifetime, must lie above the injected cross section.

  injection_closure.py DARKSCAN_EXECUTABLE WORK_DIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from checklist import Checklist  # noqa: E402

import h5py
import numpy as np

M_INJECT, CTAU_INJECT, SIGMA_INJECT = 0.8, 10.0, 0.4  # GeV, cm, fb

CONFIG = f"""
[generate]
signal_final_states = ["pipi"]
signal_m_hp_gev = [0.6, 1.0, 2.0, 3.0]
signal_ctau_cm = [1.0, 10.0, 100.0]
signal_events = 5000
backgrounds = false
inject_final_state = "pipi"
inject_m_hp_gev = {M_INJECT}
inject_ctau_cm = {CTAU_INJECT}
inject_sigma_fb = {SIGMA_INJECT}

[signal_model]
ctau_range_cm = [1.0, 100.0]
ctau_points_per_decade = 4

[scan]
final_states = ["pipi"]
sigma_extrapolation_gev = 0.35
"""


def main(exe, work):
    os.makedirs(work, exist_ok=True)
    config = os.path.join(work, "closure.toml")
    with open(config, "w") as f:
        f.write(CONFIG)
    paths = {k: os.path.join(work, k + ".h5") for k in ("events", "selected", "model", "scan")}

    def run(*args):
        subprocess.run([exe, *args], check=True, stdout=subprocess.DEVNULL)

    run("generate", "--config", config, "--output", paths["events"])
    run("select", "--config", config, "--input", paths["events"], "--output", paths["selected"])
    run("efficiency", "--config", config, "--input", paths["events"], "--output", paths["model"])
    out = subprocess.run([exe, "scan", "--config", config, "--data", paths["selected"], "--model", paths["model"],
                          "--output", paths["scan"]], check=True, capture_output=True, text=True).stdout
    print(out)

    check = Checklist()

    with h5py.File(paths["scan"], "r") as f:
        s = {k: f["scan"][k][:] for k in f["scan"]}
    best = int(np.argmax(s["z"]))
    check(s["window_lo"][best] <= M_INJECT <= s["window_hi"][best],
          f"largest Z = {s['z'][best]:.2f} in the window [{s['window_lo'][best]:.4f}, {s['window_hi'][best]:.4f}] "
          f"GeV holding the injected {M_INJECT} GeV")
    check(s["z"][best] > 3.0, f"the injected signal stands out: Z = {s['z'][best]:.2f} > 3")

    at_ctau = np.isclose(s["ctau_cm"], CTAU_INJECT, rtol=1e-9)
    row = np.flatnonzero(at_ctau)[np.argmin(np.abs(s["mass"][at_ctau] - M_INJECT))]
    check(s["limit_status"][row] == 0, f"a limit at m = {s['mass'][row]:.4f} GeV, ctau = {CTAU_INJECT} cm")
    check(s["ul_xsec_fb"][row] > SIGMA_INJECT,
          f"the limit there, {s['ul_xsec_fb'][row]:.3f} fb, lies above the injected {SIGMA_INJECT} fb "
          f"(n_obs = {s['n_obs'][row]}, efficiency = {s['efficiency'][row]:.4f})")
    return check.exit_status()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
