"""The tables the figures show, read from darkscan's output files with h5py
(docs/formats/outputs.md): only the columns the figures draw (the scan's tables have
about 20), as dicts of numpy arrays. The files are closed again before any figure is
drawn, so that the drawing processes of `report` are forked without open files."""
from __future__ import annotations

import os
from typing import Any, Dict, Iterable, Mapping, Optional, Union

import numpy as np

FINAL_STATES = ["mumu", "pipi", "kk"]

Table = Dict[str, np.ndarray]
"""A table: equal-length columns by name."""
Tables = Dict[str, Any]
"""What a figure reads from one file: tables, attributes, nested by group."""
Source = Union[str, "os.PathLike[str]", Mapping[str, Any]]
"""A result file's path, or the tables read from it by the matching `read_*`."""


def _h5py() -> Any:
    import h5py  # type: ignore[import-untyped]  # the plots' dependency (pyproject.toml, extra "plot")

    return h5py


def read_columns(group: Any, names: Iterable[str], optional: Iterable[str] = ()) -> Table:
    """The columns `names` of a table (a group of equal-length datasets), and those of
    `optional` it has."""
    table = {k: group[k][:] for k in names}
    table.update({k: group[k][:] for k in optional if k in group})
    return table


def decoded(value: Any) -> Any:
    return value.decode() if isinstance(value, bytes) else value


def read_selected(path: Union[str, "os.PathLike[str]"]) -> Tables:
    """selected.h5 of `darkscan select`: the data's mass and final state, each background
    sample's with its weights, and the cutflow of the data."""
    with _h5py().File(path, "r") as selected:
        c = selected["cutflow"]["data"]
        return {
            "data": read_columns(selected["selected"]["data"], ["mass", "final_state"]),
            "backgrounds": {name: read_columns(g, ["mass", "final_state", "weight"])
                            for name, g in selected["selected"].items()
                            if g.attrs.get("kind", b"") in ("background", b"background")},
            "cutflow": {"names": decoded(c.attrs["cut_names"]).split(", "), "candidates": c["candidates"][:],
                        "weighted_yield": c["weighted_yield"][:]},
        }


def read_results(path: Union[str, "os.PathLike[str]"]) -> Tables:
    """results.h5 of `darkscan lee` (or scan.h5 of `darkscan scan`, without the expected
    limits and the look-elsewhere numbers): the scan's rows, the expected limits, the
    look-elsewhere attributes and the configuration text."""
    with _h5py().File(path, "r") as results:
        return {
            "scan": read_columns(results["scan"], ["final_state", "ctau_cm", "mass", "z", "ul_xsec_fb"]),
            "expected": (read_columns(results["expected"], ["ul_xsec_fb_median", "ul_xsec_fb_m1", "ul_xsec_fb_p1",
                                                            "ul_xsec_fb_m2", "ul_xsec_fb_p2"])
                         if "expected" in results else None),
            "lee": dict(results["lee"]["toys"].attrs) if "lee" in results else {},
            "config": decoded(results.attrs.get("config", "")),
        }


def read_model(path: Union[str, "os.PathLike[str]"]) -> Tables:
    """signal_model.h5 of `darkscan efficiency`: the efficiency maps by final state."""
    with _h5py().File(path, "r") as model:
        maps = model.get("maps", {})
        return {"maps": {fs: read_columns(maps[fs], ["m_hp", "ctau_cm", "trusted", "efficiency", "sigma_gev"])
                         for fs in FINAL_STATES if fs in maps}}


def read_interpretation(path: Union[str, "os.PathLike[str]"]) -> Tables:
    """interpretation.h5 of `darkscan interpret`: the sin theta exclusion, and the y limit
    with the model points where the file has them."""
    with _h5py().File(path, "r") as f:
        i: Tables = {"sin_theta": {
            "intervals": read_columns(f["sin_theta"]["intervals"], ["mass", "sin_theta_lo", "sin_theta_hi",
                                                                    "open_lo"], ["model_point"]),
            "masses": read_columns(f["sin_theta"]["masses"], ["mass"], ["model_point"]),
            "attrs": dict(f["sin_theta"]["masses"].attrs)}}
        if "y_limit" in f:
            g = f["y_limit"]
            i["y_limit"] = {
                "masses": read_columns(g["masses"], ["m_chi1", "y_excluded_lo"], ["model_point"]),
                "intervals": read_columns(g["intervals"], ["m_chi1", "y_lo", "y_hi", "open_lo", "open_hi"],
                                          ["model_point"]),
                "attrs": dict(g["masses"].attrs)}
            i["model_points"] = read_columns(f["model_points"], ["model_point", "ap_over_m_chi1",
                                                                 "delta_m_over_m_chi1", "alpha_d"])
        return i


def tables(source: Source, read: Any) -> Tables:
    """The tables of `source`: read from the file when it is a path, else as given."""
    if isinstance(source, Mapping):
        return dict(source)
    return read(source)


def read_run(selected: Union[str, "os.PathLike[str]"], model: Union[str, "os.PathLike[str]"],
             results: Union[str, "os.PathLike[str]"],
             interpretation: Optional[Union[str, "os.PathLike[str]"]] = None) -> Tables:
    """Everything the figures and the report of a run show: the four files' tables (the
    interpretation's only when the file is there)."""
    d: Tables = {}
    d.update(read_selected(selected))
    d.update(read_results(results))
    d.update(read_model(model))
    d["interpretation"] = (read_interpretation(interpretation)
                           if interpretation and os.path.exists(interpretation) else None)
    return d
