"""Event files from Python (docs/python.md#event-files): samples of numpy columns written
in the event-file layout of docs/formats/events.md by the engine's writer, read back by
its reader, and basf2 ROOT ntuples converted through uproot.

    import darkscan
    sample = darkscan.events.Sample({"event": ..., "hp_vx": ..., ...}, {"kind": "data"})
    darkscan.events.write("events.h5", {"data": sample})
    darkscan.events.read("events.h5")["data"].columns["hp_vx"]
    darkscan.events.from_root("ntuple.root", "events.h5", tree="dh", columns={...})

Bad input raises darkscan.InputError with the line the command line prints for the same
mistake in a file.
"""
import numbers
from collections.abc import Mapping

import numpy as np

from . import _core
from ._core import InputError
from ._tables import Table, import_optional

_INT64 = (-2**63, 2**63 - 1)


class Sample:
    """One sample: its columns (logical name -> 1-D array, docs/formats/events.md#columns)
    and its attributes (docs/formats/events.md#sample-attributes: kind, cross_section_fb,
    n_generated, final_state, m_hp, ctau_hp_cm, ...)."""

    def __init__(self, columns, attributes=None):
        self.columns = dict(columns)
        self.attributes = dict(attributes or {})

    @property
    def kind(self):
        """data, signal or background; "" when the attributes do not say (read as data)."""
        return self.attributes.get("kind", "")

    @property
    def rows(self):
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __repr__(self):
        return f"Sample({self.kind or 'kind not set'}, {self.rows} rows, {len(self.columns)} columns)"

    def to_pandas(self):
        """The columns as a DataFrame, the attributes in `df.attrs["attributes"]`."""
        return Table(self.columns, attributes=self.attributes).to_pandas()


def schema(kind="data"):
    """The columns a sample of this kind must have, may have or gets filled, as the
    stages read it: a list of (name, type, "fail" | "fill" | "skip")."""
    return list(_core.schema(kind))


def _attribute(path, sample, key, value):
    where = f"{path}: sample '{sample}': attribute '{key}'"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{where} = {value!r}: must be a number or a string")
    if isinstance(value, numbers.Integral):
        if not _INT64[0] <= value <= _INT64[1]:
            raise InputError(f"{where} = {value}: is outside the int64 range")
        return int(value)
    return float(value)


def _column(path, sample, name, value):
    """The column as a C-contiguous array the module takes (any number type; the engine
    checks the type against the column's)."""
    where = f"{path}: sample '{sample}': column '{name}'"
    if not isinstance(name, str):
        raise InputError(f"{path}: sample '{sample}': column name {name!r} must be a string")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as e:  # ragged nested sequences
        raise InputError(f"{where}: not an array of numbers ({e})") from None
    if array.dtype.kind not in "iufbc":
        raise InputError(f"{where}: has type {array.dtype}; expected a number type")
    if array.dtype.byteorder not in "=|":
        array = array.astype(array.dtype.newbyteorder("="))
    return np.require(array, requirements="C")


def _as_sample(path, name, value):
    if isinstance(value, Sample):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        return Sample(*value)
    if isinstance(value, Mapping):
        return Sample(value)
    raise InputError(f"{path}: sample '{name}': expected a darkscan.events.Sample, a (columns, attributes) pair or "
                     f"a dict of columns, not {type(value).__name__}")


def write(path, samples, *, root_attributes=None):
    """Writes `samples` (name -> Sample, or a (columns, attributes) pair, or a dict of
    columns) as an event file at `path`, through the engine's writer: the layout
    `darkscan generate` writes (the logical columns in their types, chunked and
    compressed, no modification times), atomically (nothing at `path` on an error).

    Each sample is checked as the stages check what they read: its kind and attributes,
    the columns its kind requires, each column's type (float columns from float32 or
    float64; integer columns from any integer type, or floats holding integers in the
    column's range), the values (finite, counts >= 0, charges +-1, PID codes 0-4, ...)
    and n_generated against its events. Columns that are not logical columns are written
    as given (float32, float64, int8, int32 or int64). InputError with the engine's
    message on the first problem.
    """
    path = str(path)
    if not isinstance(samples, Mapping):
        raise InputError(f"{path}: samples must be a dict of sample name -> sample")
    given = []
    for name, value in samples.items():
        if not isinstance(name, str):
            raise InputError(f"{path}: sample name {name!r} must be a string")
        s = _as_sample(path, name, value)
        attributes = [(k, _attribute(path, name, k, v)) for k, v in s.attributes.items()]
        columns = [(c, _column(path, name, c, v)) for c, v in s.columns.items()]
        given.append((name, attributes, columns))
    root = [(k, _attribute(path, "/", k, v)) for k, v in (root_attributes or {}).items()]
    _core.write_events(path, given, root)
    return path


