"""The stages as functions (docs/python.md#stages): each calls the stage function that
the command of the same name calls (docs/development.md#stages), with the same config,
backend choice and provenance, writes the same file and returns its result in memory as
numpy arrays. The GIL is released while a stage runs.

    sel = darkscan.select(config="demo.toml", input="events.h5", output="selected.h5")
    model = darkscan.signal_model(config="demo.toml", input="events.h5", output="signal_model.h5")
    res = darkscan.scan(config="demo.toml", data="selected.h5", model="signal_model.h5", output="scan.h5")
    res.rows.to_pandas()
    lee = darkscan.lee("selected.h5", "signal_model.h5", "scan.h5", "results.h5", toys=1000, config="demo.toml")
    interp = darkscan.interpret("results.h5", "signal_model.h5", "interpretation.h5", config="demo.toml")
    job = darkscan.run("demo.toml")

Each shows its progress (a tqdm bar where tqdm is installed, else the command's lines on
sys.stderr) and stops on Ctrl-C, raising KeyboardInterrupt with no output written
(docs/python.md#progress-and-ctrl-c).
"""
import os
import sys
import tempfile
from collections.abc import Mapping

from . import _core
from ._core import InputError
from ._tables import Table, import_optional
from . import events as _events


def _path(name, value, required=True):
    if value is None:
        if required:
            raise InputError(f"{name}: a path is required")
        return ""
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"{name} = {value!r} must be a path")
    return os.fspath(value)


def _compute(backend, threads):
    if backend is not None and not isinstance(backend, str):
        raise InputError(f"backend = {backend!r} must be a string: auto, cpu or cuda")
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or
                                not 0 <= threads <= 2**31 - 1):
        raise InputError(f"threads = {threads!r} must be a whole number, 0 (every core) or more")
    return ("" if backend is None else backend), (-1 if threads is None else threads)


def _isatty(stream):
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _Progress:
    """What a stage reports its progress to (python/src/watched.hpp calls `report`): a
    tqdm bar for each of the engine's progress counters where tqdm is installed (tqdm.auto:
    a widget in a notebook), else the lines the command would print, on sys.stderr."""

    def __init__(self):
        try:
            from tqdm.auto import tqdm
        except ImportError:
            tqdm = None
        self._tqdm = tqdm
        self.mode = "counters" if tqdm is not None else "lines"
        self.tty = _isatty(sys.stderr)
        self._bars = []

    def report(self, bars, text):
        if text:
            sys.stderr.write(text)
            sys.stderr.flush()
        for k, (label, unit, total, done, finished) in enumerate(bars):
            if k == len(self._bars):
                self._bars.append(self._tqdm(total=total, desc=label, unit=f" {unit}", unit_scale=True))
            bar = self._bars[k]
            if done > bar.n:
                bar.update(done - bar.n)
            if finished:
                bar.close()

    def close(self):
        for bar in self._bars:
            bar.close()


def _watched(call, progress, *args):
    """Calls the module's stage function with a _Progress (None: progress=False)."""
    if not isinstance(progress, bool):
        raise InputError(f"progress = {progress!r} must be True or False")
    reporter = _Progress() if progress else None
    try:
        return call(*args, reporter)
    finally:
        if reporter is not None:
            reporter.close()


def _count(name, value, least):
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= 2**63 - 1:
        raise InputError(f"{name} = {value!r} must be a whole number, {least} or more")
    return value


def _table(t):
    return Table(t["columns"], units=t["units"], attributes=t["attributes"])


