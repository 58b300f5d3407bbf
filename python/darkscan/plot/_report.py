"""Every figure of a run and report.md (docs/formats/outputs.md#plots), as `darkscan run`
draws them (python -m darkscan.plot). The inputs are read once, only the columns the
figures show; the figures are drawn by `jobs` processes forked after the reading, each
figure drawn once per format. A figure that fails is named in one line; the others and the
report are still written. Measured by benchmarks/bench_plots.py (benchmarks/RESULTS.md,
"Plots")."""
from __future__ import annotations

import os
import sys
import traceback
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union, cast

from ._figures import STYLE, figures
from ._tables import Tables, read_run

FORMATS = ("png", "pdf")
# Relative drawing time of the figures by the start of their name (the demo's, both formats).
DRAW_COST = {"sin": 3, "limit": 3, "limits": 2, "significance": 2, "y": 2, "efficiency": 2, "mass": 1, "resolution": 1}

Path = Union[str, "os.PathLike[str]"]


class Report(NamedTuple):
    """What `report` wrote: the figures drawn (in the report's order), the failed ones with
    their one line each, and the path of report.md."""

    figures: List[str]
    failures: Dict[str, str]
    report: str


def share_mathtext_layouts() -> Callable[[], None]:
    """Lays out each math text ($...$: the labels, titles and the 10^n ticks of the log axes)
    once per output kind, size and dpi while the figures are drawn; returns the function
    that undoes it. matplotlib caches the layouts per renderer, and every savefig makes new
    renderers, so each figure and format parsed them again: about a fifth of the drawing
    time (benchmarks/bench_plots.py, RESULTS.md "Plots"). The layouts are read-only data. A
    matplotlib whose parsers do not say their output kind is left as it is."""
    from matplotlib import mathtext

    parse = mathtext.MathTextParser.parse
    if getattr(parse, "shared_layouts", False) or not hasattr(mathtext.MathTextParser("path"), "_output_type"):
        return lambda: None
    layouts: Dict[Any, Any] = {}

    def shared_parse(self: Any, s: str, dpi: float = 72, prop: Any = None, **options: Any) -> Any:
        key = (self._output_type, s, dpi, None if prop is None else prop.copy(), tuple(sorted(options.items())))
        if key not in layouts:
            layouts[key] = parse(self, s, dpi, prop, **options)
        return layouts[key]

    shared_parse.shared_layouts = True  # type: ignore[attr-defined]
    mathtext.MathTextParser.parse = shared_parse  # type: ignore[method-assign]

    def undo() -> None:
        mathtext.MathTextParser.parse = parse  # type: ignore[method-assign]

    return undo


def write_atomically(path: str, write: Callable[[Any], Any]) -> None:
    """Calls write(file) on `<path>.tmp-<pid>`, flushes it to the disk and renames it onto
    `path`, then flushes the folder: as darkscan writes its outputs
    (docs/formats/outputs.md#conventions). On any error the temporary is removed."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    folder = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(folder)
    except OSError:
        pass  # a file system that cannot sync a folder; the file is in place
    finally:
        os.close(folder)


_JOBS: List[Tuple[str, Callable[..., Any], Tuple[Any, ...]]] = []
"""(name, function, arguments): set before the processes fork, which inherit it."""


def _draw(index: int, folder: str, formats: Sequence[str]) -> str:
    """Makes figure `index` of _JOBS and writes it once per format, under the figures' style."""
    import matplotlib

    name, function, arguments = _JOBS[index]
    with matplotlib.rc_context(cast(Any, STYLE)):
        fig = function(*arguments)
        for ext in formats:
            write_atomically(os.path.join(folder, f"{name}.{ext}"), lambda f: fig.savefig(f, format=ext))
    return name


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[-1] if lines else ''}"


def draw_all(jobs: List[Tuple[str, Callable[..., Any], Tuple[Any, ...]]], folder: str, workers: int,
             formats: Sequence[str] = FORMATS) -> Dict[str, str]:
    """Draws and saves every job; returns the failures as {name: one line}. With more than
    one worker the jobs are spread over forked processes (the inputs are inherited, not
    sent); a worker that dies fails the figures it had not finished, it does not hang."""
    _JOBS[:] = jobs
    failures: Dict[str, str] = {}
    workers = min(workers, len(jobs))
    if workers <= 1:
        for i, (name, _, _) in enumerate(jobs):
            try:
                _draw(i, folder, formats)
            except Exception as e:  # one figure's failure leaves the others
                failures[name] = _one_line(e)
                traceback.print_exc()
        return failures
    import concurrent.futures
    import multiprocessing

    # The slowest figures first, so that no worker is left with one of them at the end.
    order = sorted(range(len(jobs)), key=lambda i: -DRAW_COST.get(jobs[i][0].split("_")[0], 1))
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {pool.submit(_draw, i, folder, tuple(formats)): jobs[i][0] for i in order}
        for future in concurrent.futures.as_completed(futures):
            try:
                future.result()
            except Exception as e:  # raised in the worker and sent back, or the pool broken
                failures[futures[future]] = _one_line(e)
                traceback.print_exception(type(e), e, e.__traceback__)
    return failures


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _cutflow_table(c: Tables) -> str:
    rows = ["| cut | candidates | weighted yield |", "|---|---|---|"]
    for i, n in enumerate(c["candidates"]):
        rows.append(f"| {c['names'][i] if i < len(c['names']) else i} | {n} | {c['weighted_yield'][i]:.4g} |")
    return "\n".join(rows)


