#!/usr/bin/python3
"""The Slurm examples of docs/cluster.md end to end on a single-node Slurm that this test
starts itself: munged, slurmctld and slurmd of Debian's munge and slurm-wlm, with a
generated slurm.conf, a munge key and their state in a temporary folder, on ports of
their own (nothing of /etc is read or changed), stopped at the end whatever happens.

- The job array (docs/cluster.md#slurm): the page's lee-shards.sbatch, lee-merge.sbatch
  and its submission commands, taken from the page's text (so the page and the test
  cannot drift), scaled down by the edits in SHARD_EDITS, each required to apply once.
  Every task and the dependent merge must complete, and the merged file must equal a
  single-process `darkscan lee` on the same inputs, every dataset and attribute bit for
  bit.
- Where darkscan was built with MPI and Slurm has its PMIx plugin: the page's
  lee-mpi.sbatch (docs/cluster.md#mpi) on one node with 2 ranks (MPI_EDITS), the same
  comparison.

Skipped (exit 77), saying exactly why, where it cannot run: not root, a program missing
(scripts/apt-packages.txt lists slurm-wlm and munge), or a daemon that does not start
(its own error lines are printed).

  slurm_example.py DARKSCAN SOURCE_DIR WORK_DIR HAVE_MPI(0|1)
"""
import ctypes
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from checklist import Checklist  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

SKIP = 77

# The inputs: those of the look-elsewhere tests (tests/cli/lee_fixture.hpp), a signal
# model of three pi+pi- points and thirteen selected masses.
CONFIG = """[run]
seed = 11
[signal_model]
ctau_range_cm = [1.0, 100.0]
ctau_points_per_decade = 2
[scan]
final_states = ["pipi"]
sigma_extrapolation_gev = 0.4
"""
MASSES = [0.31, 0.42, 0.55, 0.62, 0.749, 0.75, 0.751, 0.93, 1.04, 1.31, 1.77, 2.2, 2.8]
SIZE = ["--toys", "301", "--batch", "50", "--coverage-toys", "20"]

# The page's job array, scaled to this machine: 301 toys in batches of 50 instead of
# 10^8, one CPU a task (the node has as few as 2). The array keeps its 16 tasks.
SHARD_EDITS = {
    "lee-shards.sbatch": [("--toys 100000000", " ".join(SIZE)),
                          ("#SBATCH --cpus-per-task=8", "#SBATCH --cpus-per-task=1")],
    "lee-merge.sbatch": [],
    "submit": [],
}
# The page's MPI job on this one node: 2 ranks of one CPU, no GPU, the CPU backend.
MPI_EDITS = [("#SBATCH --nodes=2", "#SBATCH --nodes=1"),
             ("#SBATCH --ntasks-per-node=4", "#SBATCH --ntasks-per-node=2"),
             ("#SBATCH --gpus-per-node=4\n", ""),
             ("#SBATCH --cpus-per-task=8", "#SBATCH --cpus-per-task=1"),
             ("--toys 100000000 --backend cuda", " ".join(SIZE) + " --backend cpu")]
# A guard against a hang only (the jobs take seconds), not a timed assertion.
JOB_WAIT_S = 300


class Skip(Exception):
    pass


class Stopped(Exception):
    pass


