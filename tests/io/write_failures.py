#!/usr/bin/python3
"""darkscan's outputs on the failure paths (docs/commands/README.md#exit-status, docs/bad-input.md):

- a full disk: every writing command (generate, select, efficiency, scan, lee, interpret, stats, run) runs
  with its files limited in size (RLIMIT_FSIZE, with SIGXFSZ ignored, so that a write past the limit fails
  with EFBIG as it would with ENOSPC on a full disk) and must exit 1, not die of a signal, say one error line
  naming its output, and leave no temporary file and no partial output; an output that existed is kept as it
  was; lee says how many toys its checkpoint really holds, and the same command resumes from that many;
- an output that is not a regular file (a FIFO, a character device, a link to /dev/null, a folder) is
  refused (exit 2, one line) and is still what it was afterwards;
- temporaries of a dead process are removed when the same output is next written, those of a live one kept;
- a run killed mid-write (SIGKILL) and run again leaves no temporary;
- the temporary is fsynced before the rename and the folder after it (under strace, where it can trace).

  write_failures.py DARKSCAN_EXECUTABLE WORK_DIR
"""
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from checklist import Checklist  # noqa: E402

CONFIG = """
[run]
seed = 3
[collider]
luminosity_fb = 40.0
[generate]
signal_m_hp_gev = [0.3, 1.0, 1.5, 2.0, 3.0]
signal_ctau_cm = [1.0, 30.0]
signal_events = 300
signal_m_chi1_gev = [1.5]
signal_m_chi1_at_m_hp_gev = [1.5]
background_mc_scale = 0.02
[signal_model]
ctau_range_cm = [0.3, 300.0]
ctau_points_per_decade = 2
ctau_chi2_range_cm = [0.001, 100.0]
ctau_chi2_points_per_decade = 1
[interpret]
y_m_hp_gev = 1.5
[scan]
sigma_extrapolation_gev = 0.8
"""

TOY_BYTES = 64  # one lee toy in the checkpoint (ToyOutcome), to size a checkpoint past a limit
TEMPORARY = re.compile(r"\.tmp(-\d+)?$")


def file_size_limit(limit):
    """What the child runs before darkscan: files may not grow past `limit` bytes, and a
    write past it fails (EFBIG) instead of killing the process (an ignored signal stays
    ignored across exec)."""
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return apply


def listing(folder):
    return sorted(os.path.relpath(os.path.join(d, f), folder) for d, _, files in os.walk(folder) for f in files)


def temporaries(folder):
    return [f for f in listing(folder) if TEMPORARY.search(f)]


def error_lines(stderr):
    """The error lines darkscan said, those starting `darkscan:`; a message broken over
    several lines leaves its continuation as the last line, which is then counted too."""
    lines = stderr.rstrip("\n").splitlines()
    said = [line for line in lines if line.startswith("darkscan:")]
    if lines and not lines[-1].startswith("darkscan:"):
        said.append(lines[-1])
    return said


def dead_pid():
    """A process id no process has now: a child that has exited and been waited for."""
    p = subprocess.Popen(["/bin/true"])
    p.wait()
    return p.pid


