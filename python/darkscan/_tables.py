"""Tables of numpy columns and their conversion to pandas (docs/python.md#results).

pandas is optional (the extra `darkscan[pandas]`); it is imported when a table is
converted, with a message naming the extra when it is missing.
"""
from collections.abc import Mapping


def import_optional(module, extra, what):
    """The module, or ImportError naming the extra of pyproject.toml that installs it."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(f"{what} needs {module}, which is not installed: pip install 'darkscan[{extra}]' "
                          f"(or pip install {module})") from e


class Table(Mapping):
    """Columns of equal length: a read-only mapping of name -> numpy array, in order.

    `units` maps a column to its unit where the file says one ("" for a number without
    one); `attributes` are the table's own (e.g. a sample's kind).
    """

    def __init__(self, columns, units=None, attributes=None):
        self._columns = dict(columns)
        self.units = dict(units or {})
        self.attributes = dict(attributes or {})

    def __getitem__(self, name):
        return self._columns[name]

    def __iter__(self):
        return iter(self._columns)

    def __len__(self):
        return len(self._columns)

    @property
    def rows(self):
        """The number of rows (0 for a table without columns)."""
        return len(next(iter(self._columns.values()))) if self._columns else 0

    def __repr__(self):
        return f"Table({self.rows} rows: {', '.join(self._columns)})"

    def to_pandas(self):
        """A pandas DataFrame of the columns (the arrays are not copied where pandas can
        avoid it); `df.attrs` holds "units" and "attributes"."""
        pd = import_optional("pandas", "pandas", "to_pandas()")
        df = pd.DataFrame(self._columns)
        df.attrs["units"] = dict(self.units)
        df.attrs["attributes"] = dict(self.attributes)
        return df
