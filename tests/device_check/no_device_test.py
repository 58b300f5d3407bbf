#!/usr/bin/python3
"""scripts/device_check.sh where there is no GPU: a stand-in nvidia-smi that fails (exit 9),
one that is absent (DEVICE_CHECK_NVIDIA_SMI names a missing file), one that lists no GPU.
Each time: exit status 3, exactly one line on stderr saying why, nothing on stdout, and
neither OUTDIR nor the build folder touched (no half-made summary). Then the usage:
--help, no OUTDIR and two arguments each give the usage line and exit status 2.

  no_device_test.py SCRIPT
"""
import os
import re
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from checklist import Checklist  # noqa: E402

LINE = re.compile(r"^device_check: no CUDA device \(nvidia-smi: (.+)\): nothing to check$")
USAGE = re.compile(r"^usage: scripts/device_check\.sh OUTDIR\b")


def stand_in(folder, body):
    """A fake nvidia-smi in its own folder: a shell script with this body."""
    os.makedirs(folder)
    path = os.path.join(folder, "nvidia-smi")
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body + "\n")
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return folder


def run(script, args, env_extra, cwd):
    env = dict(os.environ, **env_extra)
    return subprocess.run([script] + args, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


def main():
    script = os.path.abspath(sys.argv[1])
    check = Checklist()
    with tempfile.TemporaryDirectory() as tmp:
        failing = stand_in(os.path.join(tmp, "failing"),
                           'echo "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver." >&2\n'
                           "exit 9")
        empty = stand_in(os.path.join(tmp, "empty"), "exit 0")
        cases = [
            ("nvidia-smi fails", {"PATH": failing + os.pathsep + os.environ["PATH"]},
             "exit 9: NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver."),
            ("nvidia-smi absent", {"DEVICE_CHECK_NVIDIA_SMI": os.path.join(tmp, "absent", "nvidia-smi")},
             "not found"),
            ("nvidia-smi lists no GPU", {"PATH": empty + os.pathsep + os.environ["PATH"]}, "no GPU listed"),
        ]
        for i, (what, env, reason) in enumerate(cases):
            outdir = os.path.join(tmp, f"out{i}")
            build = os.path.join(tmp, f"build{i}")
            if i == 0:
                os.makedirs(outdir)  # an OUTDIR that exists already stays empty
            r = run(script, [outdir], dict(env, DEVICE_CHECK_BUILD_DIR=build), tmp)
            lines = r.stderr.splitlines()
            check(r.returncode == 3, f"{what}: exit status 3 (got {r.returncode})")
            check(len(lines) == 1, f"{what}: one line on stderr (got {len(lines)}: {r.stderr!r})")
            m = LINE.match(lines[0]) if lines else None
            check(m is not None, f"{what}: the line says there is no CUDA device and why ({lines[:1]})")
            check(m is not None and m.group(1) == reason, f"{what}: the reason is '{reason}'")
            check(r.stdout == "", f"{what}: nothing on stdout (got {r.stdout!r})")
            check(not os.path.exists(build), f"{what}: nothing built (no {build})")
            if i == 0:
                check(os.listdir(outdir) == [], f"{what}: OUTDIR left empty (holds {os.listdir(outdir)})")
            else:
                check(not os.path.exists(outdir), f"{what}: OUTDIR not created")

        for what, args, stream in (("--help", ["--help"], "stdout"), ("-h", ["-h"], "stdout"),
                                   ("no OUTDIR", [], "stderr"), ("two arguments", ["a", "b"], "stderr")):
            r = run(script, args, {}, tmp)
            text = getattr(r, stream)
            check(r.returncode == 2, f"{what}: exit status 2 (got {r.returncode})")
            check(len(text.splitlines()) == 1 and USAGE.match(text) is not None,
                  f"{what}: the usage line on {stream} ({text!r})")
        check(sorted(os.listdir(tmp)) == ["empty", "failing", "out0"], "usage errors wrote nothing")
    return check.exit_status()


if __name__ == "__main__":
    sys.exit(main())