class SampleSelection:
    """One sample through the selection: its cutflow (candidates and weighted yield after
    each step, docs/physics/selection.md), its best candidates (the columns of
    /selected/<sample>) and their count per final state."""

    def __init__(self, d):
        self.name = d["name"]
        self.kind = d["kind"]
        self.rows = d["rows"]
        self.weight_scale = d["weight_scale"]
        self.cutflow = Table({"candidates": d["candidates"], "weighted_yield": d["weighted"]},
                             units={"candidates": "candidates", "weighted_yield": "events"})
        self.selected = Table(d["selected"], attributes={"kind": self.kind, "weight_scale": self.weight_scale})
        self.selected_events = dict(zip(("mumu", "pipi", "kk"), (int(n) for n in d["selected_events"])))

    def __repr__(self):
        return f"SampleSelection('{self.name}', {self.rows} candidates, selected {self.selected_events})"


class SelectionResult:
    """What darkscan.select returns: `samples` (name -> SampleSelection, in the order
    selected), `path` (the file written), `backend`, `candidates` read and `seconds`."""

    def __init__(self, d, path):
        self.samples = {s["name"]: SampleSelection(s) for s in d["samples"]}
        self.path = path
        self.backend = d["backend"]
        self.candidates = d["candidates"]
        self.seconds = d["seconds"]
        self.luminosity_fb = d["luminosity_fb"]

    def __repr__(self):
        return f"SelectionResult({len(self.samples)} samples, {self.candidates} candidates -> {self.path})"

    def to_pandas(self):
        """The best candidates of every sample in one DataFrame, with a `sample` column."""
        pd = import_optional("pandas", "pandas", "to_pandas()")
        frames = []
        for name, s in self.samples.items():
            df = s.selected.to_pandas()
            df.insert(0, "sample", name)
            frames.append(df)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


class SignalModelResult:
    """What darkscan.signal_model returns: `points` (one row per signal point: name, final
    state, m(h'), the mass resolution and the samples combined), `ctau_cm` (the lifetime
    grid), `path`, `backend`. The efficiency maps are in the file (darkscan.read)."""

    def __init__(self, d, path):
        self.points = Table(d["points"], units={"m_hp": "GeV", "sigma_mass": "GeV", "sigma_mass_unc": "GeV"})
        self.ctau_cm = d["ctau_cm"]
        self.path = path
        self.backend = d["backend"]

    def __repr__(self):
        return f"SignalModelResult({self.points.rows} signal points -> {self.path})"

    def to_pandas(self):
        return self.points.to_pandas()


# Units of the scan's tables, as the scan's file states them (docs/formats/outputs.md#scanh5).
_SCAN_UNITS = {"ctau_cm": "cm", "mass": "GeV", "sigma_mass": "GeV", "window_lo": "GeV", "window_hi": "GeV",
               "n_obs": "events", "n_sb": "events", "z": "sigma", "ul_events": "events", "ul_xsec_fb": "fb"}


class ScanResult:
    """What darkscan.scan returns: `rows` (the /scan table: one row per final state, cτ and
    window) and `combined` (/scan_combined) as Tables of numpy arrays, `ctau_cm`,
    `missing_limits` (rows per limit status), `notes`, `path`, `backend`."""

    def __init__(self, d, path):
        self.rows = Table(d["rows"], units={k: v for k, v in _SCAN_UNITS.items() if k in d["rows"]})
        self.combined = Table(d["combined"], units={k: v for k, v in _SCAN_UNITS.items() if k in d["combined"]})
        self.ctau_cm = d["ctau_cm"]
        self.missing_limits = dict(zip(("ok", "no efficiency", "efficiency uncertainty >= 0.2", "not converged"),
                                       (int(n) for n in d["missing_limits"])))
        self.experiments_computed = d["experiments_computed"]
        self.count_seconds = d["count_seconds"]
        self.statistics_seconds = d["statistics_seconds"]
        self.notes = list(d["notes"])
        self.path = path
        self.backend = d["backend"]

    def __repr__(self):
        return f"ScanResult({self.rows.rows} rows, {len(self.ctau_cm)} lifetimes -> {self.path})"

    def to_pandas(self):
        """The /scan rows as a DataFrame."""
        return self.rows.to_pandas()


