#!/usr/bin/python3
"""The peer of bench_selection: the same selection (docs/physics/selection.md) vectorised in
numpy (tests/support/reference_selection.py), timed on the same candidates in memory:
derived quantities, the cut masks and the first failed step of every candidate, the
work Backend::select does. Prints one JSON line.

  numpy_selection.py EVENTS.h5 [REPEATS]
"""
import json
import os
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "support"))
import reference_selection as ref  # noqa: E402


def main(path, repeats=3):
    with h5py.File(path, "r") as f:
        name = max(f["samples"], key=lambda n: f["samples"][n]["event"].shape[0])
        c = ref.load_chunk(f["samples"][name])
    rows = c["event"].size
    sel = dict(ref.DEFAULTS)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        d = ref.derived(c)
        first_failed = np.full(rows, len(ref.CUT_NAMES), dtype=np.int8)
        for k, (_, mask) in reversed(list(enumerate(ref.cut_masks(c, d, sel)))):
            first_failed[~mask] = k
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"program": "numpy selection (tests/support/reference_selection.py)", "sample": name,
                      "rows": int(rows), "seconds": best, "candidates_per_s": rows / best,
                      "passed": int(np.count_nonzero(first_failed == len(ref.CUT_NAMES))),
                      "numpy": np.__version__}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)
