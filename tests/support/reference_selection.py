#!/usr/bin/python3
"""Independent numpy implementation of the event selection of docs/physics/selection.md (the selection of the paper).

Used to tune the toy event generator and as a cross-check of the C++ selection. Reads an event
file in the event-file layout (docs/formats/events.md) (/samples/<name>/ groups of 1-D column datasets), computes every
derived quantity in float64 from the stored float32 columns, applies the 19 cuts and 3 vetoes,
keeps the best candidate per event and reports cutflows and selected events.

  reference_selection.py FILE [--sample NAME ...] [--lumi-fb L] [--set key=value ...]
                              [--json OUT.json] [--chunk-rows N]

--set takes the [selection] keys of scan_configs/belle2_2025.toml (with or without the
"selection." prefix); intervals are given as lo,hi. JSON output:
  {sample: {kind, rows, cutflow: [[name, candidates, weighted], ...],
            selected: {mumu|pipi|kk: {events, weighted, masses: [...]}}}}
weighted is null for data; MC weight = cross_section_fb * lumi / n_generated * mc_weight.
"""
import argparse
import json
import sys

import h5py
import numpy as np

# docs/physics/selection.md defaults, named like the [selection] keys of the scan config.
DEFAULTS = {
    "ecl_energy_trigger_min_gev": 1.5,           # 1
    "track_hits_min": 20,                        # 2
    "pair_opening_angle_min_rad": 0.1,           # 3
    "hp_pointing_angle_max_deg": 3.1,            # 4
    "displaced_dv_min_cm": 0.2,                  # 5
    "vertex_dv_max_cm": 110.0,                   # 6
    "hp_track_theta_ext_deg": (37.0, 122.0),     # 7
    "pipi_track_theta_ext_deg": (18.0, 155.0),   # 8
    "electron_e_over_p_min": 0.6,                # 9
    "ks_veto_gev": (0.467, 0.529),               # 10
    "lambda_veto_gev": (1.06, 1.15),             # 11
    "phi_veto_gev": (0.977, 1.061),              # 12
    "missing_energy_cm_min_gev": 0.4,            # 13
    "missing_klm_angle_min_rad": 0.5,            # 14
    "missing_theta_deg": (23.0, 149.0),          # 15
    "ee_mass_max_gev": 2.5,                      # 16
    "extra_tracks_max": 0,                       # 17
    "ecl_energy_extra_max_gev": 1.0,             # 18
    "hp_opening_angle_max_rad": 3.0,             # 19
}

# PDG masses (GeV) and the beams (docs/physics/model.md, docs/formats/events.md: no crossing angle).
M_E, M_MU, M_PI, M_K, M_P = 0.000510998950, 0.1056583755, 0.13957039, 0.493677, 0.93827208816
E_MINUS_GEV, E_PLUS_GEV = 7.0, 4.0                     # beam energies; e- along +z, e+ along -z
FINAL_STATES = ("mumu", "pipi", "kk")                  # codes 0, 1, 2
FS_PID = np.array([1, 2, 3])                           # h' track PID of each final state
FS_MASS = np.array([M_MU, M_PI, M_K])                  # its mass hypothesis
PID_E = 0
TRACKS = ("hp_trk0", "hp_trk1", "chi_trk0", "chi_trk1")
TRACK_FIELDS = ("px", "py", "pz", "charge", "nhits", "theta_ext", "e_ecl", "pid")
COLUMNS = ["event", "ecl_energy_trigger", "ecl_energy_extra", "n_extra_tracks", "miss_klm_angle"]
COLUMNS += [f"{v}_v{a}" for v in ("hp", "chi") for a in "xyz"]
COLUMNS += [f"{t}_{f}" for t in TRACKS for f in TRACK_FIELDS]
CHUNK_ROWS = 1 << 20
CUT_NAMES = ("preselection", "1 ecl_trigger", "2 track_hits", "3 pair_opening", "4 hp_pointing",
             "5 displaced_vertex", "6 vertex_dv_max", "7 hp_theta_ext", "8 pipi_theta_ext", "9 electron_eop",
             "10 ks_veto", "11 lambda_veto", "12 phi_veto", "13 missing_energy_cm", "14 missing_klm_angle",
             "15 missing_theta", "16 ee_mass", "17 extra_tracks", "18 ecl_energy_extra", "19 hp_opening_max")