def select(input=None, output=None, *, config=None, samples=None, backend=None, threads=None, progress=True):
    """`darkscan select`: the selection of docs/physics/selection.md over the samples of an
    event file, written to `output` (/selected/<sample>, /cutflow/<sample>).

    input: an event file (default: the config's [input] events), or samples in memory
    (name -> darkscan.events.Sample, as darkscan.events.from_root returns them), which are
    written to a temporary event file first. config: a config file (default: every key at
    its default). samples: names to select (default: all). backend, threads: as the
    command's --backend and --threads (default: the config's [run]). progress: False
    shows none.
    """
    output = _path("output", output)
    config = _path("config", config, required=False)
    names = list(samples or [])
    if any(not isinstance(n, str) for n in names):
        raise InputError(f"samples = {samples!r} must be sample names")
    backend, threads = _compute(backend, threads)
    if isinstance(input, Mapping):
        with tempfile.TemporaryDirectory(prefix="darkscan-") as work:
            events = _events.write(os.path.join(work, "events.h5"), input)
            return SelectionResult(_watched(_core.select, progress, config, events, output, names, backend, threads),
                                   output)
    input = _path("input", input, required=False)
    return SelectionResult(_watched(_core.select, progress, config, input, output, names, backend, threads), output)


def signal_model(input=None, output=None, *, config=None, backend=None, threads=None, progress=True):
    """`darkscan efficiency`: the signal model of docs/physics/signal-model.md from the
    signal samples of an event file, written to `output`."""
    output = _path("output", output)
    config = _path("config", config, required=False)
    input = _path("input", input, required=False)
    backend, threads = _compute(backend, threads)
    return SignalModelResult(_watched(_core.efficiency, progress, config, input, output, backend, threads), output)


def scan(data=None, model=None, output=None, *, config=None, sample="data", cl=None, nuisance_prior=None,
         prior=None, backend=None, threads=None, progress=True):
    """`darkscan scan`: the window scan (docs/physics/window-scan.md) of a selected sample of
    `data` (a darkscan select output) with the signal model `model` (a darkscan
    efficiency output), written to `output` (/scan, /scan_combined), the same bytes as the
    command's for the same inputs.

    cl, nuisance_prior ("gaussian" | "lognormal"), prior ("uniform" | "jeffreys"): as the
    command's --cl, --nuisance-prior and --prior (default: the config's [scan]).
    """
    data = _path("data", data)
    model = _path("model", model)
    output = _path("output", output)
    config = _path("config", config, required=False)
    if not isinstance(sample, str):
        raise InputError(f"sample = {sample!r} must be a sample name")
    for key, value, allowed in (("nuisance_prior", nuisance_prior, ("gaussian", "lognormal")),
                                ("prior", prior, ("uniform", "jeffreys"))):
        if value is not None and value not in allowed:
            raise InputError(f"{key} = {value!r} is not one of {', '.join(allowed)}")
    if cl is not None and (isinstance(cl, bool) or not isinstance(cl, (int, float)) or not 0 < cl < 1):
        raise InputError(f"cl: {cl!r} is not a credibility level in (0, 1)")
    backend, threads = _compute(backend, threads)
    return ScanResult(_watched(_core.scan, progress, config, data, model, output, sample,
                               0.0 if cl is None else float(cl), nuisance_prior or "", prior or "", backend, threads),
                      output)


class LeeResult:
    """What darkscan.lee returns: `summary` (the global significance and its kin: z_local,
    p_global, z_global, trials_factor, the Gross–Vitells estimate; the attributes of
    /lee/toys), `toys` (/lee/toys: one row per toy), `coverage` (/lee/coverage) and
    `expected` (/expected: the expected limits of every /scan row) as Tables read back from
    the file written, `path`, `backend`."""

    def __init__(self, d, path):
        t = d["tables"]
        self.toys = _table(t["lee/toys"])
        self.coverage = _table(t["lee/coverage"])
        self.expected = _table(t["expected"])
        self.summary = {k: v for k, v in self.toys.attributes.items() if k not in ("creator", "darkscan_version")}
        self.path = path
        self.backend = d["backend"]

    def __repr__(self):
        s = self.summary
        return f"LeeResult({self.toys.rows} toys: z_local {s['z_local']:.3g}, z_global {s['z_global']:.3g} -> {self.path})"

    def to_pandas(self):
        """The toys (/lee/toys) as a DataFrame."""
        return self.toys.to_pandas()


