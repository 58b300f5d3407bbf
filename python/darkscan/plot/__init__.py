"""The figures of darkscan's result files (docs/python.md#plots), the ones `darkscan run`
draws into its report (docs/formats/outputs.md#plots), for a notebook or a script:

    import darkscan
    fig = darkscan.plot.limits("darkscan-output/demo/results.h5", "pipi")
    fig.savefig("limits_pipi.pdf")

Each figure function takes a result file's path, or the tables its `read_*` function
returns, and optionally the matplotlib Axes to draw into; it returns the Figure.
`report(run_dir)` draws them all with report.md, as `darkscan run` does
(`python -m darkscan.plot`). matplotlib and h5py are needed (the extra "plot" of the
package) and imported at the first use.
"""
from ._figures import (FinalState, efficiency, figures, limit_map, limits, mass, resolution, shown_lifetimes,
                       significance, sin_theta, y_limit, y_limit_benchmarks)
from ._report import FORMATS, Report, report
from ._tables import (FINAL_STATES, read_interpretation, read_model, read_results, read_run, read_selected)

__all__ = ["FINAL_STATES", "FORMATS", "FinalState", "Report", "efficiency", "figures", "limit_map", "limits",
           "mass", "read_interpretation", "read_model", "read_results", "read_run", "read_selected", "report",
           "resolution", "shown_lifetimes", "significance", "sin_theta", "y_limit", "y_limit_benchmarks"]