def parse_overrides(items):
    """--set key=value strings -> a copy of DEFAULTS with them applied."""
    sel = dict(DEFAULTS)
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip().removeprefix("selection.")
        if not sep or key not in sel:
            raise SystemExit(f"reference_selection: unknown or malformed --set '{item}'; keys: {', '.join(sel)}")
        try:
            if isinstance(sel[key], tuple):
                lo, hi = (float(x) for x in value.split(","))
                sel[key] = (lo, hi)
            else:
                sel[key] = int(value) if isinstance(sel[key], int) else float(value)
        except ValueError:
            raise SystemExit(f"reference_selection: bad value in --set '{item}' (intervals: lo,hi)") from None
    return sel


def _attr(group, name, default=None):
    value = group.attrs.get(name, default)
    return value.decode() if isinstance(value, bytes) else value


def load_chunk(group, start=0, stop=None):
    """Rows [start, stop) of one sample -> dict of arrays: floats as float64, integers as int64;
    mc_weight (1 when absent) included."""
    stop = group["event"].shape[0] if stop is None else stop
    chunk = {}
    for name in COLUMNS:
        raw = group[name][start:stop]
        chunk[name] = raw.astype(np.float64) if raw.dtype.kind == "f" else raw.astype(np.int64)
    chunk["mc_weight"] = (group["mc_weight"][start:stop].astype(np.float64) if "mc_weight" in group
                          else np.ones(stop - start))
    return chunk


def _vec(c, prefix, names=("px", "py", "pz")):
    return np.stack([c[f"{prefix}_{n}"] for n in names], axis=1)


def _angle(a, b):
    """Angle between rows of a and b; atan2 keeps precision near 0 and pi (0 for a null vector)."""
    return np.arctan2(np.linalg.norm(np.cross(a, b), axis=1), np.einsum("ij,ij->i", a, b))


def _energy(p, m):
    return np.sqrt(np.einsum("ij,ij->i", p, p) + m * m)


def _mass(p1, m1, p2, m2):
    """Invariant mass of two tracks; m^2 = m1^2 + m2^2 + 2 (E1 E2 - p1.p2) avoids (E1+E2)^2 - P^2."""
    m2sum = m1 * m1 + m2 * m2 + 2.0 * (_energy(p1, m1) * _energy(p2, m2) - np.einsum("ij,ij->i", p1, p2))
    return np.sqrt(np.maximum(m2sum, 0.0))


