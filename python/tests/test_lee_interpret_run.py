"""darkscan.lee, darkscan.interpret and darkscan.run (docs/python.md#stages) against the
commands: the same files, dataset by dataset and attribute by attribute, and their tables
in memory the files' datasets bit for bit."""
import h5py

import darkscan
from conftest import run_darkscan
from test_stages import assert_input_errors, datasets, same_file


def cli_commit(darkscan_bin):
    _status, version, _err = run_darkscan(darkscan_bin, "--version")
    return version.split("(commit ")[1].split(";")[0]


def same_tables(result_tables, path):
    """Every Table equals its group of the file: the same columns, dtypes and bytes, the
    units the datasets state and the group's attributes."""
    with h5py.File(path, "r") as f:
        for name, table in result_tables.items():
            group = f[name]
            assert set(table) == {k for k, d in group.items() if isinstance(d, h5py.Dataset)}, name
            for column, values in table.items():
                stored = group[column]
                assert values.dtype == stored.dtype and values.tobytes() == stored[()].tobytes(), (name, column)
                unit = stored.attrs.get("unit")
                assert table.units.get(column) == (unit.decode() if isinstance(unit, bytes) else unit), (name, column)
            assert set(table.attributes) == set(group.attrs), name


def test_lee_and_interpret_equal_the_command_line(scanned, darkscan_bin, monkeypatch):
    monkeypatch.chdir(scanned)
    commit = cli_commit(darkscan_bin)
    toys = ("--toys", "300", "--batch", "64", "--coverage-toys", "40", "--seed", "11")
    status, _out, err = run_darkscan(darkscan_bin, "lee", "--config", "small.toml", "--data", "selected.h5", "--model",
                                     "model.h5", "--scan", "scan.h5", "--output", "cli_lee.h5", *toys, cwd=scanned)
    assert status == 0, err
    lee = darkscan.lee("selected.h5", "model.h5", "scan.h5", "py_lee.h5", config="small.toml", toys=300, batch=64,
                       coverage_toys=40, seed=11)
    same_file(scanned / "py_lee.h5", scanned / "cli_lee.h5", commit, python_commit=commit)  # both copy scan.h5
    assert not (scanned / "py_lee.h5.toys.partial").exists()
    same_tables({"lee/toys": lee.toys, "lee/coverage": lee.coverage, "expected": lee.expected}, "cli_lee.h5")
    with h5py.File("cli_lee.h5", "r") as f:
        assert lee.summary["z_global"] == f["lee/toys"].attrs["z_global"]
        assert lee.summary["toys"] == 300 and lee.toys.rows == 300
    assert lee.summary["z_local"] > 3  # the excess of the data

    status, _out, err = run_darkscan(darkscan_bin, "interpret", "--config", "small.toml", "--scan", "cli_lee.h5",
                                     "--model", "model.h5", "--output", "cli_interpretation.h5", cwd=scanned)
    assert status == 0, err
    result = darkscan.interpret("cli_lee.h5", "model.h5", "py_interpretation.h5", config="small.toml")
    same_file(scanned / "py_interpretation.h5", scanned / "cli_interpretation.h5", commit)
    same_tables(result.tables, "cli_interpretation.h5")
    assert set(result.tables) == {k.rsplit("/", 1)[0] for k in datasets("cli_interpretation.h5")}
    assert result.combined_limits.rows > 0 and result.combined_limits.units["limit_fb"] == "fb"
    assert result.to_pandas()["limit_fb"].to_numpy().tobytes() == result.combined_limits["limit_fb"].tobytes()


def test_bad_lee_and_interpret_input_raises_input_error(scanned, tmp_path):
    cases = [
        (lambda: darkscan.lee(scanned / "selected.h5", scanned / "model.h5", scanned / "scan.h5", tmp_path / "l.h5",
                              toys=0), "toys = 0 must be a whole number, 1 or more"),
        (lambda: darkscan.lee(scanned / "selected.h5", scanned / "model.h5", scanned / "scan.h5", tmp_path / "l.h5",
                              gv_level=-1.0), "gv_level = -1.0 must be positive"),
        (lambda: darkscan.lee(scanned / "data.h5", scanned / "model.h5", scanned / "scan.h5", tmp_path / "l.h5"),
         f"{scanned / 'data.h5'}: no /selected group of tables"),
        (lambda: darkscan.interpret(scanned / "scan.h5", scanned / "data.h5", tmp_path / "i.h5"),
         f"{scanned / 'scan.h5'}: was made with another model than {scanned / 'data.h5'} (SHA-256 differs)"),
    ]
    assert_input_errors(cases, tmp_path)


def test_run_equals_the_command_line_and_skips_what_is_up_to_date(small_run, scanned, darkscan_bin, tmp_path,
                                                                 monkeypatch):
    """The main job on an event file of small_run's signal samples and the data of
    `scanned` (select, efficiency, scan, 100 toys, interpret; about 2 s a job)."""
    import os
    import subprocess
    samples = {name: s for name, s in darkscan.events.read(small_run / "events.h5").items() if s.kind == "signal"}
    samples["data"] = darkscan.events.read(scanned / "data.h5")["data"]
    config = (small_run / "small.toml").read_text() + '\n[input]\nevents = "events.h5"\n'
    config = config.replace("[run]\n", "[run]\ntoys = 100\n")
    py, cli = tmp_path / "py", tmp_path / "cli"
    for work in (py, cli):
        # Each job in a folder of its own with the same relative paths, which the files' provenance names.
        work.mkdir()
        (work / "run.toml").write_text(config)
        darkscan.events.write(work / "events.h5", samples)
    env = dict(os.environ, DARKSCAN_PYTHON=str(tmp_path / "no-python"))  # the figures are not compared
    done = subprocess.run([str(darkscan_bin), "run", "--config", "run.toml", "--output-dir", "out"], cwd=cli, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    monkeypatch.chdir(py)
    job = darkscan.run("run.toml", "out", plots=False)
    stages = ["select", "efficiency", "scan", "lee", "interpret"]
    assert list(job.stages["stage"]) == stages and job.stages["ran"].all()
    assert job.report is None and not (py / "out" / "plots").exists()
    assert sorted(job.files) == ["interpretation", "results", "scan", "selected", "signal_model", "summary"]
    commit = cli_commit(darkscan_bin)
    for name in ("selected", "signal_model", "scan", "results", "interpretation"):
        same_file(py / job.files[name], cli / job.files[name], commit)
    assert job.summary == (cli / "out" / "summary.txt").read_text().splitlines()[:len(job.summary)]
    # Again with the plots, drawn by this interpreter's darkscan.plot: every stage is up to
    # date, only the plots run.
    again = darkscan.run("run.toml", "out")
    assert list(again.stages["stage"]) == stages + ["plots"]
    assert list(again.stages["ran"]) == [False] * len(stages) + [True]
    assert again.report is not None and os.path.samefile(again.report, py / "out" / "report.md")
    assert (py / "out" / "plots" / "mass_pipi.png").exists()
