#!/usr/bin/python3
"""select and efficiency on event files several times larger than the memory they may
use: under a data-segment limit (RLIMIT_DATA: heap and every private writable mapping)
well below the file's uncompressed size, each completes and writes the same datasets,
value for value, as without the limit. The streaming reads (input.chunk_rows) are what
keep the memory bounded, not the size of the file.

  bounded_memory.py DARKSCAN WRITE_SYNTHETIC_EVENTS WORK_DIR
"""
import os
import resource
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from checklist import Checklist  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

MB = 1 << 20
# Measured on 2 cores: select needs about 60 MB beside its chunk buffers, efficiency
# about 85 MB with six large signal samples (their selected candidates stay in memory).
SELECT_LIMIT = 112 * MB
EFFICIENCY_LIMIT = 100 * MB
CONFIG = "[input]\nchunk_rows = 65536\n"


def uncompressed_bytes(path):
    total = 0
    with h5py.File(path, "r") as f:
        def add(_, obj):
            nonlocal total
            if isinstance(obj, h5py.Dataset):
                total += obj.nbytes
        f.visititems(add)
    return total


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def take(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
        f.visititems(take)
    return out


def same_values(a, b):
    if a.keys() != b.keys():
        return False
    for k in a:
        x, y = np.asarray(a[k]), np.asarray(b[k])
        if x.shape != y.shape or x.dtype != y.dtype:
            return False
        if x.dtype.kind == "f":
            if not np.array_equal(x, y, equal_nan=True):
                return False
        elif not np.array_equal(x, y):
            return False
    return True


def run(cmd, limit=None):
    def bound():
        if limit:
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    return subprocess.run(cmd, preexec_fn=bound, capture_output=True, text=True)


def main(exe, synthetic, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    check = Checklist()
    config = os.path.join(work, "stream.toml")
    with open(config, "w") as f:
        f.write(CONFIG)

    events = os.path.join(work, "synthetic.h5")
    r = run([synthetic, events, "--rows", "2000000", "--seed", "5"])
    check(r.returncode == 0, "a synthetic event file of 2.4 million candidates is written")
    size = uncompressed_bytes(events)
    check(size > 3 * SELECT_LIMIT, f"its columns hold {size / MB:.0f} MB, over three times select's {SELECT_LIMIT / MB:.0f} MB")
    outputs = {}
    for label, limit in (("free", None), ("bounded", SELECT_LIMIT)):
        out = os.path.join(work, f"selected_{label}.h5")
        r = run([exe, "select", "--config", config, "--input", events, "--output", out, "--threads", "2"], limit)
        check(r.returncode == 0, f"select {label} exits 0" + (f": {r.stderr.strip()[-300:]}" if r.returncode else ""))
        outputs[label] = out
    if all(os.path.exists(p) for p in outputs.values()):
        check(same_values(datasets(outputs["free"]), datasets(outputs["bounded"])),
              "select under the limit writes the same datasets as without it")

    signal = os.path.join(work, "signal.h5")
    points = [f"final_state=pipi,m_hp={m},ctau_hp_cm={c}" for m, c in ((0.5, 1.0), (0.8, 10.0), (1.0, 10.0), (1.5, 1.0), (2.0, 10.0), (2.5, 1.0))]
    cmd = [exe, "generate", "--output", signal, "--events", "600000", "--seed", "5"]
    for p in points:
        cmd += ["--signal-point", p]
    r = run(cmd)
    check(r.returncode == 0, "six signal samples of 600,000 events are generated")
    size = uncompressed_bytes(signal)
    check(size > 3 * EFFICIENCY_LIMIT,
          f"their columns hold {size / MB:.0f} MB, over three times efficiency's {EFFICIENCY_LIMIT / MB:.0f} MB")
    outputs = {}
    for label, limit in (("free", None), ("bounded", EFFICIENCY_LIMIT)):
        out = os.path.join(work, f"signal_model_{label}.h5")
        r = run([exe, "efficiency", "--config", config, "--input", signal, "--output", out, "--threads", "2"], limit)
        check(r.returncode == 0, f"efficiency {label} exits 0" + (f": {r.stderr.strip()[-300:]}" if r.returncode else ""))
        outputs[label] = out
    if all(os.path.exists(p) for p in outputs.values()):
        check(same_values(datasets(outputs["free"]), datasets(outputs["bounded"])),
              "efficiency under the limit writes the same datasets as without it")

    # Too little memory for the chunk buffers and the candidates: a failure of the machine
    # (exit 1, naming what bounds the memory), not bad input. (Between about a quarter and
    # a third of the limit the first thing to fail is OpenMP making its threads, which
    # libgomp reports itself: exit 1 with its own line.)
    out = os.path.join(work, "signal_model_starved.h5")
    r = run([exe, "efficiency", "--config", config, "--input", signal, "--output", out, "--threads", "2"],
            EFFICIENCY_LIMIT // 10)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1 and "out of memory" in lines[-1] and "input.chunk_rows" in lines[-1]
          and not os.path.exists(out),
          f"efficiency with a tenth of its memory fails with exit 1 and says out of memory ({r.returncode}: {lines[-1:]})")

    # The limit is real: a tenth of it is refused with one line and exit 1, no output left.
    out = os.path.join(work, "selected_starved.h5")
    r = run([exe, "select", "--config", config, "--input", events, "--output", out, "--threads", "2"],
            SELECT_LIMIT // 10)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1 and len(lines) == 1 and "out of memory" in r.stderr and "input.chunk_rows" in r.stderr
          and not os.path.exists(out),
          f"select with a tenth of the memory fails with one line, exit 1, no output ({r.returncode}: {lines[-1:]})")
    return check.exit_status()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