def main(exe, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    check = Checklist()

    def run(args, limit=None, **kw):
        return subprocess.run([exe, *args], capture_output=True, text=True, timeout=300,
                              preexec_fn=file_size_limit(limit) if limit else None, **kw)

    def folder(name):
        path = os.path.join(work, name)
        os.makedirs(path, exist_ok=True)
        return path

    # The inputs of every stage, written without a limit.
    config = os.path.join(work, "small.toml")
    with open(config, "w") as f:
        f.write(CONFIG)
    inputs = folder("inputs")
    p = {k: os.path.join(inputs, k + ".h5") for k in ("events", "selected", "model", "scan", "results")}
    stats_csv = os.path.join(inputs, "experiments.csv")
    with open(stats_csv, "w") as f:
        f.write("n_obs,n_sb,f,delta,eff_rel_unc,lumi_rel_unc\n" + "3,4,0.5,0.1,0.1,0.02\n" * 3000)
    commands = {
        "generate": lambda out: ["generate", "--config", config, "--output", out],
        "select": lambda out: ["select", "--config", config, "--input", p["events"], "--output", out],
        "efficiency": lambda out: ["efficiency", "--config", config, "--input", p["events"], "--output", out],
        "scan": lambda out: ["scan", "--config", config, "--data", p["selected"], "--model", p["model"],
                             "--output", out],
        "lee": lambda out, toys=500, batch=4096: ["lee", "--config", config, "--data", p["selected"], "--model",
                                                  p["model"], "--scan", p["scan"], "--toys", str(toys), "--batch",
                                                  str(batch), "--coverage-toys", "100", "--output", out],
        "interpret": lambda out: ["interpret", "--config", config, "--scan", p["results"], "--model", p["model"],
                                  "--output", out],
        "stats": lambda out: ["stats", "--input", stats_csv, "--output", out],
    }
    for name, key in [("generate", "events"), ("select", "selected"), ("efficiency", "model"), ("scan", "scan"),
                      ("lee", "results")]:
        r = run(commands[name](p[key]))
        if r.returncode != 0:
            print(r.stderr)
            check(False, f"the inputs: darkscan {name} exit {r.returncode}")
            return check.exit_status()
    run_config = os.path.join(work, "run.toml")
    with open(run_config, "w") as f:
        f.write(CONFIG + f'\n[input]\nevents = "{p["events"]}"\n')
    commands["run"] = lambda out_dir: ["run", "--config", run_config, "--toys", "200", "--output-dir", out_dir]

    # A full disk: every writing command.
    def full_disk(case, args, limit, output, named=None, before=None, kept=()):
        where = os.path.dirname(output) if case != "run" else output
        listed = sorted(listing(where) + list(kept))
        r = run(args, limit)
        lines = error_lines(r.stderr)
        named = named or output
        check(r.returncode == 1, f"{case}, full disk: exit 1 (got {r.returncode}"
              f"{', killed by signal ' + str(-r.returncode) if r.returncode < 0 else ''})")
        check(len(lines) == 1 and named in lines[0],
              f"{case}, full disk: one error line naming {os.path.basename(named)}: {lines}")
        check(not re.search(r"terminate called|HDF5-DIAG|Segmentation|Aborted", r.stderr),
              f"{case}, full disk: no abort and no HDF5 trace on stderr")
        check(listing(where) == listed,
              f"{case}, full disk: nothing left behind ({sorted(set(listing(where)) - set(listed))})")
        if before is not None:
            with open(output, "rb") as f:
                check(f.read() == before, f"{case}, full disk: the output that was there is kept as it was")
        return r, lines

    small = 64 * 1024
    for name in ("generate", "select", "efficiency", "scan", "interpret"):
        out = os.path.join(folder("disk_" + name), name + ".h5")
        full_disk(name, commands[name](out), small, out)
    # An output that was there before stays whole.
    out = os.path.join(folder("disk_stats"), "stats.csv")
    with open(out, "w") as f:
        f.write("an earlier result\n")
    full_disk("stats", commands["stats"](out), 16 * 1024, out, before=b"an earlier result\n")
    out = os.path.join(folder("disk_scan_kept"), "scan.h5")
    shutil.copy(p["scan"], out)
    with open(out, "rb") as f:
        scan_bytes = f.read()
    full_disk("scan over an earlier scan", commands["scan"](out), small, out, before=scan_bytes)
    out_dir = folder("disk_run")
    full_disk("run", commands["run"](out_dir), small, out_dir, named=os.path.join(out_dir, "selected.h5"))
    scan_size = os.path.getsize(p["scan"])
    # lee copies the scan's file and adds its tables: the copy fails, or the tables do.
    out = os.path.join(folder("disk_lee_copy"), "results.h5")
    full_disk("lee (the copy of the scan)", commands["lee"](out), small, out)
    # (the toys are done by then: their checkpoint stays, for the same command to resume)
    out = os.path.join(folder("disk_lee_tables"), "results.h5")
    full_disk("lee (its tables)", commands["lee"](out), scan_size + 16 * 1024, out, kept=["results.h5.toys.partial"])
    # lee's checkpoint: the toys outgrow the limit after some batches (the limit halfway
    # through a batch, whatever the checkpoint's header). The line says how many toys the
    # checkpoint holds (those of the last write that worked), and the same command without
    # the limit resumes from exactly that many.
    batch = 2048
    batches = -(-(scan_size + 16 * 1024) // (TOY_BYTES * batch))
    limit = (batches * batch + batch // 2) * TOY_BYTES
    kept_expected = batches * batch
    toys = kept_expected + 2 * batch
    out_dir = folder("disk_lee_checkpoint")
    out = os.path.join(out_dir, "results.h5")
    checkpoint = out + ".toys.partial"
    listed = listing(out_dir)
    r = run(commands["lee"](out, toys, batch), limit)
    lines = error_lines(r.stderr)
    said = re.search(r"(\d+) toys kept in (\S+);", lines[0]) if len(lines) == 1 else None
    check(r.returncode == 1 and len(lines) == 1 and checkpoint in lines[0],
          f"lee (its checkpoint), full disk: exit 1 ({r.returncode}), one line naming the checkpoint: {lines}")
    check(said is not None and int(said.group(1)) == kept_expected,
          f"lee (its checkpoint): the line says the {kept_expected} toys the checkpoint holds "
          f"({said.group(1) if said else None})")
    check(listing(out_dir) == sorted(listed + [os.path.basename(checkpoint)]),
          f"lee (its checkpoint): only the checkpoint is left ({listing(out_dir)})")
    r = run(commands["lee"](out, toys, batch))
    resumed = re.search(r"resuming after (\d+) toys", r.stderr)
    check(r.returncode == 0 and resumed is not None and said is not None and resumed.group(1) == said.group(1),
          f"lee (its checkpoint): the same command resumes after the toys the line said "
          f"({resumed.group(1) if resumed else None})")
    check(temporaries(out_dir) == [] and not os.path.exists(checkpoint),
          "lee (its checkpoint): the resumed run leaves no temporary and no checkpoint")

    # Outputs that are not regular files: refused before any work, and left as they were.
    odd = folder("odd")
    fifo = os.path.join(odd, "fifo.csv")
    os.mkfifo(fifo)
    link = os.path.join(odd, "link_to_dev_null.h5")
    os.symlink("/dev/null", link)
    os.makedirs(os.path.join(odd, "folder.h5"))
    cases = [("stats", fifo, stat.S_ISFIFO), ("generate", link, stat.S_ISCHR),
             ("interpret", os.path.join(odd, "folder.h5"), stat.S_ISDIR)]
    try:
        device = os.path.join(odd, "device.h5")  # a character device of the test's own (the null device's numbers)
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        cases.append(("select", device, stat.S_ISCHR))
    except OSError as e:
        print(f"note: no character device of the test's own ({e.strerror}); the link to /dev/null stands for it")
    if not os.access("/dev", os.W_OK):
        # Only where darkscan could not replace it if it tried.
        cases.append(("scan", "/dev/null", stat.S_ISCHR))
    for name, out, kind in cases:
        listed = listing(odd)
        r = run(commands[name](out))
        lines = error_lines(r.stderr)
        check(r.returncode == 2 and len(lines) == 1 and out in lines[0] and "not a regular file" in lines[0],
              f"{name} --output {os.path.relpath(out, work) if out.startswith(work) else out}: refused, exit 2 "
              f"({r.returncode}), one line: {lines}")
        check(kind(os.stat(out).st_mode) and listing(odd) == listed,
              f"{name} --output {os.path.basename(out)}: still what it was, nothing beside it")
    check(os.path.islink(link) and stat.S_ISCHR(os.stat("/dev/null").st_mode), "the link and /dev/null are intact")

    # Temporaries left by a dead process are removed, those of a live one kept.
    stale = folder("stale")
    dead = os.path.join(stale, f"selected.h5.tmp-{dead_pid()}")
    live = os.path.join(stale, f"selected.h5.tmp-{os.getpid()}")
    dead_checkpoint = os.path.join(stale, f"results.h5.toys.partial.tmp-{dead_pid()}")
    for path in (dead, live, dead_checkpoint):
        with open(path, "wb") as f:
            f.write(b"\0" * 100000)
    r = run(commands["select"](os.path.join(stale, "selected.h5")))
    check(r.returncode == 0 and not os.path.exists(dead) and os.path.exists(live),
          f"select: a dead process's temporary is removed, a live one's kept ({listing(stale)})")
    r = run(commands["lee"](os.path.join(stale, "results.h5"), 2000, 1000))
    check(r.returncode == 0 and not os.path.exists(dead_checkpoint),
          f"lee: a dead process's temporary of the checkpoint is removed ({listing(stale)})")
    os.remove(live)

    # A run killed mid-write, run again: nothing is left but the output.
    def killed_then_rerun(case, args, folder_path, wait_for):
        proc = subprocess.Popen([exe, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while time.time() < deadline and proc.poll() is None and not wait_for():
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        left = temporaries(folder_path)
        check(proc.returncode == -signal.SIGKILL and left,
              f"{case}: killed mid-write, it leaves temporaries ({left})")
        r = run(args)
        check(r.returncode == 0 and temporaries(folder_path) == [],
              f"{case}: run again, it leaves none ({temporaries(folder_path)}; exit {r.returncode})")

    killed = folder("killed_generate")
    out = os.path.join(killed, "events.h5")
    one_sample = ["generate", "--signal-point", "final_state=pipi,m_hp=0.5,ctau_hp_cm=1.0", "--events", "150000",
                  "--output", out]
    killed_then_rerun("generate", one_sample, killed,
                      lambda: any(os.path.getsize(os.path.join(killed, f)) > 0 for f in temporaries(killed)))
    killed = folder("killed_lee")
    out = os.path.join(killed, "results.h5")
    killed_then_rerun("lee", commands["lee"](out, 24000, 1000), killed,
                      lambda: os.path.exists(out + ".toys.partial"))
    check(not os.path.exists(out + ".toys.partial"), "lee: the rerun removes its checkpoint when done")

    # fsync before the rename (the temporary) and after it (the folder), for a byte
    # writer and for HDF5.
    strace = shutil.which("strace")
    traced = strace is not None and subprocess.run([strace, "-o", os.devnull, "true"]).returncode == 0
    if not traced:
        print("note: strace cannot trace here; the fsync order is not checked")
    for name in ("stats", "scan") if traced else ():
        synced = folder("fsync_" + name)
        out = os.path.join(synced, "out" + (".csv" if name == "stats" else ".h5"))
        trace = os.path.join(work, f"fsync_{name}.trace")
        # LeakSanitizer cannot run under ptrace (a sanitizer build's leak check at exit would fail).
        traced_env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        subprocess.run([strace, "-f", "-e", "trace=openat,fsync,fdatasync,rename,renameat,renameat2",
                        "-o", trace, exe, *commands[name](out)], capture_output=True, check=True, env=traced_env)
        calls = open(trace).read().splitlines()
        opened = {}  # fd -> path, as openat returned it
        order = []
        for line in calls:
            m = re.search(r'openat\([^,]+, "([^"]+)", [^)]*\) = (\d+)', line)
            if m:
                opened[m.group(2)] = m.group(1)
            m = re.search(r"f(?:data)?sync\((\d+)\) += 0", line)
            if m:
                order.append(("fsync", os.path.realpath(opened.get(m.group(1), "?"))))
            m = re.search(r'rename(?:at2?)?\((?:[^,]+, )?"([^"]+)", (?:[^,]+, )?"([^"]+)"', line)
            if m:
                order.append(("rename", os.path.realpath(m.group(2))))
        renamed = order.index(("rename", os.path.realpath(out))) if ("rename", os.path.realpath(out)) in order else -1
        temp_synced = [i for i, (what, path) in enumerate(order)
                       if what == "fsync" and re.fullmatch(re.escape(os.path.realpath(out)) + r"\.tmp-\d+", path)]
        folder_synced = [i for i, (what, path) in enumerate(order)
                         if what == "fsync" and path == os.path.realpath(synced)]
        check(renamed >= 0 and any(i < renamed for i in temp_synced) and any(i > renamed for i in folder_synced),
              f"{name}: the temporary is fsynced before the rename, the folder after it ({order[-4:]})")

    return check.exit_status()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
