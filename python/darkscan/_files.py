"""darkscan.read: any HDF5 file darkscan writes (docs/formats/outputs.md, and event files,
docs/formats/events.md) as pandas tables, read with h5py (the extra `darkscan[pandas]`).

Every group of 1-D datasets of one length is a table (/scan, /scan_combined,
/selected/data, /samples/<name>, ...); each dataset's `unit` and `description`
attributes become the table's units and descriptions.
"""
from collections.abc import Mapping

import numpy as np

from ._core import InputError
from ._tables import import_optional


class Results(Mapping):
    """The tables of a file: a read-only mapping of table path ("scan", "selected/data")
    -> pandas DataFrame, each with `df.attrs["units"]`, `df.attrs["descriptions"]` and
    `df.attrs["attributes"]` (the group's); `attributes` holds the file's root attributes
    (provenance, settings)."""

    def __init__(self, path, tables, attributes):
        self.path = path
        self._tables = tables
        self.attributes = attributes

    def __getitem__(self, name):
        return self._tables[name.strip("/")]

    def __iter__(self):
        return iter(self._tables)

    def __len__(self):
        return len(self._tables)

    def __repr__(self):
        return f"Results({self.path}: {', '.join(self._tables)})"


def _value(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.generic):
        return v.item()
    return v


def read(path):
    """The tables of a darkscan file as pandas DataFrames with units (see Results)."""
    h5py = import_optional("h5py", "pandas", "darkscan.read")
    pd = import_optional("pandas", "pandas", "darkscan.read")
    path = str(path)
    try:
        file = h5py.File(path, "r")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise InputError(f"{path}: not an HDF5 file h5py can read ({e})") from None
    tables = {}
    with file:
        def visit(name, obj):
            if not isinstance(obj, h5py.Group):
                return
            datasets = [(k, d) for k, d in obj.items() if isinstance(d, h5py.Dataset) and d.ndim == 1]
            if not datasets:
                return
            rows = datasets[0][1].shape[0]
            columns, units, descriptions = {}, {}, {}
            for key, d in datasets:
                if d.shape[0] != rows or d.dtype.names is not None:
                    continue  # not a column of this table (docs/formats/events.md#layout)
                values = d[()]
                if values.dtype.kind in "SO":
                    values = np.array([_value(v) for v in values], dtype=object)
                columns[key] = values
                if "unit" in d.attrs:
                    units[key] = _value(d.attrs["unit"])
                if "description" in d.attrs:
                    descriptions[key] = _value(d.attrs["description"])
            df = pd.DataFrame(columns)
            df.attrs["units"] = units
            df.attrs["descriptions"] = descriptions
            df.attrs["attributes"] = {k: _value(v) for k, v in obj.attrs.items()}
            tables[name] = df

        file.visititems(visit)
        attributes = {k: _value(v) for k, v in file.attrs.items()}
    return Results(path, tables, attributes)
