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