def read(path, *, columns=None, samples=None):
    """The samples of an event file as the stages read them: name -> Sample with the
    columns of its kind (docs/formats/events.md#columns; mc_weight filled with 1 where an
    MC sample lacks it), each value checked. `columns` is the mapping of the config's
    [columns] table (logical name -> stored name); `samples` a list of names to read
    (default: every sample that has rows; the stages refuse an empty one)."""
    mapping = [(str(k), str(v)) for k, v in (columns or {}).items()]
    out = {}
    for name, _kind, attributes, arrays in _core.read_events(str(path), mapping, list(samples or [])):
        out[name] = Sample(arrays, dict(attributes))
    return out


# A TTree, as basf2 writes, or an RNTuple, as uproot writes a dict of arrays by default.
_TREE_CLASSES = ("TTree", "ROOT::RNTuple")


def _single_tree(file, root_path):
    trees = sorted({key.split(";")[0] for key, cls in file.classnames().items() if cls in _TREE_CLASSES})
    if len(trees) != 1:
        raise InputError(f"{root_path}: {'no TTree' if not trees else 'several trees: ' + ', '.join(trees)}; "
                         "name the one to read with tree=")
    return trees[0]


def from_root(root_path, output_path=None, *, tree=None, columns=None, sample="data", attributes=None):
    """A basf2-style ROOT ntuple (one TTree of flat branches, one entry per candidate, as
    VariablesToNtuple writes it) as an event file, read with uproot (the extra
    `darkscan[root]`).

    tree: the TTree's name (default: the file's only tree). columns: logical column ->
    branch name, as the config's [columns] table (docs/formats/events.md#column-mapping);
    a column without one is looked for under its own name. sample, attributes: the
    sample's name and attributes (docs/formats/events.md#sample-attributes; an ntuple
    carries none, so it is data unless `attributes` says kind and the MC normalisation).

    With `output_path`, writes the event file (darkscan.events.write, with its checks)
    and returns the path; without, returns {sample: Sample} to hand to darkscan.select
    or darkscan.events.write.
    """
    uproot = import_optional("uproot", "root", "darkscan.events.from_root")
    root_path = str(root_path)
    mapping = dict(columns or {})
    attributes = dict(attributes or {})
    kind = attributes.get("kind", "")
    known = {name for name, _type, _missing in _core.schema("signal")}
    for logical in mapping:
        if logical not in known:
            raise InputError(f"columns: '{logical}' is not a column of docs/formats/events.md")
    try:
        file = uproot.open(root_path)
    except FileNotFoundError:
        raise InputError(f"{root_path}: no such file") from None
    except Exception as e:  # uproot's own errors for what is not a ROOT file
        raise InputError(f"{root_path}: not a ROOT file uproot can read ({type(e).__name__}: {e})") from None
    with file:
        name = tree if tree is not None else _single_tree(file, root_path)
        classes = {key.split(";")[0]: cls for key, cls in file.classnames().items()}
        if classes.get(name) not in _TREE_CLASSES:
            raise InputError(f"{root_path}: no TTree '{name}'")
        ttree = file[name]
        branches = set(ttree.keys())
        where = f"{root_path}: tree '{name}'"
        wanted = {}
        for logical, _type, missing in _core.schema(kind if isinstance(kind, str) else ""):
            stored = mapping.get(logical, logical)
            if stored in branches:
                wanted[logical] = stored
            elif missing == "fail":
                hint = "" if logical in mapping else f" (map it with columns={{'{logical}': '<branch name>'}})"
                shown = f"'{logical}'" if stored == logical else f"'{logical}' (stored as '{stored}')"
                raise InputError(f"{where}: column {shown}: not found{hint}")
        arrays = ttree.arrays(sorted(set(wanted.values())), library="np")
        cols = {}
        for logical, stored in wanted.items():
            a = arrays[stored]
            if a.dtype == object:
                raise InputError(f"{where}: branch '{stored}' is not flat (one number per entry)")
            cols[logical] = a
    samples = {sample: Sample(cols, attributes)}
    if output_path is None:
        return samples
    return write(output_path, samples, root_attributes={"converted_from": root_path, "tree": name})
