#!/usr/bin/python3
"""darkscan select against the independent numpy selection (tests/support/
reference_selection.py) on a generated file: for every sample the cutflow (candidates
after each step, exactly), and the selected best candidates (event numbers and final
states exactly, M(x+x-) and the weights to 1e-9). Run once with the paper's cuts and
once with thresholds moved (through the config and the reference's overrides alike),
and with 1 and 2 threads, whose outputs must hold the same bits (every dataset and
sample attribute; the root's provenance names the thread count).

  select_matches_reference.py DARKSCAN_EXECUTABLE WORK_DIR
"""
import os
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import reference_selection as ref  # noqa: E402

GENERATE = """
[generate]
signal_final_states = ["mumu", "pipi", "kk"]
signal_m_hp_gev = [0.6, 1.3]
signal_ctau_cm = [3.0]
signal_events = 15000
background_mc_scale = 0.5
"""

# The same moved thresholds for darkscan ([selection]) and the reference (--set).
MOVED = {
    "track_hits_min": 30,
    "hp_pointing_angle_max_deg": 2.0,
    "displaced_dv_min_cm": 0.5,
    "hp_track_theta_ext_deg": (40.0, 120.0),
    "ks_veto_gev": (0.45, 0.55),
    "missing_theta_deg": (25.0, 145.0),
    "ecl_energy_trigger_min_gev": 1.2,
}


def toml_value(v):
    return f"[{v[0]}, {v[1]}]" if isinstance(v, tuple) else str(v)


def same_tables(a, b):
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        for top in ("selected", "cutflow"):
            if sorted(fa[top]) != sorted(fb[top]):
                return False
            for name in fa[top]:
                ga, gb = fa[top][name], fb[top][name]
                if sorted(ga) != sorted(gb) or dict(ga.attrs).keys() != dict(gb.attrs).keys():
                    return False
                for col in ga:
                    if ga[col][:].tobytes() != gb[col][:].tobytes():
                        return False
    return True


def compare(exe, work, events, label, overrides, failures):
    config = os.path.join(work, f"{label}.toml")
    with open(config, "w") as f:
        f.write("[selection]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in overrides.items()))
    outputs = []
    for threads in ("1", "2"):
        out = os.path.join(work, f"{label}_{threads}.h5")
        subprocess.run([exe, "select", "--config", config, "--input", events, "--output", out, "--threads", threads,
                        "--backend", "cpu"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        outputs.append(out)
    if not same_tables(outputs[0], outputs[1]):
        failures.append(f"{label}: 1 and 2 threads wrote different tables")

    sel = dict(ref.DEFAULTS)
    sel.update(overrides)
    checked = 0
    with h5py.File(events, "r") as src, h5py.File(outputs[0], "r") as out:
        for name, group in src["samples"].items():
            r = ref.process_sample(group, sel, lumi_fb=365.0)
            got_flow = out["cutflow"][name]["candidates"][:]
            want_flow = np.array([c for _, c, _ in r["cutflow"]])
            if not np.array_equal(got_flow, want_flow):
                failures.append(f"{label} {name}: cutflow {got_flow.tolist()} != reference {want_flow.tolist()}")
            if r["kind"] != "data":
                got_w = out["cutflow"][name]["weighted_yield"][:]
                want_w = np.array([w for _, _, w in r["cutflow"]])
                if not np.allclose(got_w, want_w, rtol=1e-9, atol=0):
                    failures.append(f"{label} {name}: weighted cutflow differs")
            s = out["selected"][name]
            for code, fs in enumerate(ref.FINAL_STATES):
                mine = np.sort(s["mass"][:][s["final_state"][:] == code])
                theirs = np.sort(np.array(r["selected"][fs]["masses"]))
                if mine.size != theirs.size or not np.allclose(mine, theirs, rtol=1e-9, atol=0):
                    failures.append(f"{label} {name} {fs}: {mine.size} selected, reference {theirs.size}")
                checked += mine.size
    print(f"{label}: {checked} selected candidates compared")
    return checked


def main(exe, work):
    os.makedirs(work, exist_ok=True)
    config = os.path.join(work, "generate.toml")
    with open(config, "w") as f:
        f.write(GENERATE)
    events = os.path.join(work, "events.h5")
    subprocess.run([exe, "generate", "--config", config, "--output", events, "--lumi-fb", "40"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failures = []
    n = compare(exe, work, events, "paper_cuts", {}, failures)
    m = compare(exe, work, events, "moved_cuts", MOVED, failures)
    # Candidates of one event must be adjacent: a file whose events interleave is refused.
    shuffled = os.path.join(work, "interleaved.h5")
    with h5py.File(events, "r") as src, h5py.File(shuffled, "w") as dst:
        g = dst.create_group("samples").create_group("sig")
        s = src["samples"]["signal_pipi_m1.300_ctau3"]
        for k, v in s.attrs.items():
            g.attrs[k] = v
        for col in s:
            g[col] = s[col][:]
        g["event"][...] = np.arange(g["event"].shape[0]) % 2  # events 0, 1, 0, 1, ...
    r = subprocess.run([exe, "select", "--input", shuffled, "--output", os.path.join(work, "never.h5")],
                       capture_output=True, text=True)
    if r.returncode != 2 or "not adjacent" not in r.stderr or os.path.exists(os.path.join(work, "never.h5")):
        failures.append(f"interleaved events: exit {r.returncode}, stderr {r.stderr!r}")
    # NaN in a column is bad input, named by its column and row (docs/formats/events.md#validation).
    with h5py.File(shuffled, "r+") as f:
        g = f["samples"]["sig"]
        g["event"][...] = np.sort(g["event"][:])
        g["hp_vx"][7] = np.nan
    r = subprocess.run([exe, "select", "--input", shuffled, "--output", os.path.join(work, "never.h5")],
                       capture_output=True, text=True)
    if r.returncode != 2 or "column 'hp_vx': row 7: value nan: must be finite" not in r.stderr:
        failures.append(f"NaN: exit {r.returncode}, stderr {r.stderr!r}")
    if n < 500 or m < 300:
        failures.append(f"too few selected candidates to compare ({n}, {m})")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