class InterpretResult:
    """What darkscan.interpret returns, the tables of docs/formats/outputs.md#interpretationh5
    read back from the file written: `model_points`, `combined_limits`, `sin_theta`
    (/sin_theta/masses), `sin_theta_intervals`, and where the signal model has maps over
    cτ(chi2) `y_limit` (/y_limit/masses), `y_limit_intervals` and `y_limit_curve` (else
    None); `tables` holds them all by path; `widths_source`, `path`, `backend`."""

    def __init__(self, d, path):
        self.tables = {name: _table(t) for name, t in d["tables"].items()}
        self.model_points = self.tables["model_points"]
        self.combined_limits = self.tables["combined_limits"]
        self.sin_theta = self.tables["sin_theta/masses"]
        self.sin_theta_intervals = self.tables["sin_theta/intervals"]
        self.y_limit = self.tables.get("y_limit/masses")
        self.y_limit_intervals = self.tables.get("y_limit/intervals")
        self.y_limit_curve = self.tables.get("y_limit/curve")
        self.widths_source = d["widths_source"]
        self.path = path
        self.backend = d["backend"]

    def __repr__(self):
        return (f"InterpretResult({self.model_points.rows} model points, {self.combined_limits.rows} combined limits "
                f"-> {self.path})")

    def to_pandas(self):
        """The combined limits (/combined_limits) as a DataFrame."""
        return self.combined_limits.to_pandas()


# The files of a main job under its output folder (docs/commands/run.md).
_RUN_FILES = {"events": "events.h5", "selected": "selected.h5", "signal_model": "signal_model.h5", "scan": "scan.h5",
              "results": "results.h5", "interpretation": "interpretation.h5", "summary": "summary.txt"}


class RunResult:
    """What darkscan.run returns: `dir` (the output folder), `files` (name -> path of each
    file the job has there: events, selected, signal_model, scan, results,
    interpretation, summary), `summary` (the lines of summary.txt), `stages` (a Table:
    stage, ran, seconds; ran false: up to date, skipped), `report` (report.md, None when
    no plots were drawn)."""

    def __init__(self, d):
        self.dir = d["dir"]
        self.files = {k: os.path.join(self.dir, f) for k, f in _RUN_FILES.items()
                      if os.path.exists(os.path.join(self.dir, f))}
        self.summary = list(d["summary"])
        self.report = d["report"] or None  # report.md with the figures in plots/, None without plots
        names, ran, seconds = zip(*d["stages"]) if d["stages"] else ((), (), ())
        import numpy as np
        self.stages = Table({"stage": np.array(names, dtype=object), "ran": np.array(ran, dtype=bool),
                             "seconds": np.array(seconds, dtype=np.float64)}, units={"seconds": "s"})

    def __repr__(self):
        ran = [n for n, r in zip(self.stages["stage"], self.stages["ran"]) if r]
        return f"RunResult({self.dir}: ran {', '.join(ran) or 'nothing (up to date)'})"

    def to_pandas(self):
        """The stages (stage, ran, seconds) as a DataFrame."""
        return self.stages.to_pandas()


