#!/usr/bin/python3
"""Interoperability checks run by tests/io/interop_test.cpp with Debian's python3.

  interop.py write-pandas OUT.h5 ROWS   pandas DataFrame.to_hdf(format="table") and a
                                        basf2-style PyTables table (float64 variables,
                                        ROOT-compatible names); prints the expected
                                        min and max of two columns
  interop.py check-darkscan FILE.h5     reads a darkscan file with h5py and checks the
                                        docs/formats/events.md conventions; exit 1 listing problems
  interop.py check-format FILE.h5       prints the file's superblock version (h5py's low-level
                                        API) after reading every dataset and attribute
"""
import sys

import numpy as np

# docs/formats/events.md columns and their types.
TRACK = [("px", "f4"), ("py", "f4"), ("pz", "f4"), ("charge", "i1"), ("nhits", "i4"),
         ("theta_ext", "f4"), ("e_ecl", "f4"), ("pid", "i1")]
COLUMNS = [("event", "i8"), ("ecl_energy_trigger", "f4"), ("ecl_energy_extra", "f4"),
           ("n_extra_tracks", "i4"), ("miss_klm_angle", "f4")]
COLUMNS += [(f"{v}_v{a}", "f4") for v in ("hp", "chi") for a in "xyz"]
COLUMNS += [(f"{t}_{n}", d) for t in ("hp_trk0", "hp_trk1", "chi_trk0", "chi_trk1") for n, d in TRACK]
MC = [("true_hp_ctau", "f4"), ("true_chi2_ctau", "f4"), ("mc_weight", "f4")]


def frame(rows, seed):
    import pandas as pd
    rng = np.random.default_rng(seed)
    data = {}
    for name, dtype in COLUMNS:
        if name == "event":
            data[name] = np.arange(rows, dtype="i8")
        elif name.endswith("charge"):
            data[name] = rng.choice(np.array([-1, 1], dtype="i1"), rows)
        elif name.endswith("pid"):  # the PID codes 0 to 4 (docs/formats/events.md#validation)
            data[name] = rng.integers(0, 5, rows).astype(dtype)
        elif dtype.startswith("i"):
            data[name] = rng.integers(0, 40, rows).astype(dtype)
        else:
            data[name] = rng.uniform(-3, 3, rows).astype(dtype)
    return pd.DataFrame(data)


def write_pandas(out, rows):
    import tables
    df = frame(rows, 1)
    df.to_hdf(out, key="candidates", format="table", data_columns=True, mode="w")
    # basf2 VariablesToHDF5: one PyTables table, every variable float64, bookkeeping
    # fields, ROOT-compatible names for functions of daughters.
    rename = {"hp_trk0_px": "daughter__bo0__cm__sppx__bc"}
    basf2 = frame(rows, 2)
    desc = {"__experiment__": tables.Int32Col(pos=0), "__run__": tables.Int32Col(pos=1),
            "__event__": tables.UInt32Col(pos=2), "__candidate__": tables.UInt32Col(pos=3)}
    for i, (name, _) in enumerate(COLUMNS):
        desc[rename.get(name, name)] = tables.Float64Col(pos=4 + i)
    with tables.open_file(out, mode="a") as h5:
        table = h5.create_table("/", "variables", desc)
        row = np.zeros(rows, dtype=table.dtype)
        for name, _ in COLUMNS:
            row[rename.get(name, name)] = basf2[name].to_numpy(dtype="f8")
        table.append(row)
    for label, d, col in (("candidates", df, "hp_vx"), ("variables", basf2, "hp_trk0_px")):
        values = d[col].to_numpy(dtype="f4")
        print(f"{label} {col} {float(values.min()):.6g} {float(values.max()):.6g}")


def check_darkscan(path):
    import h5py
    import pandas as pd
    problems = []
    with h5py.File(path, "r") as f:
        samples = f["samples"]
        for name, group in samples.items():
            kind = group.attrs.get("kind")
            if kind not in ("data", "signal", "background"):
                problems.append(f"{name}: kind attribute {kind!r}")
            expected = dict(COLUMNS + (MC if kind != "data" else []))
            lengths = set()
            for col, dtype in expected.items():
                if col not in group:
                    problems.append(f"{name}: column {col} missing")
                    continue
                ds = group[col]
                lengths.add(ds.shape)
                if ds.ndim != 1:
                    problems.append(f"{name}/{col}: rank {ds.ndim}")
                if ds.dtype != np.dtype(dtype):
                    problems.append(f"{name}/{col}: dtype {ds.dtype}, expected {np.dtype(dtype)}")
                # Shuffle + gzip, or no filter for a column they barely shrink (docs/formats/events.md#layout).
                if ds.chunks is None or (ds.compression, ds.shuffle) not in (("gzip", True), (None, False)):
                    problems.append(f"{name}/{col}: not chunked with shuffle + gzip or unfiltered")
            if len(lengths) != 1:
                problems.append(f"{name}: columns of unequal length {lengths}")
            df = pd.DataFrame({col: group[col][:] for col in expected if col in group})
            if not np.isfinite(df.select_dtypes("float32").to_numpy()).all():
                problems.append(f"{name}: non-finite values")
    for p in problems:
        print(p)
    return 1 if problems else 0


def check_format(path):
    import h5py
    with h5py.File(path, "r") as f:
        def read(name, obj):
            dict(obj.attrs)
            if isinstance(obj, h5py.Dataset):
                obj[()]
        f.visititems(read)
        print(f"superblock {f.id.get_create_plist().get_version()[0]}")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "write-pandas":
        write_pandas(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "check-darkscan":
        sys.exit(check_darkscan(sys.argv[2]))
    elif sys.argv[1] == "check-format":
        sys.exit(check_format(sys.argv[2]))
    else:
        sys.exit(__doc__)