def die_with_parent():
    """A daemon started by this test gets SIGTERM when the test's process dies, even
    when it is killed (a ctest timeout)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


class Cluster:
    """munged, slurmctld and slurmd of a one-node cluster whose files all lie in `root`."""

    def __init__(self, root):
        self.root = root
        self.procs = []
        self.env = dict(os.environ, SLURM_CONF=os.path.join(root, "slurm.conf"))

    def start_daemon(self, name, argv):
        log = os.path.join(self.root, name + ".out")
        with open(log, "w") as out:
            p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 env=self.env, preexec_fn=die_with_parent)
        self.procs.append((name, p, log))
        return p

    def wait_for(self, what, ready, timeout_s=60):
        """Waits until ready() holds; a daemon that has exited, or a wait past
        timeout_s, skips the test with the daemons' last lines."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            for name, p, log in self.procs:
                if p.poll() is not None:
                    raise Skip(f"{name} exited with status {p.returncode} while waiting for {what}:\n{tail(log)}")
            if ready():
                return
            time.sleep(0.2)
        raise Skip(f"{what} not reached in {timeout_s} s:\n" +
                   "\n".join(f"--- {name}:\n{tail(log)}" for name, _, log in self.procs))

    def run(self, argv, cwd=None):
        return subprocess.run(argv, cwd=cwd, env=self.env, capture_output=True, text=True)

    def start(self):
        root = self.root
        # munged checks that the folders above its socket and key are not writable by
        # others and that the socket's folder can be entered by all.
        os.chmod(root, 0o755)
        munge = os.path.join(root, "munge")
        os.mkdir(munge, 0o755)
        key = os.path.join(munge, "munge.key")
        r = subprocess.run(["mungekey", "--create", "--keyfile", key], capture_output=True, text=True)
        if r.returncode != 0:
            raise Skip(f"mungekey failed: {r.stderr.strip()}")
        sock = os.path.join(munge, "munge.socket")
        self.start_daemon("munged", ["munged", "--foreground", f"--socket={sock}", f"--key-file={key}",
                                     f"--pid-file={munge}/munged.pid", f"--seed-file={munge}/munged.seed",
                                     f"--log-file={munge}/munged.log"])
        self.wait_for("munged's socket", lambda: os.path.exists(sock))

        for d in ("state", "spool", "tmp"):
            os.mkdir(os.path.join(root, d))
        r = subprocess.run(["slurmd", "-C"], capture_output=True, text=True)
        node = r.stdout.splitlines()[0] if r.returncode == 0 and r.stdout.startswith("NodeName=") else ""
        if not node:
            raise Skip(f"slurmd -C did not describe this node: {r.stdout.strip()} {r.stderr.strip()}")
        self.node = node.split()[0].split("=", 1)[1]
        # The node as slurmd -C sees it, less its memory (the job asks for none).
        node = " ".join(w for w in node.split() if not w.startswith("RealMemory="))
        ctld_port, d_port = free_ports(2)
        # Job ids of its own and TmpFS (where srun's PMIx keeps its files, named by job
        # id) in its own folder: two of these clusters on one machine do not meet.
        first_job = random.randrange(1000, 60_000_000)
        # Process tracking by /proc (proctrack/linuxproc) and no task plugin: nothing
        # needs cgroups, systemd or accounting, which a container may not offer.
        conf = f"""ClusterName=darkscantest
SlurmctldHost={self.node}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={sock}
SlurmUser=root
SlurmdUser=root
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
TmpFS={root}/tmp
FirstJobId={first_job}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
{node} NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""
        with open(self.env["SLURM_CONF"], "w") as f:
            f.write(conf)
        self.start_daemon("slurmctld", ["slurmctld", "-D", "-i", "-f", self.env["SLURM_CONF"]])
        self.start_daemon("slurmd", ["slurmd", "-D", "-N", self.node, "-f", self.env["SLURM_CONF"]])

        def idle():
            r = self.run(["sinfo", "--noheader", "--nodes", self.node, "--format", "%t"])
            return r.returncode == 0 and r.stdout.strip() == "idle"
        self.wait_for(f"node {self.node} idle in sinfo", idle)

    def stop(self):
        """Cancels every job of this cluster, then stops the daemons (SIGTERM, then
        SIGKILL after 10 s)."""
        if any(name == "slurmctld" and p.poll() is None for name, p, _ in self.procs):
            self.run(["scancel", "--full", "--user", str(os.getuid())])
            end = time.monotonic() + 30
            while time.monotonic() < end and self.run(["squeue", "--noheader"]).stdout.strip():
                time.sleep(0.2)
        for name, p, _ in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    def wait_jobs(self, ids):
        """Waits until none of the jobs is pending or running; False after JOB_WAIT_S."""
        end = time.monotonic() + JOB_WAIT_S
        while time.monotonic() < end:
            r = self.run(["squeue", "--noheader", "--jobs", ",".join(ids), "--format", "%i %T %r"])
            if r.returncode == 0 and not r.stdout.strip():
                return True
            if "DependencyNeverSatisfied" in r.stdout:  # a task failed: the merge will not run
                print(r.stdout)
                return False
            time.sleep(0.5)
        print(self.run(["squeue"]).stdout)
        return False

    def job_records(self, job_id):
        """(job id, state, exit code) of each record of a job (every task of an array)."""
        r = self.run(["scontrol", "--oneliner", "show", "job", job_id])
        records = []
        for line in r.stdout.splitlines():
            fields = dict(re.findall(r"(\w+)=(\S+)", line))
            records.append((fields.get("JobId"), fields.get("JobState"), fields.get("ExitCode")))
        return records


def code_blocks(page):
    """The fenced code blocks of a markdown page, as text."""
    return re.findall(r"^```[a-z]*\n(.*?)^```", page, re.S | re.M)


def the_block(blocks, marker):
    found = [b for b in blocks if marker in b]
    if len(found) != 1:
        raise ValueError(f"docs/cluster.md: {len(found)} code blocks contain {marker!r}, expected 1")
    return found[0]


def edited(text, edits, name):
    for old, new in edits:
        if text.count(old) != 1:
            raise ValueError(f"docs/cluster.md's {name} no longer contains {old!r} once: update the test's edits")
        text = text.replace(old, new)
    return text


def content(path):
    """Every dataset (dtype, shape, bytes or values) and every attribute (bytes of
    numbers, strings as they are) of an HDF5 file, by path."""
    datasets, attributes = {}, {}

    def value(v):
        a = np.asarray(v)
        return (a.dtype.str, a.shape, a.tolist() if a.dtype.kind in "OSU" else a.tobytes())

    def take(name, obj):
        attributes[name] = [(k, value(obj.attrs[k])) for k in obj.attrs]
        if isinstance(obj, h5py.Dataset):
            datasets[name] = value(obj[()])

    with h5py.File(path, "r") as f:
        take("/", f)
        f.visititems(lambda name, obj: take("/" + name, obj))
    return datasets, attributes


def differences(a, b, may_differ=()):
    """What differs between two files: datasets by their bytes, attributes by their
    bytes too, but those named "path@attribute" in may_differ."""
    (da, aa), (db, ab) = content(a), content(b)
    out = []
    if sorted(da) != sorted(db):
        out.append(f"datasets: {sorted(set(da) ^ set(db))} in one file only")
    out += [f"{k} differs" for k in sorted(set(da) & set(db)) if da[k] != db[k]]
    if sorted(aa) != sorted(ab):
        out.append(f"objects: {sorted(set(aa) ^ set(ab))} in one file only")
    for k in sorted(set(aa) & set(ab)):
        x = [(n, v) for n, v in aa[k] if f"{k}@{n}" not in may_differ]
        y = [(n, v) for n, v in ab[k] if f"{k}@{n}" not in may_differ]
        if x != y:
            out.append(f"attributes of {k} differ")
    return out, da


def make_inputs(exe, folder, config_name):
    """The inputs of the examples in folder/out/, and the config as config_name."""
    out = os.path.join(folder, "out")
    os.makedirs(out)
    config = os.path.join(folder, config_name)
    with open(config, "w") as f:
        f.write(CONFIG)
    events = os.path.join(folder, "signal.h5")
    args = [exe, "generate", "--output", events, "--events", "2000", "--seed", "7"]
    for m in ("0.6", "1.5", "3.0"):
        args += ["--signal-point", f"final_state=pipi,m_hp={m},ctau_hp_cm=10"]
    steps = [args,
             [exe, "efficiency", "--config", config, "--input", events,
              "--output", os.path.join(out, "signal_model.h5")]]
    for argv in steps:
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)}: {r.stderr}")
    # The selected data as darkscan select writes it: the sample `data` under /selected.
    with h5py.File(os.path.join(out, "selected.h5"), "w") as f:
        g = f.create_group("selected/data")
        g.attrs["kind"] = "data"
        g["final_state"] = np.ones(len(MASSES), dtype=np.int8)
        g["mass"] = np.array(MASSES, dtype=np.float64)
    r = subprocess.run([exe, "scan", "--config", config, "--data", os.path.join(out, "selected.h5"),
                        "--model", os.path.join(out, "signal_model.h5"), "--output", os.path.join(out, "scan.h5")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"darkscan scan: {r.stderr}")


def lee_args(folder, config_name):
    o = os.path.join(folder, "out")
    return ["lee", "--config", os.path.join(folder, config_name), "--data", f"{o}/selected.h5",
            "--model", f"{o}/signal_model.h5", "--scan", f"{o}/scan.h5"] + SIZE


def the_examples(page):
    """The page's job array (its two scripts and the submission commands) and its MPI
    job, edited for this machine; a ValueError names what no longer fits."""
    blocks = code_blocks(page)
    files = {"lee-shards.sbatch": the_block(blocks, "# lee-shards.sbatch"),
             "lee-merge.sbatch": the_block(blocks, "# lee-merge.sbatch"),
             "submit": the_block(blocks, "sbatch --parsable --array")}
    files = {name: edited(text, SHARD_EDITS[name], name) for name, text in files.items()}
    files["lee-mpi.sbatch"] = edited(the_block(blocks, "# lee-mpi.sbatch"), MPI_EDITS, "lee-mpi.sbatch")
    return files


def check_job_array(cluster, check, examples, folder, reference):
    for name in ("lee-shards.sbatch", "lee-merge.sbatch", "submit"):
        with open(os.path.join(folder, name), "w") as f:
            f.write(examples[name])
    n = int(re.search(r"^N=(\d+)", examples["lee-shards.sbatch"], re.M).group(1))
    # The page's submission commands, and the array's job id printed after them.
    with open(os.path.join(folder, "submit"), "a") as f:
        f.write('echo "array job ${array}"\n')
    r = cluster.run(["bash", "-e", "submit"], cwd=folder)
    check(r.returncode == 0, f"the page's submission commands exit 0 ({r.stdout.strip()} {r.stderr.strip()})")
    array = re.search(r"array job (\d+)", r.stdout)
    merge = re.search(r"Submitted batch job (\d+)", r.stdout)
    if not (array and merge):
        check(False, "the array's and the merge's job ids are printed")
        return
    array, merge = array.group(1), merge.group(1)
    check(cluster.wait_jobs([array, merge]), f"the array {array} and the merge {merge} finish")
    tasks = cluster.job_records(array)
    check(len(tasks) == n and all(s == "COMPLETED" and e == "0:0" for _, s, e in tasks),
          f"all {n} tasks of the array completed with exit code 0 ({tasks})")
    check(cluster.job_records(merge) == [(merge, "COMPLETED", "0:0")],
          f"the merge ran after them and completed ({cluster.job_records(merge)})")
    logs = os.listdir(os.path.join(folder, "logs"))
    check(sorted(logs) == sorted([f"lee-{array}_{k}.log" for k in range(1, n + 1)] + [f"lee-merge-{merge}.log"]),
          f"one log a task and the merge's, as the page names them ({sorted(logs)})")
    out = os.listdir(os.path.join(folder, "out"))
    check(sorted(f for f in out if f.startswith("lee-shard-")) ==
          sorted(f"lee-shard-{k}.h5" for k in range(1, n + 1)), f"{n} shard files, as the page names them ({sorted(out)})")
    check(not [f for f in out if f.endswith(".partial")], "no checkpoint left")
    results = os.path.join(folder, "out", "results.h5")
    if not os.path.exists(results):
        check(False, f"the merge wrote out/results.h5: {tail(os.path.join(folder, 'logs', f'lee-merge-{merge}.log'))}")
        return
    # One CPU a task: every shard's backend is `cpu (1 OpenMP threads)`, the reference's.
    diff, datasets = differences(results, reference)
    check(not diff, f"the merged file equals the single-process run, every dataset and attribute ({diff})")
    check(all(t in datasets for t in ("/scan/mass", "/lee/toys/max_z", "/lee/coverage/covered",
                                      "/expected/ul_events_median")) and
          not any(k.startswith("/lee_shard") for k in datasets),
          "the comparison covered the scan, the toys, the coverage and the expected limits")

    # The comparison can fail: one bit of one toy changed.
    planted = os.path.join(folder, "planted.h5")
    shutil.copyfile(results, planted)
    with h5py.File(planted, "r+") as f:
        z = f["lee/toys/max_z"][()]
        z.view(np.uint64)[0] ^= np.uint64(1)
        f["lee/toys/max_z"][...] = z
    diff, _ = differences(planted, reference)
    check(diff == ["/lee/toys/max_z differs"], f"a toy's last bit changed is found ({diff})")


def check_mpi_job(cluster, check, examples, folder, reference):
    with open(os.path.join(folder, "lee-mpi.sbatch"), "w") as f:
        f.write(examples["lee-mpi.sbatch"])
    os.makedirs(os.path.join(folder, "logs"))
    r = cluster.run(["sbatch", "--parsable", "lee-mpi.sbatch"], cwd=folder)
    check(r.returncode == 0, f"sbatch lee-mpi.sbatch exits 0 ({r.stdout.strip()} {r.stderr.strip()})")
    if r.returncode != 0:
        return
    job = r.stdout.strip().split(";")[0]
    check(cluster.wait_jobs([job]), f"the MPI job {job} finishes")
    log = tail(os.path.join(folder, "logs", f"lee-mpi-{job}.log"), 40)
    records = cluster.job_records(job)
    check(records == [(job, "COMPLETED", "0:0")],
          f"the MPI job completed ({records})" + ("" if records == [(job, "COMPLETED", "0:0")] else f":\n{log}"))
    check(log.count("Gross") == 1, f"one rank printed the summary ({log.count('Gross')} summaries in its log)")
    out = os.listdir(os.path.join(folder, "out"))
    check(not [f for f in out if f.endswith(".partial")], f"no rank's checkpoint left ({sorted(out)})")
    results = os.path.join(folder, "out", "results.h5")
    if not os.path.exists(results):
        check(False, "the MPI job wrote out/results.h5")
        return
    # Each rank's thread count is its share of the node's cores, which the backend's
    # description names; everything else is the single-process run's.
    diff, _ = differences(results, reference, may_differ={"/lee/toys@backend"})
    check(not diff, f"the 2 ranks' file equals the single-process run, every dataset and attribute ({diff})")


def main():
    exe, source, work, have_mpi = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "1"
    # The page's examples first: they must fit the edits wherever the test runs, Slurm or not.
    with open(os.path.join(source, "docs", "cluster.md")) as f:
        try:
            examples = the_examples(f.read())
        except ValueError as e:
            print(f"FAIL  {e}")
            return 1
    if os.getuid() != 0:
        print("skipped: not root; the test starts munged, slurmctld and slurmd itself, which run as root")
        return SKIP
    missing = [p for p in ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel",
                           "sinfo") if not shutil.which(p)]
    if missing:
        print(f"skipped: {', '.join(missing)} not installed (Debian's munge and slurm-wlm, "
              "scripts/apt-packages.txt; scripts/setup.sh installs them)")
        return SKIP
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    check = Checklist()

    def stop(signum, _):
        raise Stopped(f"signal {signum}")
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    # The daemons' files in a short path of their own: a socket's path has at most 107
    # characters.
    root = tempfile.mkdtemp(prefix="darkscan-slurm-")
    cluster = Cluster(root)
    try:
        started = time.monotonic()
        try:
            cluster.start()
        except Skip as e:
            print(f"skipped: the single-node Slurm did not start: {e}")
            return SKIP
        print(f"ok    munged, slurmctld and slurmd started (node {cluster.node}, {root}) in "
              f"{time.monotonic() - started:.1f} s")
        started = time.monotonic()

        # The user's environment reaches the jobs (sbatch exports it): darkscan on PATH.
        cluster.env["PATH"] = os.path.dirname(exe) + os.pathsep + cluster.env["PATH"]
        array_dir = os.path.join(work, "array")
        make_inputs(exe, array_dir, "my.toml")
        reference = os.path.join(work, "whole.h5")
        r = subprocess.run([exe] + lee_args(array_dir, "my.toml") + ["--threads", "1", "--output", reference],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"darkscan lee: {r.stderr}")

        print(f"      the inputs and the single-process run took {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        check_job_array(cluster, check, examples, array_dir, reference)
        print(f"      the job array and its merge took {time.monotonic() - started:.1f} s")
        started = time.monotonic()

        srun_mpi = cluster.run(["srun", "--mpi=list"])
        if not have_mpi:
            print("skipped: the MPI job (darkscan was configured without MPI, DARKSCAN_MPI)")
        elif "pmix" not in srun_mpi.stdout + srun_mpi.stderr:
            print(f"skipped: the MPI job (Slurm has no PMIx plugin: srun --mpi=list says {srun_mpi.stdout!r})")
        else:
            mpi_dir = os.path.join(work, "mpi")
            os.makedirs(mpi_dir)
            shutil.copytree(os.path.join(array_dir, "out"), os.path.join(mpi_dir, "out"),
                            ignore=lambda _, names: [n for n in names if n.startswith(("lee-shard", "results"))])
            shutil.copyfile(os.path.join(array_dir, "my.toml"), os.path.join(mpi_dir, "scan.toml"))
            check_mpi_job(cluster, check, examples, mpi_dir, reference)
            print(f"      the MPI job took {time.monotonic() - started:.1f} s")
    except Stopped as e:
        check(False, f"stopped by {e}")
    except RuntimeError as e:  # preparing the inputs failed
        check(False, str(e))
    finally:
        cluster.stop()
        still = [name for name, p, _ in cluster.procs if p.poll() is None]
        check(not still, f"the daemons stopped ({still or 'all'})")
        if check.failures:
            for name, _, log in cluster.procs:
                print(f"--- {name}'s last lines:\n{tail(log)}")
        # The daemons' output stays beside the jobs' for a look afterwards.
        for name, _, log in cluster.procs:
            shutil.copyfile(log, os.path.join(work, name + ".log"))
        shutil.rmtree(root, ignore_errors=True)
    return check.exit_status()


if __name__ == "__main__":
    sys.exit(main())