def lee(data=None, model=None, scan=None, output=None, *, config=None, toys=10000, seed=None, batch=4096,
        gv_level=1.0, coverage_toys=2000, backend=None, threads=None, progress=True):
    """`darkscan lee`: the look-elsewhere effect (docs/physics/look-elsewhere.md) of the scan
    `scan` of `data` with `model` (the files darkscan.scan took and wrote), from `toys`
    background-only toys; the tables /lee/toys, /lee/coverage and /expected added to a copy
    of the scan written to `output` (default: the scan file itself, extended), the same
    bytes as the command's for the same inputs and options.

    toys, seed (default: the config's run.seed), batch, gv_level, coverage_toys: as the
    command's --toys, --seed, --batch, --gv-level and --coverage-toys. The toys are
    checkpointed beside the output (<output>.toys.partial), as the command's: after Ctrl-C
    or a failure the same call resumes from there.
    """
    data = _path("data", data)
    model = _path("model", model)
    scan = _path("scan", scan)
    output = scan if output is None else _path("output", output)
    config = _path("config", config, required=False)
    _count("toys", toys, 1)
    _count("batch", batch, 1)
    _count("coverage_toys", coverage_toys, 0)
    if seed is not None:
        _count("seed", seed, 0)
    if isinstance(gv_level, bool) or not isinstance(gv_level, (int, float)) or not gv_level > 0:
        raise InputError(f"gv_level = {gv_level!r} must be positive (a level in q = Z^2)")
    backend, threads = _compute(backend, threads)
    return LeeResult(_watched(_core.lee, progress, config, data, model, scan, output, toys,
                              -1 if seed is None else seed, batch, float(gv_level), coverage_toys, backend, threads),
                     output)


def interpret(scan=None, model=None, output=None, *, config=None, benchmark_points=False, widths_table=None,
              xsec_table=None, chi2_table=None, backend=None, threads=None, progress=True):
    """`darkscan interpret`: the model-dependent interpretation (docs/physics/interpretation.md)
    of a scan (a darkscan.scan or darkscan.lee output) for the config's [model] point,
    written to `output`, the same bytes as the command's for the same inputs and options.

    model: the signal model the scan used (checked against it; optional, as the command's
    --model: its maps over cτ(chi2) give the y limit). benchmark_points, widths_table,
    xsec_table, chi2_table: as the command's --benchmark-points, --widths-table,
    --xsec-table and --chi2-table.
    """
    scan = _path("scan", scan)
    model = _path("model", model, required=False)
    output = _path("output", output)
    config = _path("config", config, required=False)
    if not isinstance(benchmark_points, bool):
        raise InputError(f"benchmark_points = {benchmark_points!r} must be True or False")
    tables = [_path(k, v, required=False) for k, v in
              (("widths_table", widths_table), ("xsec_table", xsec_table), ("chi2_table", chi2_table))]
    backend, threads = _compute(backend, threads)
    return InterpretResult(_watched(_core.interpret, progress, config, scan, model, output, benchmark_points, *tables,
                                    backend, threads), output)


def run(config=None, output_dir=None, *, toys=None, force=False, plots=True, backend=None, threads=None,
        progress=True):
    """`darkscan run`: the main job (docs/commands/run.md) of a config, generate (where the
    config asks), select, efficiency, scan, lee and interpret in one call, then the plots
    and report.md (darkscan.plot in a child process of this interpreter, when it has
    matplotlib and h5py; `plots=False` leaves them out), every file under `output_dir`
    (default: the config's run.output_dir); a stage whose inputs, arguments and config keys
    are unchanged since it last completed is skipped unless `force`. toys: the
    look-elsewhere toys (default: the config's run.toys). After Ctrl-C or a failure the
    stages done are kept and the same call resumes.
    """
    config = _path("config", config)
    output_dir = _path("output_dir", output_dir, required=False)
    if toys is not None:
        _count("toys", toys, 1)
    for name, value in (("force", force), ("plots", plots)):
        if not isinstance(value, bool):
            raise InputError(f"{name} = {value!r} must be True or False")
    backend, threads = _compute(backend, threads)
    return RunResult(_watched(_core.run, progress, config, output_dir, 0 if toys is None else toys, force, plots,
                              sys.executable, backend, threads))
