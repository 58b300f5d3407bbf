"""Event files from Python (docs/python.md#event-files): samples written by
darkscan.events.write are the generator's samples (checked with h5py, not with
darkscan), read back as written, and bad input gives the line the command line gives
for the same sample stored in a file."""
import h5py
import numpy as np
import pytest

import darkscan
from conftest import run_darkscan

SIGNAL = "signal_pipi_m0.600_ctau30"


def h5_sample(path, name):
    """Columns and attributes of /samples/<name>, read with h5py."""
    with h5py.File(path, "r") as f:
        g = f["samples"][name]
        columns = {k: g[k][()] for k in g}
        attributes = {k: (v.decode() if isinstance(v, bytes) else v.item() if hasattr(v, "item") else v)
                      for k, v in g.attrs.items()}
    return columns, attributes


def test_a_written_sample_holds_what_the_generator_wrote(small_run, tmp_path):
    columns, attributes = h5_sample(small_run / "events.h5", SIGNAL)
    # Shuffled order, float64 for the float columns and int64 for the integer ones: the
    # file must hold each column in its own type all the same.
    given = {k: (v.astype(np.float64) if v.dtype.kind == "f" else v.astype(np.int64)) for k, v in
             reversed(list(columns.items()))}
    darkscan.events.write(tmp_path / "written.h5", {SIGNAL: darkscan.events.Sample(given, attributes)})
    written, written_attributes = h5_sample(tmp_path / "written.h5", SIGNAL)
    assert written_attributes == attributes
    assert list(written) == list(columns)
    for k in columns:
        assert written[k].dtype == columns[k].dtype, k
        assert written[k].tobytes() == columns[k].tobytes(), k
    with h5py.File(tmp_path / "written.h5", "r") as f, h5py.File(small_run / "events.h5", "r") as g:
        for k in columns:  # the generator's storage: chunked; shuffled and deflated where that pays
            a, b = f["samples"][SIGNAL][k], g["samples"][SIGNAL][k]
            assert (a.chunks, a.compression, a.shuffle) == (b.chunks, b.compression, b.shuffle), k


def test_read_gives_the_columns_of_the_file(small_run):
    samples = darkscan.events.read(small_run / "events.h5", samples=[SIGNAL, "data"])
    assert sorted(samples) == sorted([SIGNAL, "data"])  # in the file's order
    for name, sample in samples.items():
        columns, attributes = h5_sample(small_run / "events.h5", name)
        assert sample.attributes == attributes
        assert sample.kind == attributes["kind"]
        expected = {k for k in columns if k != "mc_weight"}
        if sample.kind == "signal":  # MC without a weight column gets the filled weight of 1
            assert np.array_equal(sample.columns["mc_weight"], np.ones(sample.rows, np.float32))
        assert set(sample.columns) - {"mc_weight"} == expected
        for k in expected:
            assert sample.columns[k].tobytes() == columns[k].tobytes(), k


def valid_data(small_run):
    columns, _ = h5_sample(small_run / "events.h5", SIGNAL)
    return {k: v for k, v in columns.items() if not k.startswith("true_") and k != "mc_weight"}


def bad_samples(small_run):
    """(what, columns, attributes) of samples the event store refuses."""
    good = valid_data(small_run)
    nan = dict(good, hp_vx=good["hp_vx"].copy())
    nan["hp_vx"][3] = np.nan
    charge = dict(good, hp_trk0_charge=good["hp_trk0_charge"].copy())
    charge["hp_trk0_charge"][5] = 2
    half = dict(good, chi_vz=good["chi_vz"][:-1])
    missing = {k: v for k, v in good.items() if k != "hp_vx"}
    return [
        ("NaN", nan, {"kind": "data"}),
        ("charge", charge, {"kind": "data"}),
        ("dtype", dict(good, hp_vx=good["hp_vx"].astype(np.int64)), {"kind": "data"}),
        ("integer stored as a fraction", dict(good, n_extra_tracks=good["n_extra_tracks"] + 0.5), {"kind": "data"}),
        ("shape", half, {"kind": "data"}),
        ("missing column", missing, {"kind": "data"}),
        ("kind", good, {"kind": "simulation"}),
        ("attribute", good, {"kind": "background", "cross_section_fb": -1.0, "n_generated": 10**6}),
    ]


@pytest.mark.parametrize("case", range(8))
def test_bad_input_gives_the_command_lines_message(small_run, darkscan_bin, tmp_path, monkeypatch, case):
    what, columns, attributes = bad_samples(small_run)[case]
    python_dir, cli_dir = tmp_path / "python", tmp_path / "cli"
    python_dir.mkdir()
    cli_dir.mkdir()
    # The same sample stored with h5py, as the command line would find it.
    with h5py.File(cli_dir / "bad.h5", "w") as f:
        g = f.create_group("samples").create_group("data")
        for k, v in columns.items():
            g[k] = v
        for k, v in attributes.items():
            g.attrs[k] = v
    status, _out, err = run_darkscan(darkscan_bin, "select", "--input", "bad.h5", "--output", "out.h5", cwd=cli_dir)
    assert status == 2, (what, err)
    cli_message = err.strip().splitlines()[-1].removeprefix("darkscan: error: ")

    monkeypatch.chdir(python_dir)
    with pytest.raises(darkscan.InputError) as raised:
        darkscan.events.write("bad.h5", {"data": (columns, attributes)})
    message = str(raised.value)
    assert "\n" not in message
    # The command line adds how to map a missing column in the config.
    assert cli_message in (message, message + ' (map it with [columns] hp_vx = "<stored name>" in the config)'), what
    assert list(python_dir.iterdir()) == []  # nothing written, not even a temporary


def test_bad_python_values_are_refused_with_the_column(tmp_path):
    path = tmp_path / "x.h5"
    cases = [
        ({"event": np.array(["a", "b"])}, {}, "column 'event': has type <U1; expected a number type"),
        ({"event": np.zeros((2, 2), np.int64)}, {}, "column 'event': is 2-dimensional; columns must be 1-D"),
        ({"event": np.zeros(2, bool)}, {}, "column 'event': has type bool; expected int64"),
        ({"event": np.zeros(2, np.int64)}, {"n_generated": [1, 2]}, "attribute 'n_generated' = [1, 2]: must be a "
                                                                      "number or a string"),
    ]
    for columns, attributes, expected in cases:
        with pytest.raises(darkscan.InputError) as raised:
            darkscan.events.write(path, {"data": (columns, attributes)})
        assert str(raised.value) == f"{path}: sample 'data': {expected}"
    assert not path.exists()
