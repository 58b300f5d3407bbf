"""Python = the command line, bit for bit, on the demo (docs/python.md#tests).

The demo's inputs (scan_configs/demo.toml: the built-in toy sample `darkscan generate`
writes, as scripts/demo.sh's `darkscan run` does, then `darkscan select` and `darkscan
efficiency`) are made once per session. On them:

- `darkscan scan` and `darkscan.scan` write files whose every dataset and attribute are
  the same bits (the one exception is named in EXCLUDED, with its reason);
- the demo scan's experiments, written as the CSV `darkscan stats` reads, give through
  the command the p0, z, ul_events and flags that darkscan.stats.evaluate gives on the
  same columns as numpy arrays, every value equal (the CSV's 17 significant digits
  parse back to the very doubles).
"""
import csv
import math

import h5py
import numpy as np
import pytest

import darkscan
from conftest import ROOT, run_darkscan

DEMO_CONFIG = ROOT / "scan_configs" / "demo.toml"

# Attributes that may differ between the two files, and why. Everything else (every
# dataset's dtype, shape and bytes; every attribute of every group and dataset; the root
# attributes: creator, version, the inputs' paths and SHA-256, backend, config text,
# statistics settings, largest excess) must be equal.
EXCLUDED = {
    # Each file names the commit of the build that wrote it: the module (build/python) and
    # the executable (build/cpu or build/default) are separate builds of the working tree
    # and may be of different commits. Where they are of one commit it is compared too.
    "@darkscan_commit": "the commit of the build that wrote the file",
}


@pytest.fixture(scope="session")
def demo(darkscan_bin, tmp_path_factory):
    """A folder with the demo's events.h5 (darkscan generate), selected.h5 (darkscan
    select of the sample `data`, the one the scan reads) and signal_model.h5 (darkscan
    efficiency): about 35 s of CPU time on 2 cores."""
    work = tmp_path_factory.mktemp("demo")
    for args in (("generate", "--config", DEMO_CONFIG, "--output", "events.h5"),
                 ("select", "--config", DEMO_CONFIG, "--input", "events.h5", "--output", "selected.h5",
                  "--sample", "data"),
                 ("efficiency", "--config", DEMO_CONFIG, "--input", "events.h5", "--output", "signal_model.h5")):
        status, _out, err = run_darkscan(darkscan_bin, *args, cwd=work)
        assert status == 0, err
    return work


def contents(path):
    """name -> (dtype, shape, bytes) of every dataset, name@attribute -> (dtype, shape,
    bytes) of every attribute (the root's as @attribute)."""
    out = {}

    def value(v):
        a = np.asarray(v)
        return str(a.dtype), a.shape, a.tobytes()

    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = value(obj[()])
            out.update({f"{name}@{k}": value(v) for k, v in obj.attrs.items()})
        f.visititems(visit)
        out.update({f"@{k}": value(v) for k, v in f.attrs.items()})
    return out


def test_scan_equals_the_command_line_on_the_demo(demo, darkscan_bin, monkeypatch):
    monkeypatch.chdir(demo)
    status, _out, err = run_darkscan(darkscan_bin, "scan", "--config", DEMO_CONFIG, "--data", "selected.h5",
                                     "--model", "signal_model.h5", "--output", "cli_scan.h5", cwd=demo)
    assert status == 0, err
    result = darkscan.scan("selected.h5", "signal_model.h5", "py_scan.h5", config=DEMO_CONFIG, progress=False)

    python_file, cli_file = contents(demo / "py_scan.h5"), contents(demo / "cli_scan.h5")
    assert set(python_file) == set(cli_file)
    commits = {python_file["@darkscan_commit"][2], cli_file["@darkscan_commit"][2]}
    compared = [k for k in cli_file if k not in EXCLUDED or len(commits) == 1]
    differ = [k for k in compared if python_file[k] != cli_file[k]]
    assert not differ, f"{len(differ)} of {len(compared)} datasets and attributes differ: {differ[:5]}"
    # The file is not trivially equal: the demo's rows, its injected excess at 0.75 GeV.
    rows = result.rows
    assert rows.rows == cli_file["scan/n_obs"][1][0] > 1000
    assert np.nanmax(rows["z"]) > 3
    # And the arrays in memory are the file's.
    with h5py.File(demo / "cli_scan.h5", "r") as f:
        for table, name in ((result.rows, "scan"), (result.combined, "scan_combined")):
            assert set(table) == set(f[name])
            for k, v in table.items():
                assert v.dtype == f[name][k].dtype and v.tobytes() == f[name][k][()].tobytes(), f"{name}/{k}"


