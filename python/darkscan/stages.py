"""The stages as functions (docs/python.md#stages): each calls the stage function that
the command of the same name calls (docs/development.md#stages), with the same config,
backend choice and provenance, writes the same file and returns its result in memory as
numpy arrays. The GIL is released while a stage runs.

    sel = darkscan.select(config="demo.toml", input="events.h5", output="selected.h5")
    model = darkscan.signal_model(config="demo.toml", input="events.h5", output="signal_model.h5")
    res = darkscan.scan(config="demo.toml", data="selected.h5", model="signal_model.h5", output="scan.h5")
    res.rows.to_pandas()
"""
import os
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


def select(input=None, output=None, *, config=None, samples=None, backend=None, threads=None):
    """`darkscan select`: the selection of docs/physics/selection.md over the samples of an
    event file, written to `output` (/selected/<sample>, /cutflow/<sample>).

    input: an event file (default: the config's [input] events), or samples in memory
    (name -> darkscan.events.Sample, as darkscan.events.from_root returns them), which are
    written to a temporary event file first. config: a config file (default: every key at
    its default). samples: names to select (default: all). backend, threads: as the
    command's --backend and --threads (default: the config's [run]).
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
            return SelectionResult(_core.select(config, events, output, names, backend, threads), output)
    input = _path("input", input, required=False)
    return SelectionResult(_core.select(config, input, output, names, backend, threads), output)


def signal_model(input=None, output=None, *, config=None, backend=None, threads=None):
    """`darkscan efficiency`: the signal model of docs/physics/signal-model.md from the
    signal samples of an event file, written to `output`."""
    output = _path("output", output)
    config = _path("config", config, required=False)
    input = _path("input", input, required=False)
    backend, threads = _compute(backend, threads)
    return SignalModelResult(_core.efficiency(config, input, output, backend, threads), output)


def scan(data=None, model=None, output=None, *, config=None, sample="data", cl=None, nuisance_prior=None,
         prior=None, backend=None, threads=None):
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
    return ScanResult(_core.scan(config, data, model, output, sample, 0.0 if cl is None else float(cl),
                                 nuisance_prior or "", prior or "", backend, threads), output)
