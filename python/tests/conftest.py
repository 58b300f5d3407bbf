"""Shared fixtures of the Python package's tests (docs/python.md#tests).

DARKSCAN_BIN names the darkscan executable the results are compared with; the ctest
registration (tests/CMakeLists.txt) sets it to the one just built. Without it, the
executable of build/cpu or build/default is taken when present.
"""
import csv
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def darkscan_bin():
    given = os.environ.get("DARKSCAN_BIN")
    candidates = [pathlib.Path(given)] if given else [ROOT / "build" / p / "darkscan" for p in ("cpu", "default")]
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    pytest.skip(f"no darkscan executable (set DARKSCAN_BIN; looked for {', '.join(map(str, candidates))})")


def run_stats(darkscan_bin, tmp_path, header, rows, *options):
    """Runs `darkscan stats` on the rows; (exit status, stderr, output rows as dicts of text)."""
    source = tmp_path / "in.csv"
    target = tmp_path / "out.csv"
    source.write_text(",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows))
    done = subprocess.run([str(darkscan_bin), "stats", "--input", str(source), "--output", str(target), *options],
                          capture_output=True, text=True, check=False)
    out = []
    if done.returncode == 0:
        with open(target, newline="") as f:
            out = list(csv.DictReader(f))
    return done.returncode, done.stderr, out


# A small run of the engine for the event-file and stage tests (docs/python.md#tests), on
# the config of the notebook example: about 3 s on 2 cores.
SMALL_CONFIG = (ROOT / "docs" / "examples" / "example.toml").read_text()


def run_darkscan(darkscan_bin, *args, cwd=None):
    """Runs the executable; (exit status, stdout, stderr)."""
    done = subprocess.run([str(darkscan_bin), *map(str, args)], capture_output=True, text=True, check=False, cwd=cwd)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="session")
def small_run(darkscan_bin, tmp_path_factory):
    """A folder with small.toml, the event file `darkscan generate` wrote from it
    (events.h5) and the signal model `darkscan efficiency` made of it (model.h5)."""
    work = tmp_path_factory.mktemp("small_run")
    (work / "small.toml").write_text(SMALL_CONFIG)
    for args in (("generate", "--config", "small.toml", "--output", "events.h5", "--threads", "2"),
                 ("efficiency", "--config", "small.toml", "--input", "events.h5", "--output", "model.h5")):
        status, _out, err = run_darkscan(darkscan_bin, *args, cwd=work)
        assert status == 0, err
    return work


@pytest.fixture(scope="session")
def scanned(small_run, darkscan_bin, tmp_path_factory):
    """A folder beside small_run with the data of test_events.valid_data (a signal sample
    taken as data: an excess at 0.6 GeV) as data.h5, and `darkscan select` and `darkscan
    scan` of it (selected.h5, scan.h5); small.toml and model.h5 copied in."""
    import shutil
    import darkscan
    from test_events import valid_data
    work = tmp_path_factory.mktemp("scanned")
    for name in ("small.toml", "model.h5"):
        shutil.copy(small_run / name, work / name)
    darkscan.events.write(work / "data.h5", {"data": (valid_data(small_run), {"kind": "data"})})
    for args in (("select", "--config", "small.toml", "--input", "data.h5", "--output", "selected.h5"),
                 ("scan", "--config", "small.toml", "--data", "selected.h5", "--model", "model.h5",
                  "--output", "scan.h5")):
        status, _out, err = run_darkscan(darkscan_bin, *args, cwd=work)
        assert status == 0, err
    return work