def derived(c):
    """Derived quantities of docs/formats/events.md ("derived on the device"), float64. fs is the final-state code
    (-1 when the h' PIDs match none); such rows get the pion hypothesis as a placeholder."""
    pid0, pid1 = c["hp_trk0_pid"], c["hp_trk1_pid"]
    fs = np.full(pid0.shape, -1, dtype=np.int64)
    for code, pid in enumerate(FS_PID):
        fs[(pid0 == pid) & (pid1 == pid)] = code
    m_x = np.where(fs >= 0, FS_MASS[np.maximum(fs, 0)], M_PI)
    h0, h1, e0, e1 = (_vec(c, t) for t in TRACKS)
    hp_p = h0 + h1
    hp_v, chi_v = _vec(c, "hp", ("vx", "vy", "vz")), _vec(c, "chi", ("vx", "vy", "vz"))
    d = {
        "fs": fs,
        "m_hp": _mass(h0, m_x, h1, m_x),
        "m_ppi0": _mass(h0, M_P, h1, M_PI),             # proton mass on hp_trk0
        "m_ppi1": _mass(h0, M_PI, h1, M_P),             # proton mass on hp_trk1
        "m_ee": _mass(e0, M_E, e1, M_E),
        "open_hp": _angle(h0, h1),
        "open_chi": _angle(e0, e1),
        "pointing": _angle(hp_v, hp_p),
        "dv_hp": np.hypot(hp_v[:, 0], hp_v[:, 1]),
        "dv_chi": np.hypot(chi_v[:, 0], chi_v[:, 1]),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        d["eop0"] = c["chi_trk0_e_ecl"] / np.linalg.norm(e0, axis=1)
        d["eop1"] = c["chi_trk1_e_ecl"] / np.linalg.norm(e1, axis=1)
    # Missing four-momentum: beams (electron masses included) minus the four tracks.
    beam_pz = np.sqrt(E_MINUS_GEV**2 - M_E**2) - np.sqrt(E_PLUS_GEV**2 - M_E**2)
    beam_e = E_MINUS_GEV + E_PLUS_GEV
    e_miss = beam_e - (_energy(h0, m_x) + _energy(h1, m_x) + _energy(e0, M_E) + _energy(e1, M_E))
    p_miss = np.array([0.0, 0.0, beam_pz]) - (hp_p + e0 + e1)
    beta = beam_pz / beam_e                              # c.m. frame moves along +z
    gamma = 1.0 / np.sqrt(1.0 - beta * beta)
    d["e_miss_cm"] = gamma * (e_miss - beta * p_miss[:, 2])
    d["theta_miss"] = np.arctan2(np.hypot(p_miss[:, 0], p_miss[:, 1]), p_miss[:, 2])
    return d


def _inside(x, interval, degrees=False):
    """Open interval lo < x < hi; degrees=True converts the edges to radians."""
    lo, hi = np.radians(interval) if degrees else interval
    return (x > lo) & (x < hi)


def cut_masks(c, d, sel):
    """[(name, mask)] in the order of the cut table of docs/physics/selection.md, each mask that cut alone; the first
    is the charge/PID classification ("preselection")."""
    fs, pipi, kk = d["fs"], d["fs"] == 1, d["fs"] == 2
    q = {t: c[f"{t}_charge"] for t in TRACKS}
    th = {t: c[f"{t}_theta_ext"] for t in TRACKS}
    masks = [
        (fs >= 0) & (c["chi_trk0_pid"] == PID_E) & (c["chi_trk1_pid"] == PID_E)  # preselection
        & (q["hp_trk0"] * q["hp_trk1"] < 0) & (q["chi_trk0"] * q["chi_trk1"] < 0),
        c["ecl_energy_trigger"] > sel["ecl_energy_trigger_min_gev"],                       # 1
        np.all([c[f"{t}_nhits"] >= sel["track_hits_min"] for t in TRACKS], axis=0),      # 2
        (d["open_hp"] > sel["pair_opening_angle_min_rad"])                                 # 3
        & (d["open_chi"] > sel["pair_opening_angle_min_rad"]),
        d["pointing"] < np.radians(sel["hp_pointing_angle_max_deg"]),                      # 4
        np.maximum(d["dv_hp"], d["dv_chi"]) >= sel["displaced_dv_min_cm"],                 # 5
        (d["dv_hp"] < sel["vertex_dv_max_cm"]) & (d["dv_chi"] < sel["vertex_dv_max_cm"]),  # 6
        _inside(th["hp_trk0"], sel["hp_track_theta_ext_deg"], True)                        # 7
        | _inside(th["hp_trk1"], sel["hp_track_theta_ext_deg"], True),
        ~pipi | np.all([_inside(th[t], sel["pipi_track_theta_ext_deg"], True) for t in TRACKS], axis=0),  # 8
        (d["eop0"] > sel["electron_e_over_p_min"]) & (d["eop1"] > sel["electron_e_over_p_min"]),          # 9
        ~(pipi & _inside(d["m_hp"], sel["ks_veto_gev"])),                                  # 10
        ~(pipi & (_inside(d["m_ppi0"], sel["lambda_veto_gev"])                             # 11
                  | _inside(d["m_ppi1"], sel["lambda_veto_gev"]))),
        ~(kk & _inside(d["m_hp"], sel["phi_veto_gev"])),                                   # 12
        d["e_miss_cm"] > sel["missing_energy_cm_min_gev"],                                 # 13
        c["miss_klm_angle"] >= sel["missing_klm_angle_min_rad"],                           # 14
        _inside(d["theta_miss"], sel["missing_theta_deg"], True),                          # 15
        d["m_ee"] < sel["ee_mass_max_gev"],                                                # 16
        c["n_extra_tracks"] <= sel["extra_tracks_max"],                                    # 17
        c["ecl_energy_extra"] < sel["ecl_energy_extra_max_gev"],                           # 18
        d["open_hp"] < sel["hp_opening_angle_max_rad"],                                    # 19
    ]
    return list(zip(CUT_NAMES, masks))


def selection_mask(c, d, sel):
    """Candidates passing everything."""
    return np.all([m for _, m in cut_masks(c, d, sel)], axis=0)


def best_candidate(event, pointing):
    """Indices (ascending) of the kept candidate of each event: smallest h' pointing angle, the
    first in file order on a tie. Pass only candidates that passed the selection."""
    order = np.lexsort((np.arange(event.size), pointing, event))
    ev = event[order]
    first = np.ones(ev.size, dtype=bool)
    first[1:] = ev[1:] != ev[:-1]
    return np.sort(order[first])


def process_sample(group, sel, lumi_fb=365.0, chunk_rows=CHUNK_ROWS):
    """Cutflow and best-candidate selection of one sample, read chunk by chunk. Passing candidates
    of the chunk's last event are carried into the next chunk, so an event split across a chunk
    boundary is decided with all its candidates."""
    kind = _attr(group, "kind")
    rows = group["event"].shape[0]
    mc = kind != "data"
    scale = (float(_attr(group, "cross_section_fb")) * lumi_fb / float(_attr(group, "n_generated"))) if mc else 1.0
    counts, weighted = np.zeros(len(CUT_NAMES), np.int64), np.zeros(len(CUT_NAMES))
    selected = {fs: {"events": 0, "weighted": 0.0 if mc else None, "masses": []} for fs in FINAL_STATES}
    carry = None                                           # passing candidates of a split event
    previous_event = None

    def finalize(p):                                       # best candidates of complete events
        best = best_candidate(p["event"], p["pointing"])
        for code, name in enumerate(FINAL_STATES):
            i = best[p["fs"][best] == code]
            selected[name]["events"] += int(i.size)
            selected[name]["masses"] += p["m_hp"][i].tolist()
            if mc:
                selected[name]["weighted"] += float(p["w"][i].sum())

    for start in range(0, rows, chunk_rows):
        c = load_chunk(group, start, min(start + chunk_rows, rows))
        ev = c["event"]
        if np.any(ev[1:] < ev[:-1]) or (previous_event is not None and ev[0] < previous_event):
            raise SystemExit(f"reference_selection: sample '{group.name}': event numbers are not non-decreasing")
        previous_event = ev[-1]
        d = derived(c)
        w = c["mc_weight"] * scale
        alive = np.ones(ev.size, dtype=bool)
        for k, (_, m) in enumerate(cut_masks(c, d, sel)):  # cumulative cutflow
            alive &= m
            counts[k] += np.count_nonzero(alive)
            weighted[k] += w[alive].sum()
        p = {"event": ev[alive], "pointing": d["pointing"][alive], "fs": d["fs"][alive],
             "m_hp": d["m_hp"][alive], "w": w[alive]}
        if carry is not None:
            p = {k: np.concatenate([carry[k], p[k]]) for k in p}
        held = p["event"] == ev[-1]                        # the last event may continue
        carry = {k: v[held] for k, v in p.items()}
        finalize({k: v[~held] for k, v in p.items()})
    if carry is not None:
        finalize(carry)
    cutflow = [[n, int(k), float(x) if mc else None] for n, k, x in zip(CUT_NAMES, counts, weighted)]
    return {"kind": kind, "rows": int(rows), "cutflow": cutflow, "selected": selected}


def print_result(name, r):
    mc = r["kind"] != "data"
    print(f"== sample {name} ({r['kind']}, {r['rows']} rows)")
    print(f"  {'step':<22} {'candidates':>12}" + (f" {'weighted':>14}" if mc else ""))
    for step, n, x in r["cutflow"]:
        print(f"  {step:<22} {n:>12}" + (f" {x:>14.6g}" if mc else ""))
    for fs, s in r["selected"].items():
        print(f"  selected {fs:<5} {s['events']:>8} events" + (f", weighted {s['weighted']:.6g}" if mc else ""))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", help="HDF5 event file (docs/formats/events.md layout)")
    ap.add_argument("--sample", action="append", help="sample name (repeatable; default: all)")
    ap.add_argument("--lumi-fb", type=float, default=365.0, help="luminosity MC is normalised to (fb^-1)")
    ap.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a threshold (intervals: lo,hi)")
    ap.add_argument("--json", metavar="OUT.json", help="write the results as JSON")
    ap.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS, help="rows read at a time")
    args = ap.parse_args(argv)
    sel = parse_overrides(args.set)
    results = {}
    with h5py.File(args.file, "r") as f:
        samples = f["samples"]
        names = args.sample or list(samples)
        for name in names:
            if name not in samples:
                raise SystemExit(f"reference_selection: no sample '{name}' in {args.file}; have {', '.join(samples)}")
            results[name] = process_sample(samples[name], sel, args.lumi_fb, max(args.chunk_rows, 1))
            print_result(name, results[name])
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
