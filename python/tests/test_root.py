"""ROOT ntuples through uproot (docs/python.md#root-ntuples): a flat TTree written by
uproot with basf2's names and types, converted by darkscan.events.from_root and selected,
gives the same selected candidates as the same events written directly as an event file."""
import sys

import h5py
import numpy as np
import pytest

import darkscan
from test_events import valid_data

uproot = pytest.importorskip("uproot")

# basf2's VariablesToNtuple names (daughter(i, var) -> daughter__boi__cm__spvar__bc) and
# types (every variable a double), for some columns; the others keep their own names.
BASF2_NAMES = {
    "event": "__event__",
    "hp_trk0_px": "daughter__bo0__cm__sppx__bc",
    "hp_trk0_charge": "daughter__bo0__cm__spcharge__bc",
    "hp_trk0_nhits": "daughter__bo0__cm__spnCDCHits__bc",
    "hp_trk0_pid": "daughter__bo0__cm__sppid__bc",
}


def write_ntuple(path, columns):
    branches = {BASF2_NAMES.get(k, k): v.astype(np.float64) for k, v in columns.items()}
    with uproot.recreate(path) as f:
        f.mktree("dh", {k: np.float64 for k in branches}).extend(branches)


def selected_tables(path):
    with h5py.File(path, "r") as f:
        return {f"{g}/{t}/{c}": f[g][t][c][()] for g in ("selected", "cutflow") for t in f[g] for c in f[g][t]}


def test_a_converted_ntuple_selects_as_the_event_file(small_run, tmp_path):
    columns = valid_data(small_run)
    write_ntuple(tmp_path / "ntuple.root", columns)
    darkscan.events.write(tmp_path / "direct.h5", {"data": (columns, {"kind": "data"})})
    converted = darkscan.events.from_root(tmp_path / "ntuple.root", tmp_path / "converted.h5", tree="dh",
                                          columns=BASF2_NAMES)
    assert converted == str(tmp_path / "converted.h5")
    back = darkscan.events.read(converted)["data"]
    for k, v in columns.items():  # integers given as doubles come back as integers of their type
        assert back.columns[k].tobytes() == v.tobytes(), k

    direct = darkscan.select(tmp_path / "direct.h5", tmp_path / "direct_selected.h5", threads=1)
    via_root = darkscan.select(converted, tmp_path / "root_selected.h5", threads=2)
    in_memory = darkscan.select(darkscan.events.from_root(tmp_path / "ntuple.root", columns=BASF2_NAMES),
                                tmp_path / "memory_selected.h5")
    assert sum(direct.samples["data"].selected_events.values()) > 10  # the selection keeps some of them
    expected = selected_tables(tmp_path / "direct_selected.h5")
    for path in ("root_selected.h5", "memory_selected.h5"):
        got = selected_tables(tmp_path / path)
        assert got.keys() == expected.keys()
        for k in expected:
            assert got[k].tobytes() == expected[k].tobytes(), (path, k)
    for result in (via_root, in_memory):
        for k, v in direct.samples["data"].selected.items():
            assert result.samples["data"].selected[k].tobytes() == v.tobytes(), k


def test_a_missing_branch_names_the_mapping(small_run, tmp_path):
    columns = valid_data(small_run)
    del columns["hp_vx"]
    write_ntuple(tmp_path / "ntuple.root", columns)
    with pytest.raises(darkscan.InputError) as raised:
        darkscan.events.from_root(tmp_path / "ntuple.root", tmp_path / "out.h5", columns=BASF2_NAMES)
    assert str(raised.value) == (f"{tmp_path / 'ntuple.root'}: tree 'dh': column 'hp_vx': not found "
                                 "(map it with columns={'hp_vx': '<branch name>'})")
    mapped = dict(BASF2_NAMES, hp_vx="vx")
    with pytest.raises(darkscan.InputError) as raised:
        darkscan.events.from_root(tmp_path / "ntuple.root", tmp_path / "out.h5", columns=mapped)
    assert str(raised.value).endswith("column 'hp_vx' (stored as 'vx'): not found")
    assert not (tmp_path / "out.h5").exists()


def test_without_uproot_the_error_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "uproot", None)  # an import of uproot now fails
    with pytest.raises(ImportError, match=r"pip install 'darkscan\[root\]'"):
        darkscan.events.from_root(tmp_path / "ntuple.root")