FIELDS = ("n_obs", "n_sb", "f", "delta", "eff_rel_unc", "lumi_rel_unc")


def scan_experiments(path):
    """The counting experiments of a scan file's windows as the scan computed them
    (host/scan/scan.cpp): a window without a limit (limit_status 1, no efficiency, or 2,
    an efficiency uncertainty the Gaussian prior refuses) still gets its p0, with an
    efficiency uncertainty of 0; the luminosity's is the root attribute."""
    with h5py.File(path, "r") as f:
        s = f["scan"]
        status = s["limit_status"][()]
        no_limit = (status == 1) | (status == 2)
        eff_rel_unc = np.where(no_limit, 0.0, s["eff_rel_unc"][()])
        columns = [s["n_obs"][()], s["n_sb"][()], s["f"][()], s["delta"][()], eff_rel_unc,
                   np.full(status.shape, float(f.attrs["luminosity_rel_unc"]))]
        scan = {k: s[k][()] for k in ("p0", "z", "ul_events", "stats_flags", "limit_status")}
    return columns, scan


def test_stats_equal_the_command_line_on_the_demo_scan(demo, darkscan_bin):
    scan_file = demo / "cli_scan.h5"
    if not scan_file.exists():  # the test above writes it; alone, this one does
        status, _out, err = run_darkscan(darkscan_bin, "scan", "--config", DEMO_CONFIG, "--data", "selected.h5",
                                         "--model", "signal_model.h5", "--output", scan_file.name, cwd=demo)
        assert status == 0, err
    columns, scan = scan_experiments(scan_file)
    n = columns[0].size
    # The CSV of `darkscan stats` (docs/commands/stats.md#inputs): counts as integers, the
    # reals as Python's repr, the shortest text that parses back to the same double.
    source, target = demo / "demo_experiments.csv", demo / "demo_stats.csv"
    lines = [",".join(FIELDS)] + [f"{a},{b},{c!r},{d!r},{e!r},{g!r}"
                                  for a, b, c, d, e, g in zip(*(c.tolist() for c in columns))]
    source.write_text("\n".join(lines) + "\n")
    status, _out, err = run_darkscan(darkscan_bin, "stats", "--input", source, "--output", target)
    assert status == 0, err
    with open(target, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        out = dict(zip(header, zip(*reader)))  # column name -> its texts
    assert len(out["p0"]) == n
    # The CSV echoes its inputs: they are the columns the arrays hold.
    for k, name in enumerate(FIELDS):
        assert np.array_equal(np.array(out[name], dtype=float), columns[k].astype(float)), name

    r = darkscan.stats.evaluate(*columns)
    for name in ("p0", "z", "ul_events"):
        expected = np.array(out[name], dtype=float)  # Python's float(): correctly rounded
        got = getattr(r, name)
        assert got.dtype == np.float64 and got.shape == (n,)
        same = (got == expected) | (np.isnan(got) & np.isnan(expected))
        differ = np.flatnonzero(~same)
        assert differ.size == 0, f"{name}: {differ.size} of {n} rows differ, first {differ[0]}: " \
                                 f"{got[differ[0]]!r} vs the CLI's {out[name][differ[0]]}"
    assert np.array_equal(r.flags, np.array(out["flags"], dtype=np.uint32))

    # The experiments are the scan's: its p0, z and flags, and its limits where it has one.
    assert r.p0.tobytes() == scan["p0"].tobytes() and r.z.tobytes() == scan["z"].tobytes()
    assert np.array_equal(r.flags, scan["stats_flags"].astype(np.uint32))
    ok = scan["limit_status"] == 0
    assert r.ul_events[ok].tobytes() == scan["ul_events"][ok].tobytes()
    # The demo's windows cover the cases: empty windows (p0 = 1, z = -inf), an excess,
    # windows with delta > 0 and rows without a limit.
    assert np.any(r.p0 == 1) and math.isinf(r.z.min()) and r.z.max() > 3
    assert np.any(columns[3] > 0) and np.any(~ok)
