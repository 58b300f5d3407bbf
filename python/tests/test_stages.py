"""The stages from Python (docs/python.md#stages): darkscan.select and darkscan.scan
write the same bytes as `darkscan select` and `darkscan scan` on the same inputs, and
their results in memory are the arrays of those files, bit for bit."""
import h5py
import numpy as np

import darkscan
from conftest import run_darkscan
from test_events import valid_data


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def same_file(python_file, cli_file, cli_commit, python_commit=None):
    """The two files hold the same datasets and attributes, bit for bit; each says the
    commit it was built from (the Python one the module's, or `python_commit` where the
    file is a copy of another, as lee's of the scan). Where both builds are of one commit
    (CI's fresh clone), the files are the same bytes; where not, the SHA-256 of their
    inputs differ too when those were written by each build (`*_sha256` attributes)."""
    def contents(path):
        out = {}
        with h5py.File(path, "r") as f:
            def visit(name, obj):
                out[name] = obj[()].tobytes() if isinstance(obj, h5py.Dataset) else None
                out.update({f"{name}@{k}": np.asarray(v).tobytes() for k, v in obj.attrs.items()})
            f.visititems(visit)
            out.update({f"@{k}": np.asarray(v).tobytes() for k, v in f.attrs.items() if k != "darkscan_commit"})
            commit = f.attrs["darkscan_commit"]
        return out, commit
    python_contents, file_python_commit = contents(python_file)
    cli_contents, file_cli_commit = contents(cli_file)
    assert (file_python_commit, file_cli_commit) == (python_commit or darkscan._core.commit(), cli_commit)
    if file_python_commit == file_cli_commit:
        assert python_contents == cli_contents
        assert python_file.read_bytes() == cli_file.read_bytes()
    else:
        def without_hashes(c):
            return {k: v for k, v in c.items() if not k.endswith("sha256")}
        assert without_hashes(python_contents) == without_hashes(cli_contents)


def test_select_and_scan_equal_the_command_line(small_run, darkscan_bin, monkeypatch):
    monkeypatch.chdir(small_run)
    _status, version, _err = run_darkscan(darkscan_bin, "--version")
    cli_commit = version.split("(commit ")[1].split(";")[0]
    # The data: a signal sample's candidates as a data sample, a clear excess at 0.6 GeV.
    darkscan.events.write("data.h5", {"data": (valid_data(small_run), {"kind": "data"})})
    status, _out, err = run_darkscan(darkscan_bin, "select", "--config", "small.toml", "--input", "data.h5",
                                     "--output", "cli_selected.h5", cwd=small_run)
    assert status == 0, err
    selection = darkscan.select("data.h5", "py_selected.h5", config="small.toml")
    same_file(small_run / "py_selected.h5", small_run / "cli_selected.h5", cli_commit)
    with h5py.File("cli_selected.h5", "r") as f:
        for k, v in selection.samples["data"].selected.items():
            assert v.tobytes() == f["selected/data"][k][()].tobytes(), k
        assert selection.samples["data"].cutflow["candidates"].tolist() == f["cutflow/data/candidates"][()].tolist()

    for options in ((), ("--cl", "0.9", "--prior", "jeffreys", "--nuisance-prior", "lognormal")):
        status, _out, err = run_darkscan(darkscan_bin, "scan", "--config", "small.toml", "--data", "cli_selected.h5",
                                         "--model", "model.h5", "--output", "cli_scan.h5", *options, cwd=small_run)
        assert status == 0, err
        kwargs = dict(cl=0.9, prior="jeffreys", nuisance_prior="lognormal") if options else {}
        result = darkscan.scan("cli_selected.h5", "model.h5", "py_scan.h5", config="small.toml", **kwargs)
        same_file(small_run / "py_scan.h5", small_run / "cli_scan.h5", cli_commit)
        cli = datasets("cli_scan.h5")
        assert result.rows.rows > 0 and np.nanmax(result.rows["z"]) > 3
        for table, name in ((result.rows, "scan"), (result.combined, "scan_combined")):
            assert set(table) == {k.split("/")[1] for k in cli if k.startswith(name + "/")}
            for k, v in table.items():
                assert v.dtype == cli[f"{name}/{k}"].dtype and v.tobytes() == cli[f"{name}/{k}"].tobytes(), k
        df = result.to_pandas()
        assert df["ul_xsec_fb"].to_numpy().tobytes() == cli["scan/ul_xsec_fb"].tobytes()

    tables = darkscan.read("cli_scan.h5")
    assert set(tables) == {"scan", "scan_combined"}
    assert tables["scan"].attrs["units"]["mass"] == "GeV" and tables["scan"].attrs["units"]["ul_xsec_fb"] == "fb"
    assert tables.attributes["creator"].startswith("darkscan scan")
    assert tables["scan"]["z"].to_numpy().tobytes() == cli["scan/z"].tobytes()


def assert_input_errors(cases, folder):
    """Each (call, message): the call raises InputError whose message starts with the
    message; and `folder`, where the calls would write, stays empty."""
    for call, message in cases:
        try:
            call()
        except darkscan.InputError as e:
            assert str(e).startswith(message), (str(e), message)
        else:
            raise AssertionError(f"no InputError for {message}")
    assert list(folder.iterdir()) == []


def test_bad_stage_input_raises_input_error(small_run, tmp_path):
    cases = [
        (lambda: darkscan.scan(small_run / "model.h5", small_run / "model.h5", tmp_path / "s.h5"),
         f"{small_run / 'model.h5'}: no /selected group of tables (is it the right darkscan output?)"),
        (lambda: darkscan.scan("a.h5", "b.h5", tmp_path / "s.h5", prior="flat"),
         "prior = 'flat' is not one of uniform, jeffreys"),
        (lambda: darkscan.select(small_run / "events.h5", tmp_path / "s.h5", samples=["nope"]),
         f"{small_run / 'events.h5'}: no sample 'nope' (the file has: "),
    ]
    assert_input_errors(cases, tmp_path)


def test_the_notebook_example_runs(darkscan_bin, tmp_path):
    """docs/examples/notebook_example.py end to end: its excess is the signal it took as data."""
    import pathlib
    import subprocess
    import sys
    example = pathlib.Path(__file__).resolve().parents[2] / "docs" / "examples" / "notebook_example.py"
    done = subprocess.run([sys.executable, str(example), "--darkscan", str(darkscan_bin), "--work", str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    line = next(l for l in done.stdout.splitlines() if l.startswith("largest local excess"))
    mass = float(line.split(" at m = ")[1].split()[0])
    assert abs(mass - 0.6) < 0.05, line
    figures = [l.split("figure: ")[1] for l in done.stdout.splitlines() if l.startswith("figure: ")]
    assert [pathlib.Path(f).name for f in figures] == ["mass_pipi.png", "limits_pipi.png"]
    for f in figures:
        assert pathlib.Path(f).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f
