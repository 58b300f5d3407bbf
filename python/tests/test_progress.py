"""Progress and Ctrl-C (docs/python.md#progress-and-ctrl-c): a stage's tqdm bar follows
the engine's counter to its total, and SIGINT during a stage raises KeyboardInterrupt in
a process that lives on to handle it, with no output and no temporary left."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import tqdm.auto

import darkscan


def test_the_tqdm_bar_reaches_the_total(scanned, tmp_path, monkeypatch):
    bars = []

    class Recorded(tqdm.auto.tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr(tqdm.auto, "tqdm", Recorded)
    result = darkscan.select(scanned / "data.h5", tmp_path / "selected.h5", config=scanned / "small.toml")
    # One bar, the selection's: every candidate read, as the result counts them.
    assert [(b.desc, b.total, b.n) for b in bars] == [("select", result.candidates, result.candidates)]
    assert result.candidates > 0

    bars.clear()
    darkscan.select(scanned / "data.h5", tmp_path / "quiet.h5", config=scanned / "small.toml", progress=False)
    assert bars == []


# Run in a child process: lee with far more toys than it gets to (about 600 a second on
# 2 cores), its tqdm bar showing, interrupted once its first batch is checkpointed (which
# says the toys are under way).
CHILD = textwrap.dedent("""
    import os, sys
    import darkscan
    os.chdir(sys.argv[1])
    try:
        darkscan.lee("selected.h5", "model.h5", "scan.h5", "lee.h5", config="small.toml", toys=10**6, batch=256,
                     coverage_toys=0)
    except KeyboardInterrupt:
        print("KeyboardInterrupt; files:", " ".join(sorted(os.listdir("."))))
        sys.exit(0)
    print("finished")
""")


def test_ctrl_c_stops_a_stage_and_leaves_no_output(scanned):
    before = set(os.listdir(scanned))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(scanned)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        while not (scanned / "lee.h5.toys.partial").exists() and child.poll() is None:
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=300)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert out.startswith("KeyboardInterrupt"), (out, err)
    after = set(os.listdir(scanned))
    # The output is not there, nor any temporary of it (<name>.tmp-<pid>); what is left is
    # the toys' checkpoint, from which the same call resumes (docs/commands/lee.md).
    assert after - before == {"lee.h5.toys.partial"}, after - before
    assert out.split("files: ")[1].split() == sorted(after)
    os.remove(scanned / "lee.h5.toys.partial")