def report_text(d: Tables, summary: str, made: Sequence[str]) -> str:
    """report.md: the summary, the look-elsewhere numbers, the data's cutflow, the figures
    `made` and the configuration."""
    lines = ["# darkscan run report", "", "## Summary", "", "```", summary, "```", ""]
    lee = d["lee"]
    if lee:
        lines += ["## Look-elsewhere effect", "",
                  f"Largest local significance {float(lee['z_local']):.2f}σ (p = {float(lee['p_local']):.3g}); "
                  f"global {float(lee['z_global']):.2f}σ (p = {float(lee['p_global']):.4g} ± "
                  f"{float(lee['p_global_unc']):.2g}, {int(lee['toys'])} toys), trials factor "
                  f"{float(lee['trials_factor']):.3g}; Gross–Vitells {float(lee['z_gross_vitells']):.2f}σ.", ""]
    lines += ["## Cutflow of the data sample", "", _cutflow_table(d["cutflow"]), ""]
    lines += ["## Plots", ""]
    for name in made:
        lines += [f"### {name}", "", f"![{name}](plots/{name}.png)", ""]
    if d["config"]:
        lines += ["## Configuration", "", "```toml", d["config"], "```"]
    return "\n".join(lines) + "\n"


def report(run_dir: Path, *, output_dir: Optional[Path] = None, selected: Optional[Path] = None,
           model: Optional[Path] = None, results: Optional[Path] = None, interpretation: Optional[Path] = None,
           summary: Optional[Path] = None, formats: Sequence[str] = FORMATS, jobs: int = 0) -> Report:
    """Draws every figure of a run into `<output_dir>/plots/<name>.<format>` and writes
    `<output_dir>/report.md`, as `darkscan run` does. The inputs default to the files of
    `darkscan run` in `run_dir` (selected.h5, signal_model.h5, results.h5, and
    interpretation.h5 and summary.txt where present; "" names no file); `output_dir`
    defaults to `run_dir`.
    `jobs`: drawing processes, 0 for the cores this process may use. A figure that fails is
    in `failures` with one line (and its traceback on stderr); the others and the report
    are written all the same."""
    run_dir = os.fspath(run_dir)
    out_dir = os.fspath(output_dir) if output_dir is not None else run_dir

    def given(path: Optional[Path], name: str) -> str:
        return os.fspath(path) if path is not None else os.path.join(run_dir, name)

    summary_path = given(summary, "summary.txt")
    folder = os.path.join(out_dir, "plots")
    os.makedirs(folder, exist_ok=True)
    d = read_run(given(selected, "selected.h5"), given(model, "signal_model.h5"), given(results, "results.h5"),
                 given(interpretation, "interpretation.h5"))
    jobs_list = figures(d)
    undo = share_mathtext_layouts()  # before the fork: the drawing processes share the layouts made so far
    try:
        failures = draw_all(jobs_list, folder, jobs if jobs > 0 else default_workers(), formats)
    finally:
        undo()
    made = [name for name, _, _ in jobs_list if name not in failures]
    text = ""
    if os.path.exists(summary_path):
        with open(summary_path) as f:
            text = f.read().strip()
    path = os.path.join(out_dir, "report.md")
    write_atomically(path, lambda f: f.write(report_text(d, text, made).encode()))
    return Report(made, {name: failures[name] for name, _, _ in jobs_list if name in failures}, path)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """python -m darkscan.plot: report() from the command line, as `darkscan run` starts it
    (docs/commands/run.md). Exit status 0, or 1 when a figure failed (each named on stderr)."""
    import argparse

    p = argparse.ArgumentParser(prog="python -m darkscan.plot",
                                description="Every figure of a darkscan run and its report.md")
    p.add_argument("--dir", required=True, help="output folder: D/plots/<name>.<format> and D/report.md")
    p.add_argument("--selected", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--interpretation")
    p.add_argument("--summary")
    p.add_argument("--formats", default=",".join(FORMATS), help="comma-separated (default: png,pdf)")
    p.add_argument("--jobs", type=int, default=0, help="processes drawing the figures (0: every usable core)")
    a = p.parse_args(argv)
    # Without --interpretation or --summary there are none ("" names no file).
    r = report(a.dir, selected=a.selected, model=a.model, results=a.results,
               interpretation=a.interpretation or "", summary=a.summary or "",
               formats=[f for f in a.formats.split(",") if f], jobs=a.jobs)
    for name, line in r.failures.items():
        print(f"darkscan.plot: figure {name} failed: {line}", file=sys.stderr)
    print(f"plots: {len(r.figures)} figures in {os.path.join(a.dir, 'plots')}; report {r.report}"
          + (f"; {len(r.failures)} failed" if r.failures else ""))
    return 1 if r.failures else 0
